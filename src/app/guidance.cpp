// Guidance: the Info window's first visit, the start that waits for Play, the finished run's
// Replay / Run again, and the texts of guidance.h. The window itself is info_window.cpp.
#include "app/guidance.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <string_view>

#include "app/app.h"
#include "app/format.h"

namespace motsim::app {

// ==== Things to try =============================================================================
// The exercises of docs/scenarios.md, shortened, keyed by the shipped scenario's title. A
// scenario's own title is its key, so a renamed or edited copy falls back to the general list.
namespace {

constexpr const char* kTryDefault[] = {
    "Press Play and name the phase of each moment as the guests pass it. Which moment is the one purchase?",
    "Click the check-in (on the map) and drag its negative odds p- from 0.15 to 0.35. Within two or three weeks the "
    "rating falls from about 0.73 to 0.6, and fewer readers get past the reviews. Why is the effect delayed?",
    "Reset, then raise the stay's magic from 0.1 to 0.4: about a fifth more advocates, and their referrals arrive "
    "as extra customers. Compare the cost of that with fixing the check-in.",
    "Set both influences (impression and reviews) and the referrals to 0, then read each moment's exact analysis: "
    "which moment has the largest removal effect, and which the largest lift?",
};
constexpr const char* kTryHotel[] = {
    "Drag the check-in's p- from 0.15 to 0.35: the rating drops by about seven points and the research moment "
    "converts fewer readers in the following weeks.",
    "Raise dinner's magic from 0.12 to 0.4 and count the advocates. Then lower the maitre d's p+ instead: how much "
    "of dinner's damage was the recovery hiding?",
    "After a run, read 'why customers left' in the Charts: which of the seven sins dominate, and at which moments?",
    "Compare the segments: is the difficult customer worth a moment of their own?",
};
constexpr const char* kTryShelf[] = {
    "Raise the first use's p- from 0.15 to 0.35 (a product that disappoints): the rating falls from about 0.8 to "
    "0.7, and two weeks later the search moment loses shoppers.",
    "Set the reviews influence (gamma) to 0 and repeat: the rating still falls but nothing else does. That is the "
    "difference between a ZMOT world and the shelf before the internet.",
    "Improve the shelf (p+ up) or the first use instead: which gives more purchases per arrival in the exact "
    "analysis, and which in the live run with reviews on?",
    "Raise the review rate: does more reviewing help a good product? A bad one?",
};
constexpr const char* kTryAirline[] = {
    "Do Carlzon's arithmetic for your own organisation: customers times contacts per customer. How many moments of "
    "truth a year, and who owns them?",
    "Raise the check-in's magic from 0.08 to 0.4 (front-line staff allowed to solve problems on the spot) and count "
    "the advocates and repeat bookings.",
    "Raise the baggage claim's p- from 0.12 to 0.4: the last moment before the survey drags the rating down, though "
    "the flight itself did not change.",
    "Improve the delay desk's p+ instead of reducing delays (the gate's p-). Which does 'Where to invest' favour, "
    "and which is cheaper in the real world?",
};
constexpr const char* kTryInsurance[] = {
    "Raise the adjuster's p- from 0.25 to 0.5: watch the complaint loop fill and the renewals fall a few weeks later.",
    "Give the first call more magic (0.1 to 0.4). With a strong impression carry-over, how far down the journey does "
    "a good first call carry?",
    "Which moment has the largest removal effect on renewals? Is it the one the claims department would guess?",
    "The renewal is the only purchase, weeks after the last contact. What does that mean for how claims staff are "
    "measured?",
};
constexpr const char* kTryFraud[] = {
    "Push the support call's p- from 0.2 to 0.45: 'why customers left' fills with rudeness and ignorance at that one "
    "moment, yet the rating barely moves. Why? (Lost customers write no reviews.)",
    "Compare the visits to the support call with the number of customers: how much of the call volume comes from "
    "later moments failing?",
    "Raise the card replacement's magic from 0.2 to 0.5 (a virtual card at once) and watch the follow-up produce "
    "advocates.",
    "Role-play the call for each segment: what does the angry, suspicious cardholder need in the first 15 seconds?",
};
constexpr const char* kTryLaunch[] = {
    "Play and open the Adoption tab: the share of the market reached walks along the Bass curve for the same p and "
    "q. Where does it leave the curve, and why? (Critics keep people away.)",
    "Open the Retention tab: returns and those waiting to come back. Raise the delivery's magic: do refills and "
    "the share of buyers with 3+ purchases grow?",
    "Watch the profit in the Run window, then lower the delivery's negative odds instead of raising its magic. "
    "Which pays more, per customer?",
    "Slide the market's word of mouth q up and down: how much sooner does the launch peak?",
};
constexpr const char* kTryAny[] = {
    "Press Play and watch where the dots turn red and where they leave the map.",
    "Click the moment that loses the most customers and raise its positive odds p+: how do the purchases and the "
    "NPS change?",
    "Give one moment more magic and count the advocates.",
    "Run Replications (Charts) to see how much of a difference is chance, then 'Where to invest' to rank the "
    "moments: does it agree with your guess?",
};

struct Tries {
    std::string_view scenario;  // the shipped scenario's title
    std::span<const char* const> items;
};
const Tries kTries[] = {
    {"A weekend at the Harbour Hotel (start here)", kTryDefault},
    {"Grand Hotel: a stay from booking to review", kTryHotel},
    {"Brightwash detergent: from the ad to the shelf and back", kTryShelf},
    {"SAS under Jan Carlzon: 15 seconds at a time", kTryAirline},
    {"Car wreck: the insurance claim that decides the renewal", kTryInsurance},
    {"Credit-card fraud: the call that keeps or loses a cardholder", kTryFraud},
    {"Keen razors: a launch, the delivery and the customers who come back", kTryLaunch},
};

}  // namespace

std::span<const char* const> things_to_try(const std::string& name) {
    for (const Tries& t : kTries)
        if (t.scenario == name) return t.items;
    return kTryAny;
}

bool has_own_things_to_try(const std::string& name) {
    for (const Tries& t : kTries)
        if (t.scenario == name) return true;
    return false;
}

// ==== The guided tour ===========================================================================

namespace {
constexpr TourStep kTour[] = {
    {"play", "1. Play",
     "Play runs the journey (Space does too); Step moves one tick, Reset goes back to the start. At the end, "
     "Replay shows the same customers again and Run again draws new ones."},
    {"journey", "2. The journey map",
     "Each dot is a customer moving left to right through the moments of truth, coloured by impression: red "
     "negative, grey neutral, green positive. Edges widen with the flow; done and lost are on the right."},
    {"editor", "3. A moment of truth",
     "Click a moment on the map to open it here. Drag its odds (p+, p-) or its magic and watch the dots and the "
     "numbers change: the run goes on with the new odds."},
    {"charts", "4. The charts",
     "The flow per phase, the funnel, impressions, NPS and rating over time, and why customers left. The last tabs "
     "are experiments: replications, a sweep, where to invest."},
    {"info_again", "5. Info",
     "Help > Getting started (or F1) opens the Info window again: things to try in this journey and what every "
     "word means. Hover a label to read it too."},
};
}  // namespace

std::span<const TourStep> tour_steps() { return kTour; }

void App::start_tour() {
    close_info();
    tour_step_ = 0;
}

void App::next_tour_step() {
    if (tour_step_ < 0) return;
    if (++tour_step_ >= static_cast<int>(std::size(kTour))) tour_step_ = -1;
}

// ==== The run in words ==========================================================================

double nps_shown(const LiveView& v) {
    return v.done + v.lost > 0 && std::isfinite(v.nps) ? v.nps : std::numeric_limits<double>::quiet_NaN();
}

std::string nps_label(const Scenario& s) {
    switch (s.nps_asked) {
        case NpsAsked::Buyers:
            return "NPS of buyers";
        case NpsAsked::Finished:
            return "NPS of those who finished";
        case NpsAsked::Everyone:
            return "NPS of everyone";
    }
    return "NPS";
}

bool expected_is_approximate(const Scenario& s) {
    const bool reads = std::any_of(s.moments.begin(), s.moments.end(), [](const Moment& m) { return m.reads_reviews; });
    // The population cap binds too: who arrives depends on how many came before.
    const double expected_arrivals =
        static_cast<double>(s.initial) + s.arrivals_per_tick * static_cast<double>(s.ticks);
    const bool capped = expected_arrivals > static_cast<double>(s.max_customers);
    return (s.gamma != 0.0 && reads) || s.referral_rate > 0.0 || s.market.enabled || capped;
}

std::string expected_values_label(const Scenario& s) {
    return expected_is_approximate(s) ? "expected values: mean-field approximation (not the exact mean of random runs)"
                                      : "expected values (the exact mean of random runs)";
}

const char* expected_values_tip(const Scenario& s) {
    return expected_is_approximate(s)
               ? "Here the crowd feeds back into each customer's chances (reviews read at a moment, referrals, a "
                 "market's word of mouth or a cap on the customers). The expected values put the average crowd into "
                 "that feedback, which is a mean-field approximation: the mean of many random runs can differ."
               : "Nothing feeds back from the crowd into a customer's odds here, so the expected values are the "
                 "exact mean of many random runs.";
}

std::string finished_line(const Scenario& s, const LiveView& v) {
    return "Finished: " + s.time_unit + " " + std::to_string(v.tick) + " of " + std::to_string(s.ticks);
}

std::vector<std::string> outcome_lines(const LiveView& v) {
    return {
        human_count(v.purchases) + " purchases (" + (v.arrivals > 0 ? percent(v.purchases / v.arrivals) : "-") + ")",
        "from " + human_count(v.arrivals) + " customers", "NPS " + signed_score(nps_shown(v))};
}

// ==== The App's guidance commands ===============================================================

void App::open_info() {
    show_info_ = true;
    info_by_greeting_ = false;
    host_.store(kStoreSeenInfo, "1");
}

void App::close_info() {
    show_info_ = false;
    info_by_greeting_ = false;
}

// On the first visit to the full page the Info window greets the learner. A host page (an
// embed, which always configures the app) brings its own context: no greeting there, and one
// already opened by an early frame closes when the host configures the app (on_host_page).
void App::greet_first_visit() {
    if (greeted_) return;
    greeted_ = true;
    if (host_page_ || !ui_.menu || !host_.load(kStoreSeenInfo).empty()) return;
    open_info();
    info_by_greeting_ = true;
}

void App::on_host_page() {
    host_page_ = true;
    greeted_ = true;
    if (info_by_greeting_) close_info();
}

bool App::waiting_for_play() const { return !run_.playing && !finished() && tick() == 0 && busy().empty(); }

void App::replay() {
    restart();
    run_.playing = true;
    note("Replay: the same customers from tick 0 (seed " + std::to_string(run_.seed) + ")", false);
}

void App::run_again() {
    // The next seed: other customers, the same journey (a learner can go back by typing the seed).
    set_seed(run_.seed + 1);
    run_.playing = true;
    note("Run again with seed " + std::to_string(run_.seed) + ": other customers, the same journey", false);
}

}  // namespace motsim::app
