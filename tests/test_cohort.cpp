// The cohort engine: exact agreement with the Markov analysis in expected mode, agreement with
// the agent engine within sampling error in stochastic mode (feedback loops included), and a
// population of 100 million customers.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>

#include "engine/analysis.h"
#include "engine/cohort.h"
#include "engine/simulation.h"
#include "scenario_builders.h"

using namespace motsim;
using namespace motsim::test;

namespace {

// Expected mode from one crowd at tick 0 until (practically) nobody is left.
void check_expected_equals_analysis(Scenario s) {
    const double n = 1000.0;
    s.initial = static_cast<std::int64_t>(n);
    s.arrivals_per_tick = 0;
    s.max_customers = s.initial;
    s.ticks = 100000;
    const Analysis a = analyze(s);
    REQUIRE(a.ok);
    REQUIRE(s.memoryless());
    Cohort c(s, CohortOptions{CohortMode::Expected, 41});
    for (int t = 0; t < 20000 && (t == 0 || c.active() > 1e-10 * n); ++t) c.step();
    CAPTURE(s.name);
    CHECK(c.active() <= 1e-9 * n);
    const CohortTotals& tot = c.totals();
    auto near = [](double got, double want) { return std::fabs(got - want) <= 1e-6 * std::max(1.0, std::fabs(want)); };
    CHECK(near(tot.done / n, a.done));
    CHECK(near(tot.lost / n, a.lost));
    CHECK(near(tot.purchases / n, a.expected_purchases));
    for (std::size_t m = 0; m < s.moments.size(); ++m) {
        const CohortMomentStats& st = c.moments()[m];
        CAPTURE(s.moments[m].id);
        CHECK(near(st.entered / n, a.expected_visits[m]));
        CHECK(near(st.positive / n, a.expected_positive[m]));
        CHECK(near(st.neutral / n, a.expected_neutral[m]));
        CHECK(near(st.negative / n, a.expected_negative[m]));
        CHECK(near(st.magic / n, a.expected_magic[m]));
        CHECK(near(st.lost_after / n, a.expected_lost_after[m]));
    }
    // Time in the journey: customers present in a tick spent it in the journey.
    double customer_ticks = 0, prev_active = 0;
    for (const CohortTick& t : c.series()) {
        customer_ticks += prev_active + t.arrivals;
        prev_active = t.active;
    }
    CHECK(near(customer_ticks / n, a.expected_ticks));
}

struct Moments {
    double mean = 0, se = 0;
};
Moments mean_se(const std::vector<double>& v) {
    Moments r;
    for (double x : v) r.mean += x;
    r.mean /= static_cast<double>(v.size());
    double ss = 0;
    for (double x : v) ss += (x - r.mean) * (x - r.mean);
    r.se = std::sqrt(ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
    return r;
}

// A journey with every feedback loop: impression carry-over, reviews read at ZMOT, referrals,
// magic, segments, dwell ranges, a recovery loop.
Scenario feedback_journey() {
    Scenario s = journey(
        {M("ad", 0.6, 0.1).neutral_to(to({{1, 1.0}, {kLost, 1.0}})), M("reviews", 0.55, 0.2).dwell(1, 2),
         M("booking", 0.7, 0.1).purchase(), M("check_in", 0.6, 0.15).magic(0.1).negative_to(to({{4, 1.0}, {5, 1.0}})),
         M("recovery", 0.5, 0.2).magic(0.25).negative_to(to({{5, 0.7}, {kLost, 0.3}})),
         M("stay", 0.6, 0.12).magic(0.1).dwell(1, 3).negative_to(to(6)), M("review", 0.5, 0.2).negative_to(to(kDone))});
    s.moments[1].reads_reviews = true;
    s.moments[3].impact = {0.15, -0.05, -0.7, 0.5};
    s.moments[6].review = 0.6;
    s.beta = 0.8;
    s.gamma = 1.5;
    s.review_prior = 5;
    s.review_half_life = 20;
    s.referral_rate = 0.03;
    s.referral_ticks = 20;
    s.advocate_threshold = 0.3;
    s.segments = {segment("perfect", 1.0, 0.8), segment("typical", 3.0, 0.0), segment("difficult", 1.0, -0.8)};
    s.segments[0].initial_impression = 0.2;
    s.segments[2].initial_impression = -0.2;
    s.arrivals_per_tick = 40;
    s.max_customers = 1000000;
    s.ticks = 60;
    return s;
}

}  // namespace

// ==== Expected mode = the Markov analysis ===========================================================

TEST_CASE("cohort expected mode: a straight journey equals the analysis") {
    check_expected_equals_analysis(
        journey({M("ad", 0.4, 0.2), M("search", 0.6, 0.2), M("shelf", 0.5, 0.3).purchase()}));
}

TEST_CASE("cohort expected mode: loops, segments, dwell ranges and weighted routes equal the analysis") {
    check_expected_equals_analysis(
        journey({M("check_in", 0.6, 0.3).negative_to(to({{1, 2.0}, {kLost, 1.0}})).dwell(1, 3),
                 M("recovery", 0.5, 0.2).magic(0.3).positive_to(to(0)).neutral_to(to({{0, 1.0}, {2, 1.0}})),
                 M("stay", 0.7, 0.1).purchase().dwell(2, 5)}));
    Scenario s =
        journey({M("entry", 0.5, 0.2)
                     .positive_to(to({{1, 3.0}, {2, 1.0}}))
                     .neutral_to(to({{2, 1.0}, {kDone, 1.0}}))
                     .negative_to(to({{kLost, 2.0}, {3, 1.0}})),
                 M("shop", 0.6, 0.2).purchase().negative_to(to({{3, 1.0}, {kLost, 1.0}})).dwell(1, 4),
                 M("outlet", 0.4, 0.4).purchase(), M("helpdesk", 0.5, 0.3).positive_to(to({{1, 1.0}, {kDone, 1.0}}))});
    s.segments = {segment("perfect", 2.0, 1.5), segment("average", 5.0, 0.0), segment("difficult", 3.0, -1.2)};
    s.entry = to({{0, 3.0}, {3, 1.0}});
    check_expected_equals_analysis(s);
}

// ==== Stochastic mode = the agent engine, feedback included ===========================================

TEST_CASE("cohort stochastic mode agrees with the agent engine within sampling error") {
    const Scenario s = feedback_journey();
    const int seeds = 12;
    enum { kPurchases, kDone, kLost, kReferrals, kAdvocates, kReviewsPos, kReviewsNeg, kActive, kNps, kCount };
    const char* names[kCount] = {"purchases", "done",     "lost",   "referrals", "advocates",
                                 "reviews+",  "reviews-", "active", "nps"};
    std::vector<double> agent[kCount], cohort[kCount];
    for (int k = 0; k < seeds; ++k) {
        Simulation sim(s, 100 + static_cast<std::uint64_t>(k));
        sim.run_to_end();
        const Totals& t = sim.totals();
        const double a[kCount] = {double(t.purchases),        double(t.done),       double(t.lost),
                                  double(t.referrals),        double(t.advocates),  double(t.reviews_positive),
                                  double(t.reviews_negative), double(sim.active()), t.nps()};
        Cohort c(s, 900 + static_cast<std::uint64_t>(k));
        c.run_to_end();
        const CohortTotals& u = c.totals();
        const double b[kCount] = {u.purchases,        u.done,     u.lost, u.referrals, u.advocates, u.reviews_positive,
                                  u.reviews_negative, c.active(), u.nps()};
        for (int i = 0; i < kCount; ++i) {
            agent[i].push_back(a[i]);
            cohort[i].push_back(b[i]);
        }
    }
    for (int i = 0; i < kCount; ++i) {
        const Moments x = mean_se(agent[i]), y = mean_se(cohort[i]);
        CAPTURE(names[i]);
        CAPTURE(x.mean);
        CAPTURE(y.mean);
        CHECK(std::fabs(x.mean - y.mean) <= 4.0 * std::sqrt(x.se * x.se + y.se * y.se) + 1e-9);
    }
    // The feedback loops were active: referrals happened and the rating moved.
    CHECK(mean_se(cohort[kReferrals]).mean > 10);
}

TEST_CASE("cohort stochastic mode: same seed, same numbers; another seed, other numbers") {
    const Scenario s = feedback_journey();
    Cohort a(s, 7), b(s, 7), c(s, 8);
    a.run_to_end();
    b.run_to_end();
    c.run_to_end();
    CHECK(a.totals().purchases == b.totals().purchases);
    CHECK(a.series().back().rating == b.series().back().rating);
    CHECK(a.totals().purchases != c.totals().purchases);
}

// ==== Scale ================================================================================================

TEST_CASE("cohort: 100 million customers in a few ticks, none lost or invented") {
    Scenario s = feedback_journey();
    s.initial = 100000000;
    s.arrivals_per_tick = 1000;
    s.max_customers = 200000000;
    s.ticks = 8;
    const auto t0 = std::chrono::steady_clock::now();
    Cohort c(s, 3);
    c.run_to_end();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const CohortTotals& t = c.totals();
    CHECK(t.arrivals >= 1e8);
    CHECK(t.done + t.lost + c.active() == t.arrivals);  // whole numbers below 2^53: exact
    double occupied = 0;
    const std::size_t nm = s.moments.size();
    for (std::size_t m = 0; m < nm; ++m) occupied += c.occupancy()[c.occupancy().size() - nm + m];
    // Occupancy counts who was there during the last tick: those left after the tick before,
    // plus the tick's arrivals.
    const auto& series = c.series();
    REQUIRE(series.size() >= 2);
    CHECK(occupied == series[series.size() - 2].active + series.back().arrivals);
    CHECK(t.done > 0);
    CHECK(seconds < 5.0);  // typically milliseconds; the bound only catches per-customer work
    MESSAGE("cohort, 1e8 customers, 8 ticks: " << seconds << " s, " << c.cells() << " cells");
}

TEST_CASE("cohort: expected occupancy reaches arrivals x visits x dwell, as the analysis predicts") {
    // Two moments, everyone passes both; dwell 2 and 3: 100 arrivals a tick keep 200 and 300
    // customers at them during every tick once the pipeline is full (Little's law).
    Scenario s =
        motsim::test::journey({motsim::test::M("a", 1.0, 0.0).dwell(2, 2), motsim::test::M("b", 0.5, 0.0).dwell(3, 3)});
    s.arrivals_per_tick = 100;
    s.ticks = 20;
    CohortOptions opt;
    opt.mode = CohortMode::Expected;
    Cohort c(s, 1, opt);
    c.run_to_end();
    const Analysis a = analyze(s);
    const std::size_t last = c.occupancy().size() - 2;
    CHECK(c.occupancy()[last] == doctest::Approx(100 * a.expected_visits[0] * 2));
    CHECK(c.occupancy()[last + 1] == doctest::Approx(100 * a.expected_visits[1] * 3));
    CHECK(c.occupancy()[last] == doctest::Approx(200.0));
}
