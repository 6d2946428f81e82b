// The words of the model in plain sentences, one table: every tooltip that explains a model term
// (the Run window's "impression", the editor's "p+", the Info window's glossary) reads it, so a
// term means the same wherever a learner hovers it. The texts follow docs/model.md.
#pragma once
#include <span>
#include <string_view>

namespace motsim::app {

struct GlossaryEntry {
    const char* term;  // as the app writes it: "impression", "beta", "NPS", "ZMOT"
    const char* text;  // one or two plain sentences
};

// Every term, in the order the Info window lists them.
std::span<const GlossaryEntry> glossary();

// The text of a term (letter case ignored), or nullptr when the table does not have it.
const char* glossary_text(std::string_view term);

// ---- ImGui helpers (info_window.cpp, with the window that lists the whole glossary) -----------
// The term's text as a tooltip while the last item is hovered (also when it is disabled), after
// `note` when there is one (what this particular number or control says).
void glossary_tip(const char* term, const char* note = nullptr);
// A small "(?)" after the last item, on the same line, with the term's tooltip.
void glossary_marker(const char* term);

}  // namespace motsim::app
