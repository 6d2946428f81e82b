// The windows of the app: draw() lists them in the order they are drawn; place_window() puts each
// where the layout wants it; widget rectangles for the page; messages drawn over everything.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app/app.h"
#include "app/widgets.h"
#include "imgui.h"
#include "imgui_internal.h"  // BringWindowToDisplayFront: an error stays in front

namespace motsim::app {

void App::remember_rect(const std::string& name) {
    const ImVec2 p = ImGui::GetWindowPos(), sz = ImGui::GetWindowSize();
    layout_.rects.push_back({name, p.x, p.y, sz.x, sz.y});
}

void App::remember_item(const std::string& name) {
    const ImVec2 p = ImGui::GetItemRectMin(), sz = ImGui::GetItemRectSize();
    layout_.rects.push_back({name, p.x, p.y, sz.x, sz.y});
}

// Windows start in a layout that fits the screen; the user may move them (ImGui keeps that in
// its settings, which survive a reload). When the screen size changes, the layout is redone so
// nothing ends up off screen. Panels a host page hid give their room to the journey map; the
// right column is shared by the lesson (when there is one), the editor (two parts) and the story.
void App::place_window(Window w) {
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const float top = ui_.menu ? ImGui::GetFrameHeight() : 0.0f;
    const float W = ds.x, H = ds.y - top;
    const bool show_right = ui_.editor || ui_.story || ui_.lesson.has_value();
    const float left = ui_.controls ? std::clamp(W * 0.22f, 220.0f * ui_scale_, 340.0f * ui_scale_) : 0.0f;
    const float right = show_right ? std::clamp(W * 0.26f, 250.0f * ui_scale_, 400.0f * ui_scale_) : 0.0f;
    const float bottom = ui_.charts ? std::clamp(H * 0.36f, 180.0f * ui_scale_, 360.0f * ui_scale_) : 0.0f;
    const float mid = std::max(W - left - right, 200.0f);
    const float lesson_parts = ui_.lesson ? 1.0f : 0.0f, editor_parts = ui_.editor ? 2.0f : 0.0f;
    const float parts = lesson_parts + editor_parts + (ui_.story ? 1.0f : 0.0f);
    const float unit = parts > 0 ? H / parts : H;
    ImVec2 pos, size;
    if (ds.y > ds.x * 1.1f) {
        // Portrait (a tablet held upright, a phone): the journey map across the top, then the
        // Run window beside the right column's windows, the charts across the bottom.
        const float map_h = std::max(H * 0.4f, 200.0f * ui_scale_);
        const float charts_h = ui_.charts ? std::max((H - map_h) * 0.5f, 200.0f * ui_scale_) : 0.0f;
        const float row_y = top + map_h, row_h = std::max(H - map_h - charts_h, 1.0f);
        const float run_w = ui_.controls ? (show_right ? W * 0.5f : W) : 0.0f;
        const float right_x = run_w, right_w = std::max(W - run_w, 1.0f);
        const float row_unit = parts > 0 ? row_h / parts : row_h;
        switch (w) {
            case Window::Run:
                pos = {0, row_y}, size = {std::max(run_w, 1.0f), row_h};
                break;
            case Window::JourneyMap:
                pos = {0, top}, size = {W, map_h};
                break;
            case Window::Charts:
                pos = {0, row_y + row_h}, size = {W, std::max(charts_h, 1.0f)};
                break;
            case Window::Lesson:
                pos = {right_x, row_y}, size = {right_w, row_unit};
                break;
            case Window::MomentOfTruth:
                pos = {right_x, row_y + lesson_parts * row_unit}, size = {right_w, 2 * row_unit};
                break;
            case Window::CustomerStory:
                pos = {right_x, row_y + (lesson_parts + editor_parts) * row_unit}, size = {right_w, row_unit};
                break;
            case Window::LessonEditor:  // over the map; the Run and Moment of truth windows stay in view
                pos = {0, top}, size = {W, map_h};
                break;
        }
    } else {
        switch (w) {
            case Window::Run:
                pos = {0, top}, size = {left, H};
                break;
            case Window::JourneyMap:
                pos = {left, top}, size = {mid, H - bottom};
                break;
            case Window::Charts:
                pos = {left, top + H - bottom}, size = {mid, bottom};
                break;
            case Window::Lesson:
                pos = {left + mid, top}, size = {right, unit};
                break;
            case Window::MomentOfTruth:
                pos = {left + mid, top + lesson_parts * unit}, size = {right, 2 * unit};
                break;
            case Window::CustomerStory:
                pos = {left + mid, top + (lesson_parts + editor_parts) * unit}, size = {right, unit};
                break;
            case Window::LessonEditor:  // over the map and the charts, between Run and Moment of truth
                pos = {left, top}, size = {mid, H};
                break;
        }
    }
    // The lesson editor does not move (a finger dragging over it scrolls it): always in its place.
    const ImGuiCond cond = layout_.placing_all || w == Window::LessonEditor ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
    ImGui::SetNextWindowPos(pos, cond);
    ImGui::SetNextWindowSize(size, cond);
    // A layout put in place is saved like one the user made (the host keeps ImGui's settings):
    // "Reset window layout" also forgets the old places after a reload.
    if (layout_.placing_all) ImGui::MarkIniSettingsDirty();
}

// Every window, in the order they are drawn; a host page may hide some (UiConfig).
void App::draw() {
    layout_.rects.clear();  // widget() answers for the last frame only
    // Edits made while drawing come from the app's own controls: a held slider's edits merge
    // into one undo step, which closes when nothing is held any more.
    history_.ui_gesture = true;
    if (!ImGui::IsAnyItemActive() && history_.pos > 0) history_.steps[history_.pos - 1].open = false;
    const std::string theme = ui_.theme + (presentation_ ? "+contrast" : "");
    if (theme_applied_ != theme) {
        theme_applied_ = theme;
        if (ui_.theme == "light")
            ImGui::StyleColorsLight();
        else
            ImGui::StyleColorsDark();
        if (presentation_) high_contrast_colors(ui_.theme == "light");  // widgets.cpp
    }
    handle_shortcuts();  // shortcuts.cpp
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    if (ds.x != layout_.last_w || ds.y != layout_.last_h) {
        // The first frame keeps the places ImGui's saved settings gave (the layout survives a
        // reload); windows without one go to the layout's place (ImGuiCond_FirstUseEver).
        layout_.relayout = layout_.last_w > 0;
        layout_.last_w = ds.x;
        layout_.last_h = ds.y;
    }
    begin_picture_frame();  // a PNG asked for: this frame without the menu bar and tooltips
    if (ui_.menu && !capturing_picture_) draw_menu_bar();
    // This frame's windows go to their places if asked (a window asking now is heard next frame).
    layout_.placing_all = layout_.relayout;
    layout_.relayout = false;
    if (ui_.controls) {
        place_window(Window::Run);
        draw_run_window();
    }
    place_window(Window::JourneyMap);
    draw_journey_map_window();
    if (ui_.charts) {
        place_window(Window::Charts);
        draw_charts_window();
    }
    if (ui_.lesson) {
        place_window(Window::Lesson);
        draw_lesson_window();
    }
    if (ui_.editor) {
        place_window(Window::MomentOfTruth);
        draw_moment_window();
    }
    if (ui_.story) {
        place_window(Window::CustomerStory);
        draw_customer_story_window();
    }
    draw_info_window();           // with the map's "Press Play" hint; the first visit opens it
    draw_details_window();        // authoring_window.cpp: title, description, segments
    draw_confirm_leave();         // ... and the question before unsaved edits are left
    draw_lesson_editor_window();  // lesson_window.cpp: Lesson > Edit lesson...
    draw_preview_bar();           // ... and "Back to editing" while the learner preview shows
    draw_messages();
    end_frame_truncation_check();  // "truncated" in the state: what this frame had to shorten
    for (const TabRect& t : visible_tabs()) layout_.rects.push_back({"tab:" + t.label, t.x, t.y, t.w, t.h});
    remember_keyboard_focus();
    end_picture_frame();
    history_.ui_gesture = false;
}

// Where the keyboard is, for the page and its tests: "keyboard_window" (the window keys go to,
// or the one Ctrl+Tab is choosing), "focus" (the highlighted item, while the keyboard
// navigation shows it) and "tab_selected:<label>" (the chart tab showing).
void App::remember_keyboard_focus() {
    ImGuiContext& g = *GImGui;
    ImGuiWindow* kw = g.NavWindowingTarget ? g.NavWindowingTarget : g.NavWindow;
    if (kw) {
        const ImGuiWindow* root = kw->RootWindow;
        layout_.rects.push_back({"keyboard_window", root->Pos.x, root->Pos.y, root->Size.x, root->Size.y});
    }
    if (g.NavWindow && g.NavId != 0 && !g.NavDisableHighlight) {
        const ImRect r = ImGui::WindowRectRelToAbs(g.NavWindow, g.NavWindow->NavRectRel[g.NavLayer]);
        layout_.rects.push_back({"focus", r.Min.x, r.Min.y, r.GetWidth(), r.GetHeight()});
    }
    if (ImGuiWindow* cw = ImGui::FindWindowByName("Charts"); cw && cw->WasActive)
        if (ImGuiTabBar* bar = g.TabBars.GetByKey(cw->GetID("charts")))
            for (const ImGuiTabItem& tab : bar->Tabs)
                if (tab.ID == bar->SelectedTabId) {
                    const float x = bar->BarRect.Min.x + tab.Offset - bar->ScrollingAnim;
                    layout_.rects.push_back({std::string("tab_selected:") + bar->GetTabName(&tab), x,
                                             bar->BarRect.Min.y, tab.Width, bar->BarRect.GetHeight()});
                }
}

void App::draw_messages() {
    // The newest message for a few seconds (errors until dismissed), top centre under the menu
    // (the charts' axes at the bottom stay readable). An error stays in front of every window,
    // even one clicked after it appeared, so it can always be read and dismissed; a long one
    // scrolls inside a box of at most 60 % of the width and 40 % of the height.
    if (messages_.empty()) return;
    const Message& m = messages_.back();
    if (!m.error && time_ - m.shown_at > 6.0) return;
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const ImGuiStyle& st = ImGui::GetStyle();
    const float wrap_w = std::max(ds.x * 0.6f, std::min(ds.x - 4 * st.WindowPadding.x, 300.0f * ui_scale_));
    const float max_text_h = ds.y * 0.4f;
    // Below the learner preview's "Back to editing" bar when it shows (lesson_window.cpp), so that
    // an error never hides the way back.
    const float below_bar = previewing() ? ImGui::GetFrameHeight() + st.WindowPadding.y * 3 : 0.0f;
    ImGui::SetNextWindowPos({ds.x * 0.5f, ImGui::GetFrameHeight() * 2.0f + below_bar}, ImGuiCond_Always, {0.5f, 0.0f});
    ImGui::SetNextWindowBgAlpha(0.96f);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, m.error ? ImVec4(0.45f, 0.08f, 0.08f, 1) : ImVec4(0.10f, 0.18f, 0.28f, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    ImGui::Begin("##message", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing);
    // In front of the other windows (not of an open menu or popup, which is short-lived).
    if (m.error && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId))
        ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
    remember_rect("message");
    const ImVec2 text = ImGui::CalcTextSize(m.text.c_str(), nullptr, false, wrap_w);
    if (text.y > max_text_h) {
        ImGui::BeginChild("##message_text", {wrap_w + st.ScrollbarSize + st.WindowPadding.x, max_text_h});
        ImGui::PushTextWrapPos(wrap_w);
        ImGui::TextUnformatted(m.text.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndChild();
    } else {
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap_w);
        ImGui::TextUnformatted(m.text.c_str());
        ImGui::PopTextWrapPos();
    }
    if (m.error && ImGui::Button("Dismiss")) {
        messages_.back().error = false;
        messages_.back().shown_at = -100;  // long ago: hidden from the next frame on
    }
    ImGui::End();
    ImGui::PopStyleColor(2);
}

}  // namespace motsim::app
