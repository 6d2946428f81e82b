// The "About this scenario" window (Help menu): the scenario's title and description, which for
// a trainer's scenario is the exercise, and what the moments of truth are.
#include <algorithm>

#include "app/app.h"
#include "imgui.h"

namespace motsim::app {

void App::draw_about_window() {
    if (!show_about_) return;
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos({ds.x * 0.5f, ds.y * 0.5f}, ImGuiCond_Appearing, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({std::min(ds.x * 0.9f, 560.0f * ui_scale_), std::min(ds.y * 0.8f, 520.0f * ui_scale_)},
                             ImGuiCond_Appearing);
    if (ImGui::Begin("About this scenario", &show_about_)) {
        remember_rect("about");
        ImGui::TextWrapped("%s", edited_.name.c_str());
        ImGui::Separator();
        if (edited_.description.empty())
            ImGui::TextDisabled("This scenario has no description.");
        else
            ImGui::TextWrapped("%s", edited_.description.c_str());
        ImGui::Spacing();
        ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "The moments of truth");
        ImGui::Separator();
        ImGui::TextWrapped(
            "Stimulus: the customer first hears of you (an ad, a friend). ZMOT, the zero moment of truth: they "
            "research online, reading reviews. FMOT, the first moment of truth: the shelf or the first "
            "encounter. AMOT: the purchase and the delivery. SMOT, the second moment of truth: using the "
            "product, the stay. UMOT, the ultimate moment of truth: they share the experience, and reviews "
            "and word of mouth feed the next customers' research.");
        ImGui::Spacing();
        ImGui::TextWrapped(
            "Every moment has odds of a positive, neutral or negative outcome (sometimes a moment of magic). "
            "Each outcome changes the customer's impression and sends them on. Click a moment on the map to "
            "change its odds and watch the outcome change.");
    }
    ImGui::End();
}

}  // namespace motsim::app
