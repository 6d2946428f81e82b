#include "app/widgets.h"

#include <algorithm>
#include <cstdio>

#include "imgui.h"

namespace motsim::app {

// "0.75 (odds 3:1)": probabilities as trainers say them, and as gamblers do.
std::string odds_text(double p_pos, double p_neg) {
    char buf[64];
    if (p_neg <= 0)
        std::snprintf(buf, sizeof buf, "odds %.3g:0", p_pos);
    else
        std::snprintf(buf, sizeof buf, "odds %.2g:1", p_pos / p_neg);
    return buf;
}

// A slider for a double; `locked` shows it greyed out and read-only (a lesson's locked parameter).
bool slider_double(const char* label, double& v, double lo, double hi, const char* fmt, const char* help, bool locked) {
    float f = static_cast<float>(v);
    if (locked) ImGui::BeginDisabled();
    const bool changed = ImGui::SliderFloat(label, &f, static_cast<float>(lo), static_cast<float>(hi), fmt);
    if (locked) ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled) && (help || locked))
        ImGui::SetTooltip("%s%s", help ? help : "",
                          locked ? (help ? "\n(locked in this lesson)" : "(locked in this lesson)") : "");
    if (locked) return false;
    if (changed) v = std::clamp(static_cast<double>(f), lo, hi);
    return changed;
}

const char* target_name(const Scenario& s, int t) {
    if (t == kDone) return "done";
    if (t == kLost) return "lost";
    if (t >= 0 && static_cast<std::size_t>(t) < s.moments.size())
        return s.moments[static_cast<std::size_t>(t)].id.c_str();
    return "?";
}

// A labelled divider (ImGui 1.86 has no SeparatorText yet).
void section(const char* label) {
    ImGui::Spacing();
    ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "%s", label);
    ImGui::Separator();
}

std::string fit_text(const std::string& text, float max_width) {
    if (ImGui::CalcTextSize(text.c_str()).x <= max_width) return text;
    const float dots = ImGui::CalcTextSize("...").x;
    std::size_t len = text.size();
    while (len > 0) {
        --len;  // back to the start of the previous character (past its continuation bytes)
        while (len > 0 && (static_cast<unsigned char>(text[len]) & 0xC0u) == 0x80u) --len;
        if (ImGui::CalcTextSize(text.c_str(), text.c_str() + len).x + dots <= max_width) break;
    }
    return len == 0 ? std::string() : text.substr(0, len) + "...";
}

}  // namespace motsim::app
