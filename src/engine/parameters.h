// Scenario parameters by path ("/moments/check_in/positive"), shared by the app's editor, the
// embedding API and the experiments (sweeps vary parameters through the same paths, so a sweep
// axis means exactly what the slider of the same name means).
//
// Paths:
//   /population/arrivals_per_tick | max_customers | initial      /ticks
//   /influence/impression | reviews                              /reviews/prior | half_life
//   /word_of_mouth/advocate_threshold | referral_rate | referral_ticks | referral_boost
//   /segments/<index>/share | shift | initial_impression
//   /moments/<id or index>/positive | negative | magic | review | dwell | dwell/min | dwell/max
//   /moments/<id or index>/impact/positive | neutral | negative | magic
//   /moments/<id or index>/review: by NPS group, the largest group's rate (setting it scales
//   the three, keeping their proportions); /review/promoter | passive | detractor: one group
//   v2: /loyalty/base | impression   /market/advertising | word_of_mouth | negative   /money/revenue
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/scenario.h"

namespace motsim {

// Sets one parameter. On a bad path or a value out of range it returns false, leaves `s`
// unchanged and says why in `error`. Setting a moment's positive (negative) so that
// p+ + p- > 1 lowers the other one to keep p+ + p- <= 1. Graph checks (a loop nobody leaves)
// are the caller's business: see check_graph.
bool set_parameter(Scenario& s, const std::string& path, double value, std::string& error);

// The current value of a parameter, or nothing for a bad path. "dwell" reads the mean dwell.
std::optional<double> get_parameter(const Scenario& s, const std::string& path);

// Every path of `s` that set_parameter understands (moments by id), in a fixed order: the
// scenario-wide ones, the v2 blocks the scenario has, segments, then each moment's fields.
std::vector<std::string> scenario_parameter_paths(const Scenario& s);
// The fields of a moment's paths ("positive", "impact/magic"...), "/moments/<id>/" + field.
const std::vector<std::string>& moment_parameter_fields();

}  // namespace motsim
