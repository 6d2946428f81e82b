// The "Info" window (Help > Getting started, F1, and the first visit to the page): the scenario's
// title and description (for a trainer's scenario, the exercise), the six moments of truth, how to
// use the app, things to try in this journey, the keyboard shortcuts and the glossary. Also the
// glossary's tooltip helpers (glossary.h) and the "Press Play" hint over the map at tick 0.
#include <algorithm>
#include <string>

#include "app/app.h"
#include "app/glossary.h"
#include "app/guidance.h"
#include "app/shortcuts.h"
#include "imgui.h"

namespace motsim::app {

namespace {

const ImVec4 kHeading{0.55f, 0.75f, 1.0f, 1.0f};

// ---- glossary tooltips ----

// Tooltips wrap at about 30 characters' width times the font's size: a few short lines.
void wrapped_tooltip_text(const char* text) {
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 26.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
}

// A two-column table whose second column wraps: the phases, the shortcuts, the glossary.
bool begin_pairs(const char* id, float first_width) {
    if (!ImGui::BeginTable(id, 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_NoSavedSettings)) return false;
    ImGui::TableSetupColumn("term", ImGuiTableColumnFlags_WidthFixed, first_width);
    ImGui::TableSetupColumn("text", ImGuiTableColumnFlags_WidthStretch);
    return true;
}
void pair_row(const char* first, const char* second, bool heading_colour = true) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (heading_colour) ImGui::PushStyleColor(ImGuiCol_Text, kHeading);
    ImGui::TextWrapped("%s", first);
    if (heading_colour) ImGui::PopStyleColor();
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", second);
}

void bullet_text(const char* text) {
    ImGui::Bullet();
    ImGui::TextWrapped("%s", text);
}

}  // namespace

void glossary_tip(const char* term, const char* note) {
    if (!ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) return;
    const char* text = term ? glossary_text(term) : nullptr;
    if (!text && !note) return;
    ImGui::BeginTooltip();
    if (note) wrapped_tooltip_text(note);
    if (text) {
        if (note) ImGui::Separator();
        ImGui::TextColored(kHeading, "%s", term);
        wrapped_tooltip_text(text);
    }
    ImGui::EndTooltip();
}

void glossary_marker(const char* term) {
    ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
    ImGui::TextDisabled("(?)");
    glossary_tip(term);
}

// ==== The "Press Play" hint over the map ========================================================
// While the page waits for its first Play, a note at the foot of the journey map says how to start.
// It takes no input (clicks reach the map) and goes as soon as the run moves or Info is open.
void App::draw_start_hint() {
    if (host_page_ || !ui_.controls || show_info_ || tour_step_ >= 0 || !waiting_for_play()) return;
    const WindowLayout::Rect* map = nullptr;
    for (const WindowLayout::Rect& r : layout_.rects)
        if (r.name == "journey") map = &r;
    if (!map) return;
    // Bottom left: the stimulus and ZMOT columns usually hold one moment each, drawn at mid height
    // with its name under it, so their feet are free.
    const float margin = ImGui::GetFontSize() * 0.75f;
    ImGui::SetNextWindowPos({map->x + margin, map->y + map->h - margin}, ImGuiCond_Always, {0.0f, 1.0f});
    ImGui::SetNextWindowBgAlpha(0.88f);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.08f, 0.22f, 0.14f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_Border, ImVec4(0.45f, 0.85f, 0.55f, 1.0f));
    ImGui::Begin("##start_hint", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoInputs | ImGuiWindowFlags_NoNav);
    remember_rect("start_hint");
    ImGui::TextUnformatted("Press Play (or Space) to start");  // short: it must not hide a moment
    ImGui::End();
    ImGui::PopStyleColor(2);
}

