// The authoring controls: the Scenario menu's journeys (by title, with their descriptions) and
// "New journey"; the Edit menu (undo, redo, revert, journey details); the name, phase, add,
// remove, move and entry row of the Moment of truth window; the "Journey details" window
// (title, description, segments); routes drawn on the journey map by dragging from one moment to
// another (or to done / lost); and the question asked before unsaved edits are left. Every
// change goes through App::edit (authoring.cpp), so the app's controls, the page's API and
// the tests use one set of commands with one set of checks.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/layout.h"
#include "app/widgets.h"
#include "imgui.h"
#include "io/loader.h"
#include "scenarios_embedded.h"

namespace motsim::app {

namespace {

using Json = nlohmann::json;

struct Shipped {
    std::string file, title, description;
};

// The shipped journeys' titles and descriptions, read once.
const std::vector<Shipped>& shipped() {
    static const std::vector<Shipped> list = [] {
        std::vector<Shipped> out;
        for (const auto& f : scenarios::kFiles) {
            io::LoadResult r = io::load_scenario(f.text);
            out.push_back({f.name, r.ok() ? r.scenario->name : f.name, r.ok() ? r.scenario->description : ""});
        }
        return out;
    }();
    return list;
}

void wrapped_tooltip(const std::string& text) {
    if (text.empty() || !ImGui::IsItemHovered()) return;
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

}  // namespace

bool App::edit_from_ui(const std::string& json) {
    const Json r = Json::parse(edit(json), nullptr, false);
    const bool ok = !r.is_discarded() && r.value("ok", false);
    // Refusals the command did not already show (bad arguments) become a message here.
    if (!ok && !r.is_discarded() && r.contains("error") &&
        (messages_.empty() || messages_.back().text.find(r["error"].get<std::string>()) == std::string::npos))
        note("Not applied: " + r["error"].get<std::string>(), true);
    return ok;
}

void App::ask_before_leaving(const std::string& what, std::function<void()> action) {
    if (!edited()) {
        action();
        return;
    }
    leave_question_ = LeaveQuestion{what, std::move(action)};
    leave_popup_open_ = false;
}

// ==== Menus ========================================================================================

void App::draw_scenario_choices() {
    for (const Shipped& s : shipped()) {
        if (ImGui::MenuItem(s.title.c_str())) {
            const std::string file = s.file;
            ask_before_leaving("open " + s.title, [this, file] {
                for (const auto& f : scenarios::kFiles)
                    if (file == f.name) load_text(f.text, f.name);
            });
        }
        wrapped_tooltip(s.description);
    }
    if (ImGui::BeginMenu("New journey")) {
        if (ImGui::MenuItem("Blank (one moment to build on)"))
            ask_before_leaving("start a blank journey", [this] { edit_from_ui(R"({"op":"new","from":"blank"})"); });
        remember_item("menu_new_blank");
        ImGui::Separator();
        ImGui::TextDisabled("A copy of a shipped journey:");
        for (const Shipped& s : shipped()) {
            if (ImGui::MenuItem(("Copy of " + s.title).c_str())) {
                const std::string cmd = Json{{"op", "new"}, {"from", s.file}}.dump();
                ask_before_leaving("start a copy of " + s.title, [this, cmd] { edit_from_ui(cmd); });
            }
            wrapped_tooltip(s.description);
        }
        ImGui::EndMenu();
    }
    remember_item("menu_new");
}

void App::draw_edit_menu() {
    if (!ImGui::BeginMenu("Edit")) return;
    const EditHistory& h = history_;
    const std::string undo_label = can_undo() ? "Undo " + h.steps[h.pos - 1].what : "Undo";
    const std::string redo_label = can_redo() ? "Redo " + h.steps[h.pos].what : "Redo";
    if (ImGui::MenuItem(fit_text(undo_label, ImGui::GetFontSize() * 22).c_str(), "Ctrl+Z", false, can_undo())) undo();
    if (ImGui::MenuItem(fit_text(redo_label, ImGui::GetFontSize() * 22).c_str(), "Ctrl+Y", false, can_redo())) redo();
    ImGui::Separator();
    if (ImGui::MenuItem("Revert to the loaded scenario", nullptr, false, edited())) revert();
    wrapped_tooltip("Back to " + h.loaded.name + " as it was loaded" +
                    (h.loaded_origin.empty() ? "" : " (" + h.loaded_origin + ")") + ". Ctrl+Z brings your edits back.");
    ImGui::Separator();
    if (ImGui::MenuItem("Journey details (title, description, segments)...")) show_details_ = true;
    if (ImGui::MenuItem("Add a moment after the selected one"))
        edit_from_ui(Json{{"op", "add_moment"}, {"name", "New moment"}, {"insert", true}}.dump());
    ImGui::EndMenu();
}

// ==== The Moment of truth window's authoring row ======================================================

void App::draw_authoring_controls() {
    if (edited_.moments.empty()) return;
    const int m = std::clamp(selected_, 0, static_cast<int>(edited_.moments.size()) - 1);
    const Moment& mo = edited_.moments[static_cast<std::size_t>(m)];
    // In a lesson that locks parameters the journey's structure is fixed: no row of controls the
    // learner cannot use (it would only push the odds they may change out of sight).
    if (!ui_.locked.empty()) return;
    // Name: typed freely, applied (one undo step) when the field is left or Enter is pressed.
    if (rename_for_ != m || !ImGui::IsAnyItemActive()) {
        if (rename_for_ != m || rename_text_ != mo.name) rename_text_ = mo.name;
        rename_for_ = m;
    }
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s", rename_text_.c_str());
    ImGui::SetNextItemWidth(-ImGui::CalcTextSize("name").x - ImGui::GetStyle().ItemInnerSpacing.x);
    if (ImGui::InputText("name", buf, sizeof buf)) rename_text_ = buf;
    remember_item("moment_name");
    if (ImGui::IsItemDeactivatedAfterEdit() && !rename_text_.empty() && rename_text_ != mo.name)
        edit_from_ui(Json{{"op", "rename_moment"}, {"moment", mo.id}, {"name", rename_text_}}.dump());
    // Phase.
    const std::string phase = mo.phase >= 0 && static_cast<std::size_t>(mo.phase) < edited_.phases.size()
                                  ? edited_.phases[static_cast<std::size_t>(mo.phase)]
                                  : "?";
    ImGui::SetNextItemWidth(-ImGui::CalcTextSize("phase").x - ImGui::GetStyle().ItemInnerSpacing.x);
    if (ImGui::BeginCombo("phase", phase.c_str())) {
        for (std::size_t p = 0; p < edited_.phases.size(); ++p)
            if (ImGui::Selectable(edited_.phases[p].c_str(), static_cast<int>(p) == mo.phase) &&
                static_cast<int>(p) != mo.phase)
                edit_from_ui(Json{{"op", "set_phase"}, {"moment", mo.id}, {"phase", static_cast<int>(p)}}.dump());
        ImGui::EndCombo();
    }
    remember_item("moment_phase");
    // Add, remove, move, entry: buttons that wrap to the window's width.
    const float avail = ImGui::GetContentRegionAvail().x;
    float used = 0;
    auto button = [&](const char* label, const char* rect, const char* tip, bool enabled) {
        const float w = ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x;
        if (used > 0 && used + ImGui::GetStyle().ItemSpacing.x + w <= avail)
            ImGui::SameLine();
        else
            used = 0;
        used += (used > 0 ? ImGui::GetStyle().ItemSpacing.x : 0) + w;
        if (!enabled) ImGui::BeginDisabled();
        const bool pressed = ImGui::Button(label);
        if (!enabled) ImGui::EndDisabled();
        remember_item(rect);
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", tip);
        return pressed;
    };
    if (button("+ Add after", "moment_add", "Add a moment after this one: it takes over where this one led", true))
        edit_from_ui(Json{{"op", "add_moment"}, {"name", "New moment"}, {"after", mo.id}, {"insert", true}}.dump());
    if (button("Remove", "moment_remove", "Remove this moment; routes into it go where it led",
               edited_.moments.size() > 1))
        edit_from_ui(Json{{"op", "remove_moment"}, {"moment", mo.id}}.dump());
    if (button("Up", "moment_up", "Move it up in its phase's column", m > 0))
        edit_from_ui(Json{{"op", "move_moment"}, {"moment", mo.id}, {"to", m - 1}}.dump());
    if (button("Down", "moment_down", "Move it down in its phase's column",
               m + 1 < static_cast<int>(edited_.moments.size())))
        edit_from_ui(Json{{"op", "move_moment"}, {"moment", mo.id}, {"to", m + 1}}.dump());
    const bool is_entry = edited_.entry.targets.size() == 1 && edited_.entry.targets[0] == m;
    if (button(is_entry ? "Entry" : "Make entry", "moment_entry", "New customers start their journey here", !is_entry))
        edit_from_ui(Json{{"op", "set_entry"}, {"moment", mo.id}}.dump());

    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("Drag from a moment on the map to another to draw a route.");
    ImGui::PopStyleColor();
}

// ==== Journey details: title, description, segments ====================================================

void App::draw_details_window() {
    if (!show_details_) return;
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos({ds.x * 0.5f, ds.y * 0.5f}, ImGuiCond_Appearing, {0.5f, 0.5f});
    ImGui::SetNextWindowSize(
        {std::min(ds.x * 0.9f, ImGui::GetFontSize() * 36), std::min(ds.y * 0.8f, ImGui::GetFontSize() * 34)},
        ImGuiCond_Appearing);
    if (!ImGui::Begin("Journey details", &show_details_, ImGuiWindowFlags_NoCollapse)) {
        ImGui::End();
        return;
    }
    remember_rect("details");
    const bool structure_locked = !ui_.locked.empty();
    if (structure_locked) ImGui::BeginDisabled();
    static std::string title, description;
    static bool editing = false;
    if (!ImGui::IsAnyItemActive() || !editing) {
        title = edited_.name;
        description = edited_.description;
    }
    editing = false;
    ImGui::TextUnformatted("Title");
    char tbuf[256];
    std::snprintf(tbuf, sizeof tbuf, "%s", title.c_str());
    ImGui::SetNextItemWidth(-1);
    if (ImGui::InputText("##title", tbuf, sizeof tbuf)) title = tbuf;
    editing |= ImGui::IsItemActive();
    remember_item("details_title");
    if (ImGui::IsItemDeactivatedAfterEdit() && title != edited_.name)
        edit_from_ui(Json{{"op", "set_title"}, {"title", title}}.dump());
    ImGui::TextUnformatted("Description (the exercise learners read in Info)");
    static char dbuf[8192];
    std::snprintf(dbuf, sizeof dbuf, "%s", description.c_str());
    if (ImGui::InputTextMultiline("##description", dbuf, sizeof dbuf, {-1, ImGui::GetTextLineHeight() * 6},
                                  ImGuiInputTextFlags_None))
        description = dbuf;
    editing |= ImGui::IsItemActive();
    remember_item("details_description");
    if (ImGui::IsItemDeactivatedAfterEdit() && description != edited_.description)
        edit_from_ui(Json{{"op", "set_description"}, {"description", description}}.dump());

    section("Segments (customer types)");
    ImGui::TextWrapped(
        "Each segment is a share of the arriving customers with its own log-odds shift (how much "
        "likelier their outcomes are positive) and first impression.");
    Scenario s = edited_;
    bool changed = false;
    int remove = -1;
    if (ImGui::BeginTable("segments", 5, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg)) {
        ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthStretch, 2.0f);
        ImGui::TableSetupColumn("share", ImGuiTableColumnFlags_WidthStretch, 1.2f);
        ImGui::TableSetupColumn("shift", ImGuiTableColumnFlags_WidthStretch, 1.2f);
        ImGui::TableSetupColumn("first impression", ImGuiTableColumnFlags_WidthStretch, 1.2f);
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableHeadersRow();
        for (std::size_t g = 0; g < s.segments.size(); ++g) {
            Segment& seg = s.segments[g];
            ImGui::PushID(static_cast<int>(g));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(seg.name.c_str());
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", seg.name.c_str());
            ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-1);
            changed |= slider_double("##share", seg.share, 0, 1, "%.2f");
            ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-1);
            changed |= slider_double("##shift", seg.shift, -3, 3, "%+.2f");
            ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-1);
            changed |= slider_double("##impression", seg.initial_impression, -1, 1, "%+.2f");
            ImGui::TableNextColumn();
            if (s.segments.size() > 1 && ImGui::SmallButton("Remove")) remove = static_cast<int>(g);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    if (changed) apply_edit(s, "segments");
    if (remove >= 0) edit_from_ui(Json{{"op", "remove_segment"}, {"index", remove}}.dump());
    if (ImGui::Button("+ Add a segment")) edit_from_ui(R"({"op":"add_segment","name":"new segment","share":0.2})");
    remember_item("details_add_segment");
    if (structure_locked) {
        ImGui::EndDisabled();
        ImGui::TextDisabled("Fixed in this lesson.");
    }
    ImGui::End();
}

