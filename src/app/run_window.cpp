// The "Run" window: play, pause, step, reset, run to the end (sliced, with progress and Cancel),
// speed, seed and engine; the outcome so far beside the exact expectation; population, influence
// and word of mouth, and the segments. At tick 0 it calls for Play; at the end it says the run
// finished and offers Replay (same seed) and Run again (the next seed). Model words carry the
// glossary's tooltips (glossary.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <string>

#include "app/app.h"
#include "app/format.h"
#include "app/glossary.h"
#include "app/guidance.h"
#include "app/widgets.h"
#include "engine/money.h"
#include "imgui.h"

namespace motsim::app {

namespace {

const ImVec4 kCallColour{0.45f, 0.85f, 0.55f, 1.0f};  // the call to play, the finished line

// A button in the call-to-action colour (Play while paused).
bool call_button(const char* label, ImVec2 size) {
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.13f, 0.50f, 0.27f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.18f, 0.62f, 0.34f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0.10f, 0.42f, 0.22f, 1.0f));
    const bool pressed = ImGui::Button(label, size);
    ImGui::PopStyleColor(3);
    return pressed;
}

// One row of the outcome table: the label and a value that wraps, both with the term's tooltip
// (after `note`, when there is one).
void outcome_row(const char* label, const char* term, const std::string& value, const char* note = nullptr) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", label);  // a long label (v2: "Purchases per customer") wraps in its column
    glossary_tip(term, note);
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", value.c_str());
    glossary_tip(term, note);
}

// "1.19 purchases per customer".
std::string per_customer(double x, const char* what) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f %s per customer", x, what);
    return buf;
}

// A whole number of customers, or its share of `of` in brackets.
std::string count_and_share(double n, double of) {
    return human_count(n) + (of > 0 ? " (" + percent(n / of) + ")" : "");
}

// The v2 rows: loyalty (returns, waiting, purchases per customer, repeat buyers), the market
// (its size, reached so far, advocates and critics) and money. `s` is the scenario the engine
// runs (the live view may run a smaller market than the scenario's, see App::live_scenario).
void v2_outcome_rows(const Scenario& s, const LiveView& v, std::int64_t journey_market) {
    if (s.loyalty.enabled) {
        outcome_row("Returns", "returns", human_count(v.returns));
        outcome_row("Waiting to come back", "waiting", human_count(v.waiting));
        char per[48];
        std::snprintf(per, sizeof per, "%.2f", v.arrivals > 0 ? v.purchases / v.arrivals : 0.0);
        outcome_row("Purchases per customer", "conversion", v.arrivals > 0 ? per : "-");
        // The buyers' shares with exactly 1, 2 and 3 or more purchases (buyers[k]: at least k + 1).
        const double b = v.buyers[0];
        outcome_row("Repeat buyers", "repeat buyers",
                    b > 0 ? "1: " + percent((v.buyers[0] - v.buyers[1]) / b) +
                                "\n2: " + percent((v.buyers[1] - v.buyers[2]) / b) + "\n3+: " + percent(v.buyers[2] / b)
                          : "-",
                    "Of the buyers: the share with 1, 2, and 3 or more purchases.");
    }
    if (s.market.enabled) {
        const double size = static_cast<double>(s.market.size);
        outcome_row("Market", "market",
                    human_count(size) + " people" +
                        (s.market.size < journey_market ? " (the live view's scale of the journey's " +
                                                              human_count(static_cast<double>(journey_market)) + ")"
                                                        : ""));
        outcome_row("Reached", "market", count_and_share(v.arrivals, size));
        outcome_row("Advocates", "advocate", count_and_share(v.market_advocates, size));
        outcome_row("Critics", "critic", count_and_share(v.market_critics, size));
    }
    if (s.money.enabled) {
        // engine/money.h's ledger of the counts so far, whichever engine runs.
        const Ledger l = ledger_of(s, v, v.moments);
        outcome_row("Revenue", "revenue", human_amount(l.revenue, s.money.currency));
        outcome_row("Cost", "profit", human_amount(l.cost, s.money.currency));
        outcome_row("Profit", "profit", human_amount(l.profit, s.money.currency));
        outcome_row("Value per customer", "profit",
                    l.customers > 0 ? human_amount(l.per_customer, s.money.currency) : "-",
                    "Profit per customer who arrived (a loyal customer's returns are not new customers).");
    }
}

}  // namespace

