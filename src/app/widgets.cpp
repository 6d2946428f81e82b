#include "app/widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "imgui_internal.h"  // the tab bars' and windows' widths, for the truncation count

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

void high_contrast_colors(bool light) {
    ImVec4* c = ImGui::GetStyle().Colors;
    const ImVec4 ink = light ? ImVec4(0, 0, 0, 1) : ImVec4(1, 1, 1, 1);
    const ImVec4 paper = light ? ImVec4(1, 1, 1, 1) : ImVec4(0.02f, 0.02f, 0.03f, 1);
    c[ImGuiCol_Text] = ink;
    c[ImGuiCol_TextDisabled] = light ? ImVec4(0.25f, 0.25f, 0.25f, 1) : ImVec4(0.80f, 0.80f, 0.82f, 1);
    c[ImGuiCol_WindowBg] = c[ImGuiCol_ChildBg] = paper;
    c[ImGuiCol_PopupBg] = paper;
    c[ImGuiCol_MenuBarBg] = light ? ImVec4(0.88f, 0.88f, 0.88f, 1) : ImVec4(0.10f, 0.10f, 0.12f, 1);
    c[ImGuiCol_Border] = light ? ImVec4(0, 0, 0, 0.85f) : ImVec4(1, 1, 1, 0.75f);
    c[ImGuiCol_FrameBg] = light ? ImVec4(0.92f, 0.92f, 0.92f, 1) : ImVec4(0.12f, 0.14f, 0.20f, 1);
    c[ImGuiCol_TitleBg] = c[ImGuiCol_TitleBgCollapsed] =
        light ? ImVec4(0.80f, 0.80f, 0.80f, 1) : ImVec4(0.10f, 0.10f, 0.12f, 1);
    c[ImGuiCol_TitleBgActive] = light ? ImVec4(0.55f, 0.70f, 1.0f, 1) : ImVec4(0.10f, 0.25f, 0.55f, 1);
    c[ImGuiCol_Button] = light ? ImVec4(0.70f, 0.80f, 1.0f, 1) : ImVec4(0.12f, 0.32f, 0.65f, 1);
    c[ImGuiCol_SliderGrab] = light ? ImVec4(0.0f, 0.25f, 0.75f, 1) : ImVec4(0.45f, 0.70f, 1.0f, 1);
    c[ImGuiCol_CheckMark] = c[ImGuiCol_SliderGrab];
    c[ImGuiCol_Separator] = c[ImGuiCol_Border];
}

std::string fit_text(const std::string& text, float max_width) {
    if (ImGui::CalcTextSize(text.c_str()).x <= max_width) return text;
    truncation_log().note(text);
    const float dots = ImGui::CalcTextSize("...").x;
    std::size_t len = text.size();
    while (len > 0) {
        --len;  // back to the start of the previous character (past its continuation bytes)
        while (len > 0 && (static_cast<unsigned char>(text[len]) & 0xC0u) == 0x80u) --len;
        if (ImGui::CalcTextSize(text.c_str(), text.c_str() + len).x + dots <= max_width) break;
    }
    return len == 0 ? std::string() : text.substr(0, len) + "...";
}

std::vector<std::string> wrap_text(const std::string& text, float max_width, int max_lines, bool* cut) {
    if (cut) *cut = false;
    std::vector<std::string> lines;
    const char* s = text.c_str();
    const std::size_t n = text.size();
    auto width = [&](std::size_t a, std::size_t b) { return ImGui::CalcTextSize(s + a, s + b).x; };
    auto next_char = [&](std::size_t i) {
        ++i;
        while (i < n && (static_cast<unsigned char>(s[i]) & 0xC0u) == 0x80u) ++i;
        return i;
    };
    auto skip_spaces = [&](std::size_t i) {
        while (i < n && s[i] == ' ') ++i;
        return i;
    };
    const float hyphen = ImGui::CalcTextSize("-").x;
    std::size_t pos = skip_spaces(0);
    while (pos < n) {
        if (max_lines > 0 && static_cast<int>(lines.size()) == max_lines - 1) {
            // The last line allowed: what is left, shortened if it must be (and counted).
            const std::string rest = fit_text(text.substr(pos), max_width);
            if (cut) *cut = rest.size() != n - pos;
            lines.push_back(rest);
            break;
        }
        // The most whole words (a word ends at a space or just after a hyphen) that fit.
        std::size_t line_end = pos, scan = pos;
        for (;;) {
            std::size_t we = scan;
            while (we < n && s[we] != ' ') {
                const bool hyphen_end = s[we] == '-' && we > scan;
                ++we;
                if (hyphen_end) break;
            }
            if (width(pos, we) > max_width) break;
            line_end = we;
            scan = skip_spaces(we);
            if (scan >= n) break;
        }
        if (line_end > pos) {
            std::size_t end = line_end;
            while (end > pos && s[end - 1] == ' ') --end;
            lines.push_back(text.substr(pos, end - pos));
            pos = skip_spaces(line_end);
            continue;
        }
        // A word wider than a line: as much of it as fits, with a hyphen (at least one character).
        std::size_t split = next_char(pos);
        for (std::size_t k = split; k < n && s[k] != ' '; k = next_char(k)) {
            if (width(pos, k) + hyphen > max_width) break;
            split = k;
        }
        lines.push_back(text.substr(pos, split - pos) + "-");
        pos = split;
    }
    return lines;
}