// ==== Leaving unsaved edits =============================================================================

void App::draw_confirm_leave() {
    if (!leave_question_) return;
    if (!leave_popup_open_) {
        ImGui::OpenPopup("Unsaved edits");
        leave_popup_open_ = true;
    }
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos({ds.x * 0.5f, ds.y * 0.4f}, ImGuiCond_Always, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({std::min(ds.x * 0.9f, ImGui::GetFontSize() * 30), 0});
    if (ImGui::BeginPopupModal("Unsaved edits", nullptr,
                               ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings)) {
        remember_rect("confirm_leave");
        ImGui::TextWrapped("You have edited %s. Do you want to %s?", edited_.name.c_str(),
                           leave_question_->what.c_str());
        ImGui::TextWrapped(
            "Your edits are not lost either way: Edit > Undo (Ctrl+Z) brings them back, and "
            "\"Save scenario as JSON\" keeps them in a file.");
        if (ImGui::Button("Save my journey first")) {
            note("Saved " + host_.save_file(export_name("scenario", "json"), "application/json", scenario_json()),
                 false);
            auto action = std::move(leave_question_->action);
            leave_question_.reset();
            ImGui::CloseCurrentPopup();
            action();
        }
        remember_item("confirm_save");
        ImGui::SameLine();
        if (ImGui::Button("Continue without saving")) {
            auto action = std::move(leave_question_->action);
            leave_question_.reset();
            ImGui::CloseCurrentPopup();
            action();
        }
        remember_item("confirm_continue");
        ImGui::SameLine();
        if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
            leave_question_.reset();
            ImGui::CloseCurrentPopup();
        }
        remember_item("confirm_cancel");
        ImGui::EndPopup();
    } else {
        leave_question_.reset();  // closed some other way
    }
}

