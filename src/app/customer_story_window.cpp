// The "Customer story" window: the followed customer's journey in sentences.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app/app.h"
#include "app/glossary.h"
#include "app/widgets.h"
#include "imgui.h"

namespace motsim::app {

void App::draw_customer_story_window() {
    ImGui::Begin("Customer story");
    remember_rect("story");
    if (!run_.view.individuals()) {
        ImGui::TextWrapped(
            "The %s engine moves counts, not individual customers: switch the engine to agents "
            "(Run panel) to follow one customer's story.",
            run_.view.engine.c_str());
        ImGui::End();
        return;
    }
    if (ImGui::Button("Random customer") && run_.sim->active() > 0) {
        // A pick that does not touch the simulation's random stream.
        const std::vector<std::uint32_t> ids = run_.sim->customer_ids();
        const std::size_t k =
            static_cast<std::size_t>((static_cast<std::uint64_t>(time_ * 1000.0) * 2654435761u) % ids.size());
        watch_customer(ids[k]);
    }
    ImGui::SameLine();
    ImGui::TextDisabled("or shift-click a dot");
    glossary_tip("agents", "Each dot on the map is one customer: shift-click it to follow them.");
    if (run_.watched) {
        ImGui::Text("Customer #%u", *run_.watched);
        // The story's words: each line names a moment, its outcome and the impression after it.
        glossary_marker("impression");
        ImGui::BeginChild("lines");
        for (const std::string& line : story()) ImGui::TextWrapped("%s", line.c_str());
        ImGui::EndChild();
    } else {
        ImGui::TextWrapped("Pick a customer to read their journey, moment by moment.");
    }
    ImGui::End();
}

}  // namespace motsim::app
