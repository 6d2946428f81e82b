// The "Run" window: play, pause, step, reset, run to the end (sliced, with progress and Cancel),
// speed, seed and engine; the outcome so far beside the exact expectation; population, influence
// and word of mouth, and the segments.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app/app.h"
#include "app/widgets.h"
#include "imgui.h"

namespace motsim::app {

void App::draw_run_window() {
    ImGui::Begin("Run");
    remember_rect("controls");
    // Leave room for the labels: sliders take a little over half the width.
    ImGui::PushItemWidth(ImGui::GetWindowWidth() * 0.55f);
    const LiveView& v = run_.view;
    const float bw = (ImGui::GetContentRegionAvail().x - 3 * ImGui::GetStyle().ItemSpacing.x) / 4;
    // At the end of the run the button replays it from the start (same seed, same numbers).
    const char* play_label = finished() ? "Replay" : run_.playing ? "Pause" : "Play";
    if (ImGui::Button(play_label, {bw, 0})) {
        if (finished()) {
            reset();
            run_.playing = true;
        } else {
            run_.playing = !run_.playing;
        }
    }
    remember_item("play");
    ImGui::SameLine();
    if (ImGui::Button("Step", {bw, 0})) {
        run_.playing = false;
        step();
    }
    ImGui::SameLine();
    if (ImGui::Button("Reset", {bw, 0})) reset();
    ImGui::SameLine();
    if (ImGui::Button("End", {bw, 0})) finish();
    if (!busy().empty()) {
        // Long work runs a slice a frame: show how far, and let the learner stop it.
        const float cw = ImGui::CalcTextSize("Cancel").x + 2 * ImGui::GetStyle().FramePadding.x;
        const std::string what = busy() == "lesson"   ? "Checking the lesson"
                                 : busy() == "finish" ? "Running to the end"
                                                      : "Running to the tick";
        ImGui::ProgressBar(static_cast<float>(busy_progress()),
                           {ImGui::GetContentRegionAvail().x - cw - ImGui::GetStyle().ItemSpacing.x, 0}, what.c_str());
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) cancel_work();
        remember_item("cancel");
    }
    ImGui::ProgressBar(
        static_cast<float>(v.tick) / static_cast<float>(std::max(1, edited_.ticks)), {-1, 0},
        (std::string(edited_.time_unit) + " " + std::to_string(v.tick) + " of " + std::to_string(edited_.ticks))
            .c_str());
    float speed = static_cast<float>(run_.speed);
    if (ImGui::SliderFloat("speed", &speed, 0.5f, 200.0f, "%.1f ticks/s", ImGuiSliderFlags_Logarithmic))
        set_speed(speed);
    int seed = static_cast<int>(run_.seed & 0x7fffffff);
    if (ImGui::InputInt("seed", &seed) && seed >= 0) set_seed(static_cast<std::uint64_t>(seed));
    int engine = static_cast<int>(run_.engine);
    const char* engines[] = {"agents (each customer)", "cohort (counts)", "expected values"};
    if (ImGui::Combo("engine", &engine, engines, 3)) set_engine(static_cast<Engine>(engine));
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "Agents: every customer is a dot with a story.\nCohort: counts per moment, dwell, segment and "
            "impression,\nthe same rules for any population size (no dots).\nExpected values: the cohort "
            "engine without randomness.");

    section("Outcome so far");
    const double conv = v.arrivals > 0 ? v.purchases / v.arrivals : 0.0;
    ImGui::Text("Customers   %.0f  (%.0f referred)", v.arrivals, v.referrals);
    ImGui::Text("In journey  %.0f", v.active);
    ImGui::Text("Purchases   %.0f  (%.1f%% of arrivals)", v.purchases, 100 * conv);
    if (run_.analysis.ok) {
        ImGui::SameLine();
        ImGui::TextDisabled("exact %.1f%%", 100 * run_.analysis.expected_purchases);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(
                "Expected purchases per customer from the exact Markov analysis%s",
                run_.analysis.ignores_feedback ? ",\nignoring reviews, impression carry-over and referrals" : "");
    }
    ImGui::Text("Done        %.0f", v.done);
    ImGui::Text("Lost        %.0f", v.lost);
    // Nobody has finished yet: no score to show (not -100).
    if (v.done + v.lost > 0)
        ImGui::Text("NPS         %+.1f", v.nps);
    else
        ImGui::Text("NPS         -  (nobody has finished yet)");
    ImGui::Text("Rating      %.2f  (%.0f+ / %.0f- reviews)", v.rating, v.reviews_positive, v.reviews_negative);

    Scenario s = edited_;
    bool changed = false;
    section("Population");
    changed |= slider_double("arrivals", s.arrivals_per_tick, 0, 2000, "%.0f", "Mean new customers per tick (Poisson)",
                             locked("/population/arrivals_per_tick"));
    int maxc = static_cast<int>(std::min<std::int64_t>(s.max_customers, 1000000000));
    if (ImGui::DragInt("max total", &maxc, 1000, 0, 1000000000)) {
        s.max_customers = maxc;
        changed = true;
    }
    int ticks = s.ticks;
    if (ImGui::DragInt("ticks", &ticks, 1, 1, 100000)) {
        s.ticks = std::clamp(ticks, 1, 100000);
        changed = true;
    }
    section("Influence and word of mouth");
    changed |= slider_double("impression", s.beta, 0, 5, "%.2f",
                             "beta: how much a customer's impression so far tilts the odds of the next moment",
                             locked("/influence/impression"));
    changed |= slider_double("reviews", s.gamma, 0, 5, "%.2f",
                             "gamma: how much the public rating tilts the odds where reviews are read (ZMOT)",
                             locked("/influence/reviews"));
    changed |= slider_double("referrals", s.referral_rate, 0, 1, "%.3f", "New customers an advocate brings per tick",
                             locked("/word_of_mouth/referral_rate"));
    changed |= slider_double("advocate", s.advocate_threshold, -1, 1, "%.2f",
                             "Impression at the end of the journey that makes an advocate",
                             locked("/word_of_mouth/advocate_threshold"));
    section("Segments");
    for (std::size_t g = 0; g < s.segments.size(); ++g) {
        ImGui::PushID(static_cast<int>(g));
        ImGui::TextUnformatted(s.segments[g].name.c_str());
        const std::string seg = "/segments/" + std::to_string(g) + "/";
        changed |= slider_double("share", s.segments[g].share, 0, 10, "%.2f", nullptr, locked(seg + "share"));
        changed |=
            slider_double("shift", s.segments[g].shift, -3, 3, "%+.2f",
                          "Log-odds shift towards positive outcomes for this customer type", locked(seg + "shift"));
        ImGui::PopID();
    }
    ImGui::PopItemWidth();
    if (changed) {
        const bool total_zero =
            std::all_of(s.segments.begin(), s.segments.end(), [](const Segment& g) { return g.share <= 0; });
        if (!total_zero) apply_edit(s, "run settings");
    }
    ImGui::End();
}

}  // namespace motsim::app
