// Small ImGui helpers the windows share: sliders for doubles with a lesson's lock, section
// headings, odds as trainers say them, route target names, and text fitted to a width.
#pragma once
#include <string>

#include "engine/scenario.h"

namespace motsim::app {

// "odds 3:1": the positive probability against the negative, as gamblers say it.
std::string odds_text(double p_pos, double p_neg);

// A slider for a double; `locked` shows it greyed out and read-only (a lesson's locked
// parameter), with `help` (and the lock) as a tooltip.
bool slider_double(const char* label, double& v, double lo, double hi, const char* fmt, const char* help = nullptr,
                   bool locked = false);

// A route target's name: a moment's id, "done" or "lost".
const char* target_name(const Scenario& s, int target);

// A labelled divider (ImGui 1.86 has no SeparatorText yet).
void section(const char* label);

// The text shortened with "..." to fit max_width in the current font, never cutting a UTF-8
// character in half.
std::string fit_text(const std::string& text, float max_width);

}  // namespace motsim::app