// ==== Routes drawn on the map ==============================================================================

void App::draw_route_drag(const JourneyLayout& layout, bool hovered) {
    // Where tests and the page find the nodes (CSS pixels through widget_rect_json).
    for (std::size_t m = 0; m < layout.nodes.size() && m < edited_.moments.size(); ++m) {
        const Node& n = layout.nodes[m];
        layout_.rects.push_back(
            {"node:" + edited_.moments[m].id, n.x - n.radius, n.y - n.radius, 2 * n.radius, 2 * n.radius});
    }
    layout_.rects.push_back({"node:done", layout.done.x - layout.done.radius, layout.done.y - layout.done.radius,
                             2 * layout.done.radius, 2 * layout.done.radius});
    layout_.rects.push_back({"node:lost", layout.lost.x - layout.lost.radius, layout.lost.y - layout.lost.radius,
                             2 * layout.lost.radius, 2 * layout.lost.radius});
    const bool structure_locked = !ui_.locked.empty();
    const ImVec2 mp = ImGui::GetMousePos();
    auto target_at = [&](float x, float y) {
        const int hit = hit_test(layout, x, y);
        if (hit >= 0) return hit;
        for (const auto& [node, t] : {std::pair<const Node*, int>{&layout.done, kDone}, {&layout.lost, kLost}}) {
            const float dx = node->x - x, dy = node->y - y, r = node->radius + 6 * ui_scale_;
            if (dx * dx + dy * dy <= r * r) return t;
        }
        return -100;
    };
    if (!structure_locked && hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        const int hit = hit_test(layout, mp.x, mp.y);
        route_from_ = hit >= 0 ? hit : -100;
    }
    const float threshold = 8.0f * ui_scale_;
    const bool dragging = route_from_ >= 0 && static_cast<std::size_t>(route_from_) < layout.nodes.size() &&
                          ImGui::IsMouseDragging(ImGuiMouseButton_Left, threshold);
    if (dragging) {
        // A line from the moment to the pointer, and a ring on what it would connect to.
        const Node& a = layout.nodes[static_cast<std::size_t>(route_from_)];
        ImDrawList* dl = ImGui::GetForegroundDrawList();
        dl->AddLine({a.x, a.y}, mp, IM_COL32(255, 210, 80, 230), 3.0f * ui_scale_);
        const int t = target_at(mp.x, mp.y);
        if (const Node* n = t != -100 ? find_node(layout, t) : nullptr)
            dl->AddCircle({n->x, n->y}, n->radius + 5 * ui_scale_, IM_COL32(255, 210, 80, 255), 32, 3.0f * ui_scale_);
        const char* hint = t != -100 ? "Release to connect" : "Drop on a moment, done or lost";
        dl->AddText({mp.x + 12 * ui_scale_, mp.y + 8 * ui_scale_}, IM_COL32(255, 230, 160, 255), hint);
    }
    // (A click in the open menu below releases the mouse too: that release is the menu's.)
    if (route_from_ >= 0 && ImGui::IsMouseReleased(ImGuiMouseButton_Left) && !ImGui::IsPopupOpen("connect_route")) {
        const ImVec2 delta = ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 0.0f);
        const bool moved = delta.x * delta.x + delta.y * delta.y >= threshold * threshold;
        const int t = moved ? target_at(mp.x, mp.y) : -100;
        if (t != -100) {
            route_to_ = t;
            ImGui::OpenPopup("connect_route");
        } else {
            route_from_ = -100;
        }
    }
    if (ImGui::BeginPopup("connect_route")) {
        remember_rect("connect_popup");
        const bool valid = route_from_ >= 0 && static_cast<std::size_t>(route_from_) < edited_.moments.size() &&
                           (route_to_ < 0 || static_cast<std::size_t>(route_to_) < edited_.moments.size());
        if (valid) {
            const std::string from = edited_.moments[static_cast<std::size_t>(route_from_)].id;
            const std::string to = route_to_ == kDone   ? "done"
                                   : route_to_ == kLost ? "lost"
                                                        : edited_.moments[static_cast<std::size_t>(route_to_)].id;
            ImGui::Text("Route from %s to %s", edited_.moments[static_cast<std::size_t>(route_from_)].name.c_str(),
                        route_to_ < 0 ? to.c_str() : edited_.moments[static_cast<std::size_t>(route_to_)].name.c_str());
            ImGui::Separator();
            const struct {
                const char* label;
                const char* outcome;
                const char* rect;
            } choices[] = {{"After positive and neutral outcomes", "success", "connect_success"},
                           {"After positive outcomes", "positive", "connect_positive"},
                           {"After neutral outcomes", "neutral", "connect_neutral"},
                           {"After negative outcomes", "negative", "connect_negative"}};
            for (const auto& c : choices) {
                if (ImGui::Selectable(c.label)) {
                    edit_from_ui(Json{{"op", "connect"}, {"from", from}, {"to", to}, {"outcome", c.outcome}}.dump());
                    route_from_ = -100;
                }
                remember_item(c.rect);
            }
            ImGui::Separator();
            ImGui::TextDisabled(
                "A route that only ended the journey is replaced;\nelse the new target shares it "
                "(weights in the Moment of truth window).");
        }
        if (ImGui::Selectable("Cancel")) route_from_ = -100;
        ImGui::EndPopup();
    } else if (!dragging && !ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
        route_from_ = -100;
    }
}

}  // namespace motsim::app