std::vector<TabRect> visible_tabs() {
    std::vector<TabRect> out;
    ImGuiContext& g = *GImGui;
    for (int m = 0; m < g.TabBars.Map.Data.Size; ++m) {
        const int idx = g.TabBars.Map.Data[m].val_i;
        if (idx < 0) continue;
        const ImGuiTabBar* bar = g.TabBars.GetByIndex(idx);
        if (bar->CurrFrameVisible != g.FrameCount) continue;
        for (const ImGuiTabItem& tab : bar->Tabs) {
            if (tab.LastFrameVisible != g.FrameCount || tab.NameOffset < 0) continue;
            // Where TabItemEx draws it, clipped to the scrolling part of the bar.
            const float x0 = bar->BarRect.Min.x + tab.Offset - bar->ScrollingAnim;
            const float x1 = x0 + tab.Width;
            const float lo = std::max(x0, bar->ScrollingRectMinX), hi = std::min(x1, bar->ScrollingRectMaxX);
            if (hi - lo < 2.0f) continue;
            out.push_back({bar->GetTabName(&tab), lo, bar->BarRect.Min.y, hi - lo, bar->BarRect.GetHeight()});
        }
    }
    return out;
}

namespace {

// The visible tab bars that scroll because their tabs are wider than the bar.
std::vector<const ImGuiTabBar*> scrolling_tab_bars() {
    std::vector<const ImGuiTabBar*> out;
    ImGuiContext& g = *GImGui;
    for (int m = 0; m < g.TabBars.Map.Data.Size; ++m) {
        const int idx = g.TabBars.Map.Data[m].val_i;
        if (idx < 0) continue;
        const ImGuiTabBar* bar = g.TabBars.GetByIndex(idx);
        if (bar->CurrFrameVisible == g.FrameCount && bar->WidthAllTabs > bar->BarRect.GetWidth() + 1.0f)
            out.push_back(bar);
    }
    return out;
}

// The glyph of the font whose top-left texture corner is `uv` (a text quad's first vertex).
const ImFontGlyph* glyph_at(const ImFont* font, ImVec2 uv) {
    for (const ImFontGlyph& gl : font->Glyphs)
        if (gl.U0 == uv.x && gl.V0 == uv.y) return &gl;
    return nullptr;
}

// The line of text a glyph quad at `top` belongs to, read back from the window's vertices
// (the glyphs whose top, less their offset, is the same line's top), left to right.
std::string line_of_text(const ImDrawList* dl, const ImFont* font, float line_y) {
    std::vector<std::pair<float, const ImFontGlyph*>> chars;
    for (int k = 0; k + 3 < dl->VtxBuffer.Size; ++k) {
        const ImDrawVert& v = dl->VtxBuffer[k];
        if (std::fabs(v.pos.y - line_y) > font->FontSize) continue;  // another line
        const ImFontGlyph* gl = glyph_at(font, v.uv);
        if (!gl || dl->VtxBuffer[k + 1].uv.x != gl->U1 || std::fabs(v.pos.y - gl->Y0 - line_y) > 0.5f) continue;
        chars.emplace_back(v.pos.x - gl->X0, gl);
    }
    std::sort(chars.begin(), chars.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    float pen = -1e9f;  // where the next glyph would start
    const float space = font->GetCharAdvance(' ');
    for (const auto& [x, gl] : chars) {
        if (x < pen - 0.5f * gl->AdvanceX) continue;             // the same glyph drawn twice
        if (!out.empty() && x - pen > 0.5f * space) out += ' ';  // spaces have no quad
        pen = x + gl->AdvanceX;
        char buf[5] = {};
        ImTextCharToUtf8(buf, gl->Codepoint);
        out += buf;
    }
    return out;
}

// A line of text drawn in the window that reaches past the right edge of its clip rectangle
// (its glyph at the edge is drawn cut), or past the foot of a window that cannot scroll, outside the tab bars (whose
// tabs scroll by design);
// "" if none. Glyphs are the vertices textured from the font atlas's glyphs.
std::string text_cut_at_right_edge(const ImGuiWindow* w, const std::vector<const ImGuiTabBar*>& bars) {
    const ImDrawList* dl = w->DrawList;
    const ImFont* font = ImGui::GetFont();
    const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
    const bool no_scroll = (w->Flags & ImGuiWindowFlags_NoScrollbar) && !(w->Flags & ImGuiWindowFlags_MenuBar) &&
                           !(w->Flags & ImGuiWindowFlags_Tooltip);
    for (const ImDrawCmd& cmd : dl->CmdBuffer) {
        if (cmd.UserCallback || cmd.ElemCount == 0) continue;
        for (unsigned i = 0; i < cmd.ElemCount; ++i) {
            const int k = static_cast<int>(cmd.VtxOffset + dl->IdxBuffer[static_cast<int>(cmd.IdxOffset + i)]);
            const ImDrawVert& v = dl->VtxBuffer[k];
            // Past the right edge, inside the clip rectangle's height (not a line scrolled away);
            // or, in a window that cannot scroll (the journey map), past its foot.
            const ImVec4& c = cmd.ClipRect;
            const bool past_right = v.pos.x > c.z + 1.0f && v.pos.y >= c.y && v.pos.y <= c.w;
            const bool past_foot = no_scroll && v.pos.y > c.w + 1.0f && v.pos.x >= c.x && v.pos.x <= c.z;
            if (!past_right && !past_foot) continue;
            if (v.uv.x == white.x && v.uv.y == white.y) continue;
            bool in_bar = false;
            for (const ImGuiTabBar* bar : bars)
                in_bar = in_bar || (v.pos.y >= bar->BarRect.Min.y && v.pos.y <= bar->BarRect.Max.y);
            if (in_bar) continue;
            // The glyph's first vertex (a quad's corners are 4 vertices in a row).
            for (int q = std::max(0, k - 3); q <= k; ++q) {
                const ImFontGlyph* gl = glyph_at(font, dl->VtxBuffer[q].uv);
                if (gl && q + 1 < dl->VtxBuffer.Size && dl->VtxBuffer[q + 1].uv.x == gl->U1)
                    return line_of_text(dl, font, dl->VtxBuffer[q].pos.y - gl->Y0);
            }
        }
    }
    return "";
}

}  // namespace

void end_frame_truncation_check() {
    ImGuiContext& g = *GImGui;
    TruncationLog& log = truncation_log();
    // Tabs ImGui shrank below their label's width are drawn with "...".
    for (int m = 0; m < g.TabBars.Map.Data.Size; ++m) {
        const int idx = g.TabBars.Map.Data[m].val_i;
        if (idx < 0) continue;
        const ImGuiTabBar* bar = g.TabBars.GetByIndex(idx);
        if (bar->CurrFrameVisible != g.FrameCount) continue;
        for (const ImGuiTabItem& tab : bar->Tabs) {
            if (tab.LastFrameVisible != g.FrameCount || tab.NameOffset < 0) continue;
            if (tab.Width + 1.0f < tab.ContentWidth) log.note(std::string("tab: ") + bar->GetTabName(&tab));
        }
    }
    // Windows whose content runs past their right edge with no horizontal scroll bar: the end of
    // a line of text (or a button) is cut off by the window's clip rectangle. A scrolling tab bar
    // reaches past the edge by design (ImGui lays it out at its tabs' whole width): where the
    // widest thing in a window is such a bar, the window's drawn text is looked at instead.
    const std::vector<const ImGuiTabBar*> bars = scrolling_tab_bars();
    for (const ImGuiWindow* w : g.Windows) {
        if (!w->Active || w->Hidden || w->SkipItems || w->ScrollbarX) continue;
        const float content = w->DC.CursorMaxPos.x - w->DC.CursorStartPos.x;
        const float room = w->ContentRegionRect.GetWidth();
        // Text cut by the window's edge, a table's column or a widget's frame (a combo's preview,
        // a slider's value), read back from what was drawn.
        const std::string cut = text_cut_at_right_edge(w, bars);
        if (!cut.empty()) {
            log.note(std::string("window ") + w->Name + ": \"" + cut + "\"");
            continue;
        }
        if (content <= room + 1.0f) continue;
        bool widest_is_a_tab_bar = false;
        for (const ImGuiTabBar* bar : bars)
            widest_is_a_tab_bar =
                widest_is_a_tab_bar || std::fabs(bar->BarRect.Min.x + bar->WidthAllTabs - w->DC.CursorMaxPos.x) < 1.0f;
        if (widest_is_a_tab_bar) continue;  // the drawn text tells (below)
        char buf[64];
        std::snprintf(buf, sizeof buf, ": its content runs %.0f px past the right edge", content - room);
        log.note(std::string("window ") + w->Name + buf);
    }
    log.end_frame();
}

}  // namespace motsim::app