// ==== The guided tour ===========================================================================
// One step at a time: the widget it is about gets a yellow frame, and the step's text stands
// beside it (over the middle of a wide window such as the map or the charts), with Next and Skip.
void App::draw_tour() {
    const auto steps = tour_steps();
    if (tour_step_ < 0 || tour_step_ >= static_cast<int>(steps.size())) return;
    const TourStep& step = steps[static_cast<std::size_t>(tour_step_)];
    const WindowLayout::Rect* target = nullptr;
    for (const WindowLayout::Rect& r : layout_.rects)
        if (r.name == step.widget) target = &r;
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const float w = std::min(300.0f * ui_scale_, ds.x * 0.8f), gap = 12.0f * ui_scale_;
    ImVec2 pos{ds.x * 0.5f, ds.y * 0.5f}, pivot{0.5f, 0.5f};
    if (target) {
        ImGui::GetForegroundDrawList()->AddRect({target->x - 3, target->y - 3},
                                                {target->x + target->w + 3, target->y + target->h + 3},
                                                IM_COL32(255, 205, 60, 255), 4.0f, 0, 3.0f);
        // The text goes beside the window that holds the target (the Run window for Play), or over
        // the middle of a wide one (the map, the charts).
        const WindowLayout::Rect* around = target;
        for (const WindowLayout::Rect& r : layout_.rects)
            if (r.x <= target->x && r.y <= target->y && r.x + r.w >= target->x + target->w &&
                r.y + r.h >= target->y + target->h && r.w * r.h > around->w * around->h && r.name != "tour")
                around = &r;
        if (around->w > ds.x * 0.35f) {
            pos = {around->x + around->w * 0.5f, around->y + around->h * 0.5f};
        } else if (around->x + around->w + gap + w < ds.x) {
            pos = {around->x + around->w + gap, target->y}, pivot = {0.0f, 0.0f};
        } else {
            pos = {around->x - gap, target->y}, pivot = {1.0f, 0.0f};
        }
    }
    ImGui::SetNextWindowPos(pos, ImGuiCond_Always, pivot);
    ImGui::SetNextWindowSize({w, 0}, ImGuiCond_Always);  // height 0: fitted to the text
    ImGui::PushStyleColor(ImGuiCol_Border, ImVec4(1.0f, 0.80f, 0.24f, 1.0f));
    ImGui::Begin("##tour", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoMove);
    remember_rect("tour");
    ImGui::TextColored(kHeading, "%s", step.title);
    ImGui::TextWrapped("%s", step.text);
    const bool last = tour_step_ + 1 == static_cast<int>(steps.size());
    if (ImGui::Button(last ? "Done" : "Next")) next_tour_step();
    remember_item("tour_next");
    if (!last) {
        ImGui::SameLine();
        if (ImGui::Button("Skip the tour")) end_tour();
    }
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%d of %d", tour_step_ + 1, static_cast<int>(steps.size()));
    ImGui::End();
    ImGui::PopStyleColor();
}

// ==== The Info window ===========================================================================

