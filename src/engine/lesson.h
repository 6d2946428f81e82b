// Lesson mode: a trainer's sequence of steps ("raise conversion above 40% by changing at most two
// touchpoints"), each checked by the engine on a fresh run of the learner's scenario, so a goal
// is met by the parameters, never by the timing of an edit during a run.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/scenario.h"
#include "engine/simulation.h"

namespace motsim {

struct LessonGoal {
    std::string metric;    // see lesson_metric_names()
    bool at_least = true;  // metric >= value, else metric <= value
    double value = 0.0;
};

struct LessonStep {
    std::string text;               // what the learner reads
    std::vector<LessonGoal> goals;  // all must hold
    int max_changed_moments = -1;   // at most this many moments edited (-1: any)
};

// The panels a learner sees while the lesson runs (what `panels` of the app's configuration sets).
struct LessonPanels {
    bool menu = true, controls = true, editor = true, charts = true, story = true;
    bool operator==(const LessonPanels&) const = default;
};

struct Lesson {
    std::string title;
    std::string introduction;        // shown before the first step ("" : none)
    std::vector<LessonStep> steps;   // 1 to 50
    std::vector<std::string> locked; // parameter paths the learner may not change ("/moments/x/*": a subtree)
    std::optional<LessonPanels> panels;  // none: the host's choice
    std::vector<std::string> mirror;     // parameter paths the DOM mirror shows as sliders (none: its default)
};

// The metrics a goal may name: conversion (purchases per arrival), nps, rating, done_share,
// lost_share, purchases, arrivals, advocates, referrals; v2: profit and revenue (a scenario with
// money), returns (with loyalty).
const std::vector<std::string>& lesson_metric_names();
// The metric of a finished (or running) simulation; false if the name is unknown.
bool lesson_metric(const Simulation& sim, const std::string& metric, double& out);

// Whether two moments have the same odds, impacts, dwell, flags and routes (ids aside).
bool same_moment(const Moment& a, const Moment& b);

// Moments whose odds, impacts, dwell, flags or routes differ between the two scenarios
// (matched by id; a moment only in `now` counts as changed).
std::vector<std::string> changed_moments(const Scenario& base, const Scenario& now);

struct StepResult {
    bool met = false;
    std::vector<double> values;  // per goal, the measured metric
    int changed = 0;
    std::string detail;  // for a person: what was measured against what
};

// Runs `now` from tick 0 with `seed` to its end and checks the step's goals and its limit on
// changed moments against `base` (the scenario the lesson started from).
StepResult check_step(const LessonStep& step, const Scenario& base, const Scenario& now, std::uint64_t seed);
// The same for a run of `now` that has already ended (the app runs it in slices).
StepResult evaluate_step(const LessonStep& step, const Scenario& base, const Scenario& now, const Simulation& sim);

}  // namespace motsim
