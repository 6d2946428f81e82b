// The keyboard shortcuts of shortcuts.h, acted on at the start of every frame (App::draw), and
// the small changes to ImGui's keyboard navigation that make it usable with them:
//
// - A shortcut acts only while no text field takes the keys (io.WantTextInput) and ImGui's
//   keyboard navigation is not on an item: once Tab or the arrows have put the highlight on a
//   button or a slider, Space presses that item (ImGui's own NavActivate) and the arrows move
//   or change it, so one key never does two things (Space playing and pressing "Pause" too).
// - The arrow a shortcut took does not also start a navigation move.
// - Tab that lands on a slider leaves it ready for the arrows (ImGui 1.86 would open it as a
//   text field, where the arrows only move the text cursor); Enter still types a value.
// - F6 moves between windows: browsers keep Ctrl+Tab (ImGui's own window switch) for themselves.
//
// Keys are read by the backend's key codes (io.KeysDown is indexed by them in ImGui 1.86): the
// GLFW codes, the same natively and in the browser; letters are their upper-case ASCII codes.
#include <algorithm>
#include <string>

#include "app/app.h"
#include "imgui.h"
#include "imgui_internal.h"

namespace motsim::app {

namespace {

constexpr int kKeyE = 'E';
constexpr int kKeyR = 'R';
constexpr int kKeyF1 = 290;  // GLFW_KEY_F1
constexpr int kKeyF6 = 295;  // GLFW_KEY_F6

bool pressed(int key, bool repeat = false) { return key >= 0 && ImGui::IsKeyPressed(key, repeat); }
bool pressed_mapped(ImGuiKey key, bool repeat = false) { return pressed(ImGui::GetKeyIndex(key), repeat); }

// True while ImGui's keyboard navigation shows its highlight on an item or an item is held
// (a slider being dragged or changed with the arrows, a button pressed).
bool navigating() {
    const ImGuiContext& g = *GImGui;
    return g.ActiveId != 0 || (g.NavId != 0 && !g.NavDisableHighlight);
}

// The windows F6 moves between, in the order they are on screen (the layout's order).
const char* const kWindowOrder[] = {"Run", "Journey map", "Moment of truth", "Charts", "Customer story", "Lesson"};

void focus_next_window(bool backwards) {
    ImGuiContext& g = *GImGui;
    const int n = static_cast<int>(sizeof kWindowOrder / sizeof kWindowOrder[0]);
    int at = -1;
    const ImGuiWindow* nav = g.NavWindow ? g.NavWindow->RootWindow : nullptr;
    for (int i = 0; i < n && nav; ++i)
        if (std::string(nav->Name) == kWindowOrder[i]) at = i;
    for (int k = 1; k <= n; ++k) {
        const int i = ((at < 0 ? (backwards ? 0 : -1) : at) + (backwards ? -k : k) % n + n) % n;
        ImGuiWindow* w = ImGui::FindWindowByName(kWindowOrder[i]);
        if (!w || !w->WasActive || w->Hidden) continue;
        ImGui::FocusWindow(w);
        // The highlight on the window's first item, so Tab and the arrows go on from there.
        g.NavDisableHighlight = false;
        g.NavDisableMouseHover = true;
        ImGui::SetNavID(0, ImGuiNavLayer_Main, 0, ImRect());
        g.NavInitRequest = true;
        g.NavInitRequestFromMove = false;
        g.NavInitResultId = 0;
        g.NavInitResultRectRel = ImRect();
        return;
    }
}

}  // namespace

void App::handle_shortcuts() {
    ImGuiContext& g = *GImGui;
    const ImGuiIO& io = ImGui::GetIO();

    // Tab reached a slider: ready for the arrows, not a text field (see the top of this file).
    // (ImGui asks for a text field with PreferInput | TryToPreserveState only when tabbing; Enter
    // asks with PreferInput alone.) A text field still opens: it starts on NavActivateId too.
    const ImGuiActivateFlags tabbed = ImGuiActivateFlags_PreferInput | ImGuiActivateFlags_TryToPreserveState;
    if (g.NavActivateInputId != 0 && (g.NavActivateFlags & tabbed) == tabbed) {
        const ImGuiID id = g.NavActivateInputId;
        g.NavActivateInputId = 0;
        g.NavActivateId = g.NavActivateDownId = g.NavActivatePressedId = id;
        g.NavActivateFlags = ImGuiActivateFlags_PreferTweak;
        g.NavDisableHighlight = false;
    }

    if (io.WantTextInput) return;  // a text field has the keys
    const bool ctrl = io.KeyCtrl || io.KeySuper;

    if (pressed(kKeyF6)) focus_next_window(io.KeyShift);
    if (ctrl && !io.KeyAlt) {
        if (pressed_mapped(ImGuiKey_Z) && !io.KeyShift) undo();
        if ((pressed_mapped(ImGuiKey_Z) && io.KeyShift) || pressed_mapped(ImGuiKey_Y)) redo();
        return;
    }
    if (io.KeyAlt) return;
    if (pressed(kKeyF1)) open_info();  // the scenario and how to use the app
    if (navigating()) return;          // Space and the arrows belong to the highlighted item

    if (pressed_mapped(ImGuiKey_Space)) {
        // The same as the Run window's button: at the end, Space replays the run.
        if (finished()) {
            reset();
            play();
        } else if (playing()) {
            pause();
        } else {
            play();
        }
    }
    if (pressed_mapped(ImGuiKey_RightArrow, true)) {
        pause();
        step();
        ImGui::NavMoveRequestCancel();  // the arrow was a step, not a move to an item
        // With no item highlighted yet, ImGui turns a move into a request for the first item,
        // which lands (highlighted) a frame later: cancel that too.
        g.NavInitRequest = g.NavInitRequestFromMove = false;
        g.NavInitResultId = 0;
        g.NavDisableHighlight = true;
    }
    if (pressed(kKeyR)) reset();
    if (pressed(kKeyE)) finish();
}

}  // namespace motsim::app
