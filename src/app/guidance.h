// Guidance for a learner, as text the windows show and tests read without a window: the things to
// try in each shipped scenario (docs/scenarios.md), and how the Run window words the run's state
// ("Finished: day 120 of 120", NPS as "-" until someone has left the journey).
#pragma once
#include <span>
#include <string>
#include <vector>

#include "app/live_view.h"
#include "engine/scenario.h"

namespace motsim::app {

// The storage key that remembers the Info window was shown (so it opens on the first visit only).
inline constexpr const char* kStoreSeenInfo = "motsim.seen_info";

// Things to try in the scenario named `name` (a shipped scenario's title; the exercises of
// docs/scenarios.md, shortened), or a list for any journey when the name is not a shipped one.
std::span<const char* const> things_to_try(const std::string& name);
// True when things_to_try(name) is a shipped scenario's own list.
bool has_own_things_to_try(const std::string& name);

// The guided tour: each step points at a named widget (WindowLayout's rectangles) and says what
// it is for.
struct TourStep {
    const char* widget;  // "play", "journey", "editor", "charts", "info_again" ...
    const char* title;
    const char* text;
};
std::span<const TourStep> tour_steps();

// The NPS to show: NaN (shown as "-") until somebody was asked (Scenario::nps_asked: buyers by
// default, so a run without a purchase yet has no score either).
double nps_shown(const LiveView& v);
// Who is asked, for the NPS's label: "NPS of buyers", "NPS of those who finished", "NPS of
// everyone"; and the tooltip of an undefined score ("nobody asked yet").
std::string nps_label(const Scenario& s);
inline constexpr const char* kNobodyAsked = "nobody asked yet";

// The expected-values engine is the exact mean of random runs only when nothing feeds back
// from the crowd into a customer's odds: reviews read at a moment (gamma != 0), referrals, a
// market or a population cap that binds make it a mean-field approximation. The label and the
// tooltip say which.
bool expected_is_approximate(const Scenario& s);
std::string expected_values_label(const Scenario& s);  // "expected values (exact mean)" / "... approximation"
const char* expected_values_tip(const Scenario& s);

// "Finished: day 120 of 120" (the scenario's time unit).
std::string finished_line(const Scenario& s, const LiveView& v);
// The run's outcome in short lines (so no number is split by wrapping):
// {"3,215 purchases (44.7 %)", "from 7,200 customers", "NPS +12"}.
std::vector<std::string> outcome_lines(const LiveView& v);

}  // namespace motsim::app
