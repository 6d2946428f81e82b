// The app's keyboard shortcuts, one table: the key handler (shortcuts.cpp) acts on them and the
// Help menu and the Info window list them, so the list a learner reads is the list that works.
#pragma once

namespace motsim::app {

struct Shortcut {
    const char* keys;  // as a learner reads them: "Space", "Ctrl+Z"
    const char* what;
};

inline constexpr Shortcut kShortcuts[] = {
    {"Space", "Play or pause"},
    {"Right arrow", "One step (while paused)"},
    {"R", "Reset the run (tick 0, same seed)"},
    {"E", "Run to the end"},
    {"Ctrl+Z", "Undo the last edit"},
    {"Ctrl+Shift+Z or Ctrl+Y", "Redo"},
    {"Tab / Shift+Tab", "Move between controls (Enter or Space to press, arrows to change a slider)"},
    {"F6 (Ctrl+Tab on the desktop)", "Move between windows"},
    {"F1", "Information: what this scenario is and how to use the app"},
};

}  // namespace motsim::app
