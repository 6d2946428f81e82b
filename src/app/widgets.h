// Small ImGui helpers the windows share: sliders for doubles with a lesson's lock, section
// headings, odds as trainers say them, route target names, and text fitted to a width.
#pragma once
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

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
// character in half. Every text it shortens is counted (truncation_log()).
std::string fit_text(const std::string& text, float max_width);

// The text broken into lines of at most max_width in the current font: at spaces, and a word
// wider than a line is split with a hyphen. Past max_lines the last line is fitted with "..."
// (and counted, like fit_text). `cut` (if given) says whether that happened.
std::vector<std::string> wrap_text(const std::string& text, float max_width, int max_lines, bool* cut = nullptr);

// Presentation mode's colours on top of the dark (or light) theme: white (black) text on
// opaque black (white) windows, bright borders and frames, for a projector in a lit room.
void high_contrast_colors(bool light);

// ==== Text that did not fit ======================================================================
// Every text the app had to shorten this frame: fit_text and wrap_text, a tab too narrow for its
// label (ImGui draws it with "..."), a window whose content runs past its right edge with no
// scroll bar. The app reports the last whole frame as "truncated" and "truncated_texts" in its
// state, so a test can assert that nothing was cut at a given screen size.
inline constexpr std::size_t kMaxTruncatedTexts = 20;

struct TruncationLog {
    int count = 0;  // this frame so far
    std::vector<std::string> texts;
    int last_count = 0;  // the last whole frame
    std::vector<std::string> last_texts;

    void note(const std::string& full_text) {
        ++count;
        if (texts.size() < kMaxTruncatedTexts) texts.push_back(full_text);
    }
    void end_frame() {
        last_count = count;
        last_texts = std::move(texts);
        count = 0;
        texts.clear();
    }
};

// One log for the process (like ImGui's context): fit_text needs no App to report to.
inline TruncationLog& truncation_log() {
    static TruncationLog log;
    return log;
}

// The tabs drawn this frame, each with the part of it on screen (a scrolling tab bar hides
// some): the app names them "tab:<label>" for motsim.widget(), so a test can click a tab.
struct TabRect {
    std::string label;
    float x, y, w, h;
};
std::vector<TabRect> visible_tabs();

// At the end of a frame (after the last window's End): counts tabs drawn shorter than their
// label and windows whose content is wider than the window with no horizontal scroll bar, then
// closes the frame's log.
void end_frame_truncation_check();

}  // namespace motsim::app