void App::draw_info_window() {
    greet_first_visit();
    draw_start_hint();
    draw_tour();
    if (!show_info_) return;
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const float top = ui_.menu ? ImGui::GetFrameHeight() : 0.0f;
    const float h = std::min((ds.y - top) * 0.88f, 620.0f * ui_scale_);
    ImGui::SetNextWindowPos({ds.x * 0.5f, top + (ds.y - top) * 0.5f}, ImGuiCond_Appearing, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({std::min(ds.x * 0.92f, 660.0f * ui_scale_), h}, ImGuiCond_Appearing);
    // An error on screen stays in front: the Info window neither takes the focus nor comes forward.
    const bool error_shown = !messages_.empty() && messages_.back().error;
    ImGuiWindowFlags flags = ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse;
    if (error_shown) flags |= ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoBringToFrontOnFocus;
    bool open = true;
    if (ImGui::Begin("Info", &open, flags)) {
        remember_rect("info");
        const ImGuiStyle& style = ImGui::GetStyle();
        const float footer = ImGui::GetFrameHeightWithSpacing() + style.ItemSpacing.y;
        ImGui::BeginChild("##info_text", {0, -footer});
        const float first = std::min(ImGui::GetContentRegionAvail().x * 0.32f, ImGui::GetFontSize() * 10.0f);

        // ---- the scenario ----
        ImGui::PushStyleColor(ImGuiCol_Text, kHeading);
        ImGui::TextWrapped("%s", edited_.name.c_str());
        ImGui::PopStyleColor();
        if (edited_.description.empty())
            ImGui::TextDisabled("This journey has no description.");
        else
            ImGui::TextWrapped("%s", edited_.description.c_str());
        ImGui::Spacing();

        // ---- the moments of truth ----
        if (ImGui::CollapsingHeader("The six moments of truth", ImGuiTreeNodeFlags_DefaultOpen)) {
            ImGui::TextWrapped(
                "A moment of truth is any moment when a customer forms or changes an impression of you. The journey "
                "map shows them left to right, in six phases:");
            if (begin_pairs("phases", first)) {
                pair_row("Stimulus", glossary_text("stimulus"));
                pair_row("ZMOT (zero)", glossary_text("ZMOT"));
                pair_row("FMOT (first)", glossary_text("FMOT"));
                pair_row("AMOT (purchase and delivery)", glossary_text("AMOT"));
                pair_row("SMOT (second)", glossary_text("SMOT"));
                pair_row("UMOT (ultimate)", glossary_text("UMOT"));
                ImGui::EndTable();
            }
            ImGui::TextWrapped(
                "Every moment has odds of a positive, neutral or negative outcome, sometimes a moment of magic. "
                "Each outcome moves the customer's impression and sends them on: to the next moment, back for a "
                "second chance, to done or to lost. Reviews written at the end feed the next customers' research.");
        }

        // ---- how to use the app ----
        if (ImGui::CollapsingHeader("How to use the app", ImGuiTreeNodeFlags_DefaultOpen)) {
            const std::string& unit = edited_.time_unit;
            bullet_text(("Play runs the journey " + unit + " by " + unit + " (Run window, or Space); Step moves one " +
                         unit + ", End runs to the last " + unit +
                         ", Reset starts again. The speed changes how fast you see it, never the numbers.")
                            .c_str());
            bullet_text(
                "Each dot is a customer, coloured by impression: red negative, grey neutral, green positive; a "
                "golden flash is a moment of magic. The edges widen with the flow of customers.");
            bullet_text(
                "Click a moment on the map to open it in 'Moment of truth' (right). Drag a slider (p+, p-, magic...) "
                "and watch the outcome change: the run goes on with the new odds.");
            bullet_text(
                "Shift-click a dot, or press 'Random customer', to follow one customer's story moment by moment.");
            bullet_text(
                "The Charts show the flow per phase, the funnel, impressions, NPS and rating, and why customers "
                "left. Dashed lines and pale bars are the exact expectation.");
            bullet_text(
                "Experiments (chart tabs): Replications (how much is chance), Sweep (one setting over a range), "
                "Where to invest (which moment to improve first), Large populations (millions of customers).");
            bullet_text(
                "At the end, Replay shows the same customers again; Run again draws new ones. A label with (?) "
                "or a model word explains itself when you hover it; the glossary is at the bottom.");
        }

        // ---- things to try ----
        const bool own = has_own_things_to_try(edited_.name);
        if (ImGui::CollapsingHeader(own ? "Things to try in this journey" : "Things to try",
                                    ImGuiTreeNodeFlags_DefaultOpen)) {
            int n = 0;
            for (const char* item : things_to_try(edited_.name)) {
                ImGui::Text("%d.", ++n);
                ImGui::SameLine();
                ImGui::TextWrapped("%s", item);
            }
        }

        // ---- keys ----
        if (ImGui::CollapsingHeader("Keyboard shortcuts")) {
            if (begin_pairs("keys", first)) {
                for (const Shortcut& k : kShortcuts) pair_row(k.keys, k.what, false);
                ImGui::EndTable();
            }
        }

        // ---- words ----
        if (ImGui::CollapsingHeader("Words used in the app")) {
            if (begin_pairs("glossary", first)) {
                for (const GlossaryEntry& e : glossary()) pair_row(e.term, e.text);
                ImGui::EndTable();
            }
        }
        ImGui::EndChild();

        ImGui::Separator();
        if (ImGui::Button("Start exploring")) open = false;
        remember_item("info_close");
        ImGui::SameLine();
        if (ImGui::Button("Take a short tour")) start_tour();
        remember_item("info_tour");
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("F1 opens this again.");
    }
    ImGui::End();
    if (!open) close_info();
}

}  // namespace motsim::app
