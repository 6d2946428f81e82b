// Customer stories: the events of one watched customer told as sentences a trainer can read
// out ("day 3, Check-in: negative (rudeness), impression -0.30 -> lost"). Pure text, no ImGui,
// so the same words can go to the story panel, a tooltip or an export.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/scenario.h"
#include "engine/simulation.h"

namespace motsim::app {

// "day 4" for the event tick 3: ticks count from 0 in the engine and the CSV, but people count
// days from 1. Use this wherever the app names a tick for a person, so story and charts agree.
// An empty time unit reads "tick".
std::string time_label(const Scenario& s, int tick);

// A target's name for a person: the moment's name (its id when the name is empty), "done",
// "lost", or "?" for an index outside the scenario.
std::string target_label(const Scenario& s, int target);

// One line per event of `customer`, in the order the events were recorded (the engine records
// them in time order). `segment` (index into Scenario::segments, e.g. from
// Simulation::customer_segment() while the customer is in the journey) adds the segment's name
// to the arrival line; -1 leaves it out, since the events do not carry it.
std::vector<std::string> story_lines(const Scenario& s, const std::vector<StoryEvent>& events, std::uint32_t customer,
                                     int segment = -1);

// How the story ends so far, from the customer's last event: "finished the journey as a
// promoter (score 9), bought once", "left the journey after Check-in as a detractor (score 2)",
// or "still in the journey at Dinner, impression +0.20 (score 6 now)". Scores are
// motsim::nps_score of the impression.
std::string summary_line(const Scenario& s, const std::vector<StoryEvent>& events, std::uint32_t customer);

}  // namespace motsim::app
