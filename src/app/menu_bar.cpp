// The menu bar: shipped scenarios, open, save and export; the view; help; the run's status line.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <cfloat>

#include "app/app.h"
#include "app/shortcuts.h"
#include "app/widgets.h"
#include "imgui.h"
#include "imgui_internal.h"  // the hovered window, cleared for a picture
#include "scenarios_embedded.h"

namespace motsim::app {

void App::draw_menu_bar() {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("Scenario")) {
        draw_scenario_choices();  // authoring_window.cpp: the journeys by title, New journey
        ImGui::Separator();
        if (host_.is_browser()) {
            if (ImGui::MenuItem("Open JSON file..."))
                ask_before_leaving("open another file", [this] { host_.open_file(""); });
        } else if (ImGui::BeginMenu("Open JSON file")) {
            ImGui::InputText("path", open_path_, sizeof open_path_);
            if (ImGui::Button("Open")) host_.open_file(open_path_);
            ImGui::EndMenu();
        }
        if (ImGui::MenuItem("Save scenario as JSON")) {
            note("Saved " + host_.save_file("scenario.json", "application/json", scenario_json()), false);
        }
        if (host_.is_browser() && ImGui::MenuItem("Copy a link to this run")) host_.copy_link(share_json());
        ImGui::EndMenu();
    }
    remember_item("menu_scenario");
    draw_edit_menu();  // authoring_window.cpp
    remember_item("menu_edit");
    // Files named after the scenario, the seed and what they hold (export_data, compare.cpp).
    const bool export_open = ImGui::BeginMenu("Export");
    remember_item("menu_export");
    if (export_open) {
        const ExperimentRoom& x = experiments_;
        // Results files are the agent engine's (the command line's format, digest included).
        if (ImGui::MenuItem("Results of this run (JSON)", nullptr, false, run_.view.individuals()))
            export_data("results");
        if (ImGui::MenuItem("Per-tick series of this run (CSV)", nullptr, false, run_.view.individuals()))
            export_data("series");
        if (ImGui::MenuItem("Exact analysis (JSON)")) export_data("analysis");
        if (ImGui::MenuItem("The chart on screen (CSV)", nullptr, false, !chart_table_.columns.empty()))
            export_data("chart");
        ImGui::Separator();
        if (ImGui::MenuItem("Replications (CSV)", nullptr, false, x.replications.has_value()))
            export_data("replications_csv");
        if (ImGui::MenuItem("Replications (JSON)", nullptr, false, x.replications.has_value()))
            export_data("replications_json");
        if (ImGui::MenuItem("Sweep (CSV)", nullptr, false, x.sweep.has_value())) export_data("sweep_csv");
        if (ImGui::MenuItem("Sweep (JSON)", nullptr, false, x.sweep.has_value())) export_data("sweep_json");
        if (ImGui::MenuItem("Where to invest (CSV)", nullptr, false, x.rank.has_value())) export_data("rank_csv");
        if (ImGui::MenuItem("Where to invest (JSON)", nullptr, false, x.rank.has_value())) export_data("rank_json");
        ImGui::Separator();
        if (ImGui::MenuItem("A picture of the view (PNG)")) save_picture("");
        remember_item("export_png");
        ImGui::Separator();
        if (ImGui::MenuItem("Pin this run as the baseline")) pin_baseline();
        if (ImGui::MenuItem("Clear baselines and earlier runs", nullptr, false, !compare_.runs.empty()))
            clear_baselines();
        ImGui::EndMenu();
    }
    draw_lesson_menu();  // lesson_window.cpp: edit, load, save, preview, download a package
    if (ImGui::BeginMenu("View")) {
        // Reading: the text size and the presentation mode (kept in the browser; the font is
        // rebuilt between frames at the new size, so text stays sharp).
        struct TextSize {
            const char* name;
            double factor;
        };
        static constexpr TextSize kTextSizes[] = {
            {"Small", 0.85}, {"Normal", 1.0}, {"Large", 1.2}, {"Extra large", 1.5}};
        if (ImGui::BeginMenu("Text size")) {
            for (const TextSize& t : kTextSizes)
                if (ImGui::MenuItem(t.name, nullptr, std::fabs(text_size() - t.factor) < 1e-6)) set_text_size(t.factor);
            ImGui::EndMenu();
        }
        if (ImGui::MenuItem("Presentation mode", nullptr, presentation())) set_presentation(!presentation());
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("For a projector: bigger text, thicker lines and dots, higher contrast.");
        ImGui::Separator();
        if (ImGui::MenuItem("Reset window layout")) layout_.relayout = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        // Getting started: the Info window (guidance.cpp / info_window.cpp), also on F1.
        if (ImGui::MenuItem("Getting started", "F1")) open_info();
        ImGui::Separator();
        ImGui::TextUnformatted("Customers (dots) flow left to right through the moments of truth.");
        ImGui::TextUnformatted("Colour = impression: red negative, grey neutral, green positive;");
        ImGui::TextUnformatted("a golden flash is a moment of magic.");
        ImGui::TextUnformatted("Click a moment to edit its odds on the right; shift-click a dot");
        ImGui::TextUnformatted("(or press 'Random customer') to read that customer's story.");
        ImGui::TextUnformatted("Dashed lines and hollow markers are the exact expectation.");
        ImGui::Separator();
        ImGui::TextDisabled("Keyboard shortcuts");
        if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_NoSavedSettings)) {
            for (const Shortcut& k : kShortcuts) {
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(k.keys);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(k.what);
            }
            ImGui::EndTable();
        }
        ImGui::EndMenu();
    }
    // The status line, shortened by whole parts (the journey's name first, then the engine)
    // where the bar has no room for all of it (a tablet held upright): never cut in a word.
    char clock[96], engine[64];
    std::snprintf(clock, sizeof clock, "%s %d / %d   %s", edited_.time_unit.c_str(), tick(), edited_.ticks,
                  finished()     ? "finished"
                  : run_.playing ? "playing"
                                 : "paused");
    std::snprintf(engine, sizeof engine, "   (%s)", run_.view.engine.c_str());
    const std::string name = edited_.name + (edited() ? " (edited)" : "") + "   ";
    const std::string choices[] = {name + clock + engine, std::string(clock) + engine, clock};
    const float gap = ImGui::GetFontSize() * 2;
    for (const std::string& status : choices)
        if (ImGui::GetContentRegionAvail().x >= gap + ImGui::CalcTextSize(status.c_str()).x) {
            ImGui::SameLine(0, gap);
            ImGui::TextDisabled("%s", status.c_str());
            break;
        }
    ImGui::EndMainMenuBar();
}

// ==== A picture without menus or tooltips ========================================================
// save_picture() asks; the next frame hides the menu bar (draw() skips it) and every tooltip
// (nothing counts as hovered), and asks the platform for the picture, taken once the frame is drawn.

void App::begin_picture_frame() {
    capturing_picture_ = !picture_pending_.empty();
    if (!capturing_picture_) return;
    ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // no item is under the mouse: no tooltip
    ImGui::GetCurrentContext()->HoveredWindow = nullptr;
}

void App::end_picture_frame() {
    if (!capturing_picture_) return;
    host_.request_screenshot(picture_pending_);
    note("Saved a picture: " + picture_pending_, false);
    picture_pending_.clear();
    capturing_picture_ = false;
    ++pictures_taken_;
}

}  // namespace motsim::app