void App::draw_run_window() {
    ImGui::Begin("Run");
    remember_rect("controls");
    const LiveView& v = run_.view;
    const ImGuiStyle& style = ImGui::GetStyle();
    const float avail = ImGui::GetContentRegionAvail().x;

    // ---- the run's controls: play ... end, or at the end Replay / Run again ----
    if (finished()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kCallColour);
        ImGui::TextWrapped("%s", finished_line(edited_, v).c_str());
        ImGui::PopStyleColor();
        remember_item("finished");
        for (const std::string& line : outcome_lines(v)) ImGui::TextUnformatted(line.c_str());
        const float bw = (avail - style.ItemSpacing.x) / 2;
        if (call_button("Replay", {bw, 0})) replay();
        remember_item("play");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("The same customers again from the start (the same seed)");
        ImGui::SameLine();
        if (ImGui::Button("Run again", {bw, 0})) run_again();
        remember_item("run_again");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Other customers, the same journey (the next seed)");
    } else {
        const float bw = (avail - 3 * style.ItemSpacing.x) / 4;
        const bool play_pressed = run_.playing ? ImGui::Button("Pause", {bw, 0}) : call_button("Play", {bw, 0});
        if (play_pressed) run_.playing = !run_.playing;
        remember_item("play");
        ImGui::SameLine();
        if (ImGui::Button("Step", {bw, 0})) {
            run_.playing = false;
            step();
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("One %s, then pause", edited_.time_unit.c_str());
        ImGui::SameLine();
        if (ImGui::Button("Reset", {bw, 0})) reset();
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Back to %s 0 with the same seed", edited_.time_unit.c_str());
        ImGui::SameLine();
        if (ImGui::Button("End", {bw, 0})) finish();
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run to the last %s at once", edited_.time_unit.c_str());
        if (waiting_for_play()) {
            ImGui::PushStyleColor(ImGuiCol_Text, kCallColour);
            ImGui::TextWrapped("Press Play (or Space) to start the journey.");
            ImGui::PopStyleColor();
            remember_item("call_to_play");
        }
    }
    if (!busy().empty()) {
        // Long work runs a slice a frame: show how far, and let the learner stop it.
        const float cw = ImGui::CalcTextSize("Cancel").x + 2 * style.FramePadding.x;
        const std::string what = busy() == "lesson"   ? "Checking the lesson"
                                 : busy() == "finish" ? "Running to the end"
                                                      : "Running to the tick";
        ImGui::ProgressBar(static_cast<float>(busy_progress()),
                           {ImGui::GetContentRegionAvail().x - cw - style.ItemSpacing.x, 0}, what.c_str());
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) cancel_work();
        remember_item("cancel");
    }
    ImGui::ProgressBar(
        static_cast<float>(v.tick) / static_cast<float>(std::max(1, edited_.ticks)), {-1, 0},
        (edited_.time_unit + " " + std::to_string(v.tick) + " of " + std::to_string(edited_.ticks)).c_str());

    // Leave room for the labels: sliders take a little over half the width.
    ImGui::PushItemWidth(ImGui::GetWindowWidth() * 0.55f);
    float speed = static_cast<float>(run_.speed);
    const std::string speed_format = "%.1f " + edited_.time_unit + "s/s";
    if (ImGui::SliderFloat("speed", &speed, 0.5f, 200.0f, speed_format.c_str(), ImGuiSliderFlags_Logarithmic))
        set_speed(speed);
    glossary_tip("speed");
    int seed = static_cast<int>(run_.seed & 0x7fffffff);
    if (ImGui::InputInt("seed", &seed) && seed >= 0) set_seed(static_cast<std::uint64_t>(seed));
    glossary_tip("seed");
    // The engine's names are long: the label goes above and the choice takes the whole width.
    ImGui::TextUnformatted("Engine");
    glossary_marker(run_.engine == Engine::Agents   ? "agents"
                    : run_.engine == Engine::Cohort ? "cohort"
                                                    : "expected values");
    int engine = static_cast<int>(run_.engine);
    const char* engines[] = {"agents (each customer)", "cohort (counts)", "expected values"};
    ImGui::SetNextItemWidth(-1);
    if (ImGui::Combo("##engine", &engine, engines, 3)) set_engine(static_cast<Engine>(engine));
    remember_item("engine");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "Agents: every customer is a dot with a story.\nCohort: counts per moment, dwell, segment and "
            "impression,\nthe same rules for any population size (no dots).\nExpected values: the cohort "
            "engine without randomness.");
    if (run_.engine == Engine::Expected) {
        // Exact mean of random runs, or a mean-field approximation of it (feedback loops).
        const bool approx = expected_is_approximate(edited_);
        ImGui::PushStyleColor(ImGuiCol_Text,
                              approx ? ImVec4(1.0f, 0.80f, 0.45f, 1.0f) : ImVec4(0.7f, 0.9f, 0.75f, 1.0f));
        ImGui::TextWrapped("%s", approx ? "Mean-field approximation (not the exact mean of random runs)"
                                        : "Exact mean of random runs");
        ImGui::PopStyleColor();
        remember_item("expected_label");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", expected_values_tip(edited_));
    }

    // ---- the outcome so far, in two columns whose values wrap (never cut) ----
    section("Outcome so far");
    if (ImGui::BeginTable("outcome", 2, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_NoSavedSettings)) {
        // The labels' column fits the widest label up to 40 % of the width (longer ones wrap), so
        // the values keep room to wrap between words.
        float label_w = ImGui::CalcTextSize("In journey").x;
        for (const char* l : {"Customers", "Purchases", "Returns", "Advocates", "Revenue"})
            label_w = std::max(label_w, ImGui::CalcTextSize(l).x);
        label_w = std::max(label_w, ImGui::CalcTextSize(nps_label(edited_).c_str()).x);
        ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed, std::min(label_w, 0.4f * avail));
        ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
        outcome_row("Customers", "arrivals",
                    human_count(v.arrivals) + (v.referrals > 0 ? " (" + human_count(v.referrals) + " referred)" : ""));
        outcome_row("In journey", "in journey", human_count(v.active));
        outcome_row("Purchases", "conversion",
                    human_count(v.purchases) +
                        (v.arrivals > 0 ? " (" + percent(v.purchases / v.arrivals) + " of customers)" : ""));
        if (run_.analysis.ok)
            // With loyalty a customer's lifetime may hold several purchases: a count, not a share.
            outcome_row("Exact", "exact",
                        edited_.loyalty.enabled ? per_customer(run_.analysis.expected_purchases, "purchases")
                                                : percent(run_.analysis.expected_purchases) + " per customer",
                        run_.analysis.ignores_feedback
                            ? "Expected purchases per customer, ignoring this journey's reviews, impression "
                              "carry-over and referrals."
                            : "Expected purchases per customer.");
        outcome_row("Done", "done", human_count(v.done));
        outcome_row("Lost", "lost", human_count(v.lost));
        // Nobody asked yet (no buyer, nobody finished or left: Scenario::nps_asked): no score, not -100.
        const double nps = nps_shown(v);
        const std::string nps_name = nps_label(edited_);
        outcome_row(nps_name.c_str(), "NPS", signed_score(nps), std::isfinite(nps) ? nullptr : kNobodyAsked);
        remember_item("nps");
        char rating[96];
        std::snprintf(rating, sizeof rating, "%.2f (%s+ / %s- reviews)", v.rating,
                      human_count(v.reviews_positive).c_str(), human_count(v.reviews_negative).c_str());
        outcome_row("Rating", "rating", rating);
        v2_outcome_rows(run_.sim && v.individuals() ? run_.sim->scenario() : edited_, v, edited_.market.size);
        ImGui::EndTable();
    }

    // ---- the scenario's run settings ----
    Scenario s = edited_;
    bool changed = false;
    section("Population");
    changed |= slider_double("arrivals", s.arrivals_per_tick, 0, 2000, "%.0f", nullptr,
                             locked("/population/arrivals_per_tick"));
    glossary_tip("arrivals");
    lock_toggle("/population/arrivals_per_tick");
    int maxc = static_cast<int>(std::min<std::int64_t>(s.max_customers, 1000000000));
    if (ImGui::DragInt("max total", &maxc, 1000, 0, 1000000000)) {
        s.max_customers = maxc;
        changed = true;
    }
    glossary_tip("max customers");
    lock_toggle("/population/max_customers");
    int ticks = s.ticks;
    if (ImGui::DragInt((edited_.time_unit + "s##ticks").c_str(), &ticks, 1, 1, 100000)) {
        s.ticks = std::clamp(ticks, 1, 100000);
        changed = true;
    }
    glossary_tip("tick");
    lock_toggle("/ticks");
    section("Influence and word of mouth");
    changed |= slider_double("impression", s.beta, 0, 5, "%.2f", nullptr, locked("/influence/impression"));
    glossary_tip("beta");
    lock_toggle("/influence/impression");
    changed |= slider_double("reviews", s.gamma, 0, 5, "%.2f", nullptr, locked("/influence/reviews"));
    glossary_tip("gamma");
    lock_toggle("/influence/reviews");
    changed |=
        slider_double("referrals", s.referral_rate, 0, 1, "%.3f", nullptr, locked("/word_of_mouth/referral_rate"));
    glossary_tip("referral");
    lock_toggle("/word_of_mouth/referral_rate");
    changed |= slider_double("advocate", s.advocate_threshold, -1, 1, "%.2f", nullptr,
                             locked("/word_of_mouth/advocate_threshold"));
    glossary_tip("advocate");
    lock_toggle("/word_of_mouth/advocate_threshold");
    if (s.loyalty.enabled) {
        section("Loyalty");
        changed |= slider_double("come back", s.loyalty.base, 0, 1, "%.2f", nullptr, locked("/loyalty/base"));
        remember_item("slider_loyalty_base");
        glossary_tip("returns", "The chance of coming back at impression 0.");
        lock_toggle("/loyalty/base");
        changed |= slider_double("impression##loyalty", s.loyalty.impression, 0, 20, "%.1f", nullptr,
                                 locked("/loyalty/impression"));
        glossary_tip("returns", "How much a better impression raises the chance of coming back (0: not at all).");
        lock_toggle("/loyalty/impression");
    }
    if (s.market.enabled) {
        section("Market");
        changed |= slider_double("ads (p)", s.market.advertising, 0, std::max(0.05, s.market.advertising), "%.4f",
                                 nullptr, locked("/market/advertising"));
        glossary_tip("market", "p, advertising: the chance per tick that advertising brings someone who never came.");
        lock_toggle("/market/advertising");
        changed |= slider_double("talk (q)", s.market.word_of_mouth, 0, std::max(2.0, s.market.word_of_mouth), "%.3f",
                                 nullptr, locked("/market/word_of_mouth"));
        remember_item("slider_market_q");
        glossary_tip("market", "q, word of mouth: how strongly advocates bring the people who never came.");
        lock_toggle("/market/word_of_mouth");
        changed |= slider_double("critics (r)", s.market.negative, 0, std::max(2.0, s.market.negative), "%.3f", nullptr,
                                 locked("/market/negative"));
        glossary_tip("critic", "r, negative word of mouth: how strongly critics keep people away.");
        lock_toggle("/market/negative");
    }
    if (s.money.enabled) {
        section("Money");
        const std::string fmt = "%.2f " + s.money.currency;
        changed |= slider_double("revenue", s.money.revenue, 0, std::max(1000.0, s.money.revenue), fmt.c_str(), nullptr,
                                 locked("/money/revenue"));
        remember_item("slider_revenue");
        glossary_tip("revenue");
        lock_toggle("/money/revenue");
    }
    section("Segments");
    for (std::size_t g = 0; g < s.segments.size(); ++g) {
        ImGui::PushID(static_cast<int>(g));
        ImGui::TextWrapped("%s", s.segments[g].name.c_str());
        glossary_tip("segment");
        const std::string seg = "/segments/" + std::to_string(g) + "/";
        changed |= slider_double("share", s.segments[g].share, 0, 10, "%.2f", nullptr, locked(seg + "share"));
        glossary_tip("share");
        lock_toggle(seg + "share");
        changed |= slider_double("shift", s.segments[g].shift, -3, 3, "%+.2f", nullptr, locked(seg + "shift"));
        glossary_tip("shift");
        lock_toggle(seg + "shift");
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
