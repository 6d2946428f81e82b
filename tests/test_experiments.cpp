// Experiments: parameters by path, replications (independent, reproducible whatever the thread
// count, intervals that cover the exact answer), the chunked API and cancelling, sweeps and the
// "where to invest" ranking.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>

#include "engine/analysis.h"
#include "engine/experiments.h"
#include "engine/parameters.h"
#include "engine/random.h"
#include "scenario_builders.h"

using namespace motsim;
using namespace motsim::test;

namespace {

// A small journey that finishes well inside its ticks, so per-run numbers are exact quantities.
Scenario small_journey(std::int64_t customers = 200) {
    Scenario s = journey({M("ad", 0.5, 0.2).neutral_to(to({{1, 1.0}, {kLost, 1.0}})), M("search", 0.6, 0.2),
                          M("shop", 0.5, 0.3).purchase()});
    s.initial = customers;
    s.arrivals_per_tick = 0;
    s.max_customers = customers;
    s.ticks = 10;
    return s;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_results(const ReplicationResult& a, const ReplicationResult& b) {
    for (int k = 0; k < kMetricCount; ++k) {
        const Interval &x = a.metrics[static_cast<std::size_t>(k)], &y = b.metrics[static_cast<std::size_t>(k)];
        if (!same_bits(x.mean, y.mean) || !same_bits(x.lo, y.lo) || !same_bits(x.hi, y.hi)) return false;
    }
    for (std::size_t m = 0; m < a.moments.size(); ++m)
        for (int k = 0; k < kMomentMetricCount; ++k)
            if (!same_bits(a.moments[m][static_cast<std::size_t>(k)].mean,
                           b.moments[m][static_cast<std::size_t>(k)].mean))
                return false;
    for (int s = 0; s < kSeriesCount; ++s)
        for (std::size_t t = 0; t < a.bands[static_cast<std::size_t>(s)].size(); ++t)
            if (!same_bits(a.bands[static_cast<std::size_t>(s)][t].median,
                           b.bands[static_cast<std::size_t>(s)][t].median))
                return false;
    return a.runs == b.runs;
}

}  // namespace

// ==== Parameters by path ============================================================================

TEST_CASE("parameters: paths, ranges and the p+ + p- <= 1 rule") {
    Scenario s = small_journey();
    std::string error;
    CHECK(set_parameter(s, "/moments/search/positive", 0.7, error));
    CHECK(s.moments[1].positive == 0.7);
    CHECK(set_parameter(s, "/moments/1/positive", 0.9, error));  // by index; lowers p-
    CHECK(s.moments[1].negative == doctest::Approx(0.1));
    CHECK(set_parameter(s, "/moments/shop/negative", 0.8, error));
    CHECK(s.moments[2].positive == doctest::Approx(0.2));
    CHECK(set_parameter(s, "/moments/shop/dwell/max", 4, error));
    CHECK(set_parameter(s, "/moments/shop/dwell/min", 2, error));
    CHECK(get_parameter(s, "/moments/shop/dwell") == doctest::Approx(3.0));
    CHECK(set_parameter(s, "/moments/ad/impact/magic", 0.7, error));
    CHECK(s.moments[0].impact[3] == 0.7);
    CHECK(set_parameter(s, "/population/arrivals_per_tick", 12.5, error));
    CHECK(get_parameter(s, "/population/arrivals_per_tick") == 12.5);
    CHECK(set_parameter(s, "/segments/0/shift", -1.0, error));
    CHECK(set_parameter(s, "/influence/reviews", 2.0, error));
    CHECK(s.gamma == 2.0);

    const Scenario before = s;
    // (No structured binding: clang 14 cannot capture one in doctest's CAPTURE lambda.)
    for (const auto& bad : std::vector<std::pair<std::string, double>>{{"/moments/ad/positive", 1.5},
                                                                       {"/moments/nope/positive", 0.5},
                                                                       {"/moments/3/positive", 0.5},
                                                                       {"/moments/ad/dwell", 1.5},
                                                                       {"/reviews/prior", 0.0},
                                                                       {"/segments/1/share", 1.0},
                                                                       {"/ticks", 0.0},
                                                                       {"/population/arrivals_per_tick", std::nan("")},
                                                                       {"", 1.0},
                                                                       {"/moments/ad/impact/nope", 0.1}}) {
        const std::string& path = bad.first;
        CAPTURE(path);
        error.clear();
        CHECK_FALSE(set_parameter(s, path, bad.second, error));
        CHECK_FALSE(error.empty());
    }
    CHECK(s.moments[0].positive == before.moments[0].positive);
    CHECK_FALSE(get_parameter(s, "/moments/nope/positive").has_value());
}

// ==== Statistics ====================================================================================

TEST_CASE("experiments: t quantiles and intervals") {
    CHECK(t_quantile_975(1) == doctest::Approx(12.706).epsilon(1e-3));
    CHECK(t_quantile_975(19) == doctest::Approx(2.093).epsilon(1e-3));
    CHECK(t_quantile_975(50) == doctest::Approx(2.009).epsilon(2e-3));
    CHECK(t_quantile_975(100000) == doctest::Approx(1.960).epsilon(1e-3));
    const Interval i = mean_interval({1.0, 2.0, 3.0, 4.0});
    CHECK(i.mean == 2.5);
    CHECK(i.half_width() == doctest::Approx(3.1824 * std::sqrt(5.0 / 3.0) / 2.0));
    CHECK(percentile_sorted({1, 2, 3, 4, 5}, 0.5) == 3);
    CHECK(percentile_sorted({1, 2, 3, 4, 5}, 0.25) == 2);
}

// ==== Replications ==================================================================================

TEST_CASE("replications are independent and the same whatever the thread count") {
    Scenario s = small_journey(300);
    ExperimentOptions o;
    o.runs = 12;
    o.master_seed = 42;
    o.threads = 1;
    const ReplicationResult one = replicate(s, o);
    o.threads = 2;
    const ReplicationResult two = replicate(s, o);
    o.threads = 5;
    const ReplicationResult five = replicate(s, o);
    CHECK(same_results(one, two));
    CHECK(same_results(one, five));
    REQUIRE(one.per_run.size() == 12);
    int distinct = 0;
    for (std::size_t i = 1; i < one.per_run.size(); ++i) {
        CHECK(one.per_run[i].seed != one.per_run[0].seed);
        distinct += one.per_run[i].metric(Metric::Purchases) != one.per_run[0].metric(Metric::Purchases);
    }
    CHECK(distinct >= 8);  // different seeds give different runs (a tie is possible, not many)
    CHECK(one.metric(Metric::Purchases).hi > one.metric(Metric::Purchases).lo);

    o.master_seed = 43;  // another master seed, another table
    CHECK_FALSE(same_results(one, replicate(s, o)));

    // Bands: ordered, one per tick.
    const auto& active = one.bands[static_cast<int>(Series::Active)];
    CHECK(active.size() == static_cast<std::size_t>(s.ticks));
    for (const Band& b : active) CHECK((b.p2_5 <= b.p25 && b.p25 <= b.median && b.median <= b.p75 && b.p75 <= b.p97_5));
}

TEST_CASE("replication intervals cover the exact answer at about the stated rate") {
    const Scenario s = small_journey(200);
    const Analysis a = analyze(s);
    REQUIRE(a.ok);
    int covered_purchases = 0, covered_done = 0;
    const int experiments = 300;  // the rate is about 0.955 (1000 experiments); SD of this estimate 0.012
    for (int e = 0; e < experiments; ++e) {
        ReplicationJob job(s, 20, derive_seed(777, static_cast<std::uint64_t>(e)));
        job.run(1);
        const ReplicationResult r = job.result();
        covered_purchases += r.metric(Metric::Conversion).contains(a.expected_purchases);
        const Interval done = r.metric(Metric::Done);
        covered_done += done.contains(a.done * 200.0);
    }
    const double rate_p = covered_purchases / double(experiments), rate_d = covered_done / double(experiments);
    MESSAGE("coverage of the 95% intervals: purchases " << rate_p << ", done " << rate_d);
    CHECK(rate_p >= 0.85);
    CHECK(rate_p <= 0.99);
    CHECK(rate_d >= 0.85);
    CHECK(rate_d <= 0.99);
}

TEST_CASE("the chunked API gives the threaded result; cancelling stops early and can resume") {
    const Scenario s = small_journey(200);
    ExperimentOptions o;
    o.runs = 10;
    o.master_seed = 9;
    o.threads = 2;
    const ReplicationResult all = replicate(s, o);

    ReplicationJob chunked(s, 10, 9);
    int frames = 0;
    while (!chunked.finished()) {
        chunked.step(3);
        ++frames;
    }
    CHECK(frames == 4);
    CHECK(same_results(all, chunked.result()));

    std::atomic<bool> cancel{false};
    int calls = 0, last = 0;
    ReplicationJob job(s, 10, 9);
    const bool complete = job.run(
        2,
        [&](int done, int total) {
            CHECK(total == 10);
            CHECK(done > last);
            last = done;
            if (++calls == 3) cancel = true;
        },
        &cancel);
    CHECK_FALSE(complete);
    CHECK(job.completed() < 10);
    CHECK(job.completed() >= 3);
    const ReplicationResult partial = job.result();
    CHECK(partial.cancelled);
    CHECK(partial.runs == job.completed());
    job.run(1);  // resume: the same as never cancelled
    CHECK(same_results(all, job.result()));
}

// ==== Sweeps ========================================================================================

TEST_CASE("sweeps: the grid and a monotone response") {
    CHECK(grid(0.5, 0.9, 5) == std::vector<double>{0.5, 0.6, 0.7, 0.8, 0.9});  // exact endpoints
    const Scenario s = small_journey(300);
    ExperimentOptions o;
    o.runs = 6;
    std::string error;
    // More negatives at the purchase moment, fewer purchases (positive and neutral both buy).
    const SweepResult r = sweep(s, {{"/moments/shop/negative", grid(0.05, 0.45, 4)}}, o, error);
    REQUIRE(error.empty());
    REQUIRE(r.points.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(r.points[i].values[0] == doctest::Approx(0.05 + (0.4 / 3) * static_cast<double>(i)));
        CHECK(r.points[i].runs == 6);
        if (i > 0) CHECK(r.points[i].metric(Metric::Purchases).mean < r.points[i - 1].metric(Metric::Purchases).mean);
    }

    const SweepResult two =
        sweep(s, {{"/moments/ad/positive", {0.3, 0.6, 0.7}}, {"/moments/search/negative", {0.1, 0.4}}}, o, error);
    REQUIRE(two.points.size() == 6);
    CHECK(two.points[1].values == std::vector<double>{0.3, 0.4});  // first axis outer
    CHECK(two.points[2].values == std::vector<double>{0.6, 0.1});
    // More negatives at search: fewer reach the shop, at every value of the first axis.
    for (std::size_t i = 0; i < 3; ++i)
        CHECK(two.points[2 * i + 1].moments[2][0].mean < two.points[2 * i].moments[2][0].mean);

    CHECK(sweep(s, {{"/moments/shop/positive", {0.5, 1.5}}}, o, error).points.empty());
    CHECK_FALSE(error.empty());
}

// ==== Where to invest ================================================================================

TEST_CASE("rank: a deliberately weak moment comes first") {
    Scenario s =
        journey({M("ad", 0.9, 0.1), M("weak", 0.3, 0.7), M("search", 0.85, 0.15), M("shop", 0.9, 0.1).purchase()});
    s.arrivals_per_tick = 30;
    s.ticks = 40;
    ExperimentOptions o;
    o.runs = 10;
    o.master_seed = 5;
    const RankResult r = rank(s, 0.05, o);
    REQUIRE(r.entries.size() == 4);
    CHECK(r.objective == "purchases");
    CHECK(r.runs == 10);
    CHECK(r.entries[0].id == "weak");
    CHECK(r.entries[0].effect.lo > 0.0);  // clearly better, not by luck
    CHECK(r.entries[0].positive_after == doctest::Approx(0.35));
    // Exact lift ranks it first as well, and the simulated effect is near the exact one.
    for (std::size_t k = 1; k < r.entries.size(); ++k) CHECK(r.entries[0].lift > r.entries[k].lift);
    CHECK(r.entries[0].exact_effect == doctest::Approx(0.05 * 0.9 * 0.85 * 0.9));
    CHECK(std::fabs(r.entries[0].effect.mean - r.entries[0].exact_effect) < 0.01);

    // The exact analyses are done by the first run of each variant, a slice at a time: a job
    // stopped after the base and the first variant knows their exact effects and no others,
    // and result() does not make up the rest (it would block the app's frame on a big journey).
    RankJob job(s, 0.05, 10, 5);
    job.step(2);  // run 0 of the base and of the first moment's variant
    const RankResult part = job.result();
    REQUIRE(part.analysis_ok);
    for (const RankEntry& e : part.entries)
        if (e.id != "ad") CHECK(e.exact_effect == 0.0);  // not analysed yet
    const auto ad =
        std::find_if(part.entries.begin(), part.entries.end(), [](const RankEntry& e) { return e.id == "ad"; });
    const auto full = std::find_if(r.entries.begin(), r.entries.end(), [](const RankEntry& e) { return e.id == "ad"; });
    REQUIRE(ad != part.entries.end());
    CHECK(ad->exact_effect == full->exact_effect);
    CHECK(ad->exact_effect > 0.0);

    // The gain comes from neutral first, then negative.
    Scenario t = journey({M("a", 0.5, 0.48)});
    const Scenario better = with_better_moment(t, 0, 0.05);
    CHECK(better.moments[0].positive == doctest::Approx(0.55));
    CHECK(better.moments[0].negative == doctest::Approx(0.45));
}

TEST_CASE("experiments: runs spread over threads in slices give the table of one thread") {
    motsim::Scenario s =
        motsim::test::journey({motsim::test::M("a", 0.6, 0.2).purchase(), motsim::test::M("b", 0.5, 0.3)});
    s.arrivals_per_tick = 40;
    s.ticks = 30;
    motsim::ReplicationJob one(s, 12, 77), many(s, 12, 77);
    while (!one.finished()) one.step(1);
    while (!many.finished()) many.step_parallel(5, 3);  // uneven slices on purpose
    const auto a = one.result(), b = many.result();
    for (int k = 0; k < motsim::kMetricCount; ++k) {
        CHECK(a.metrics[static_cast<std::size_t>(k)].mean == b.metrics[static_cast<std::size_t>(k)].mean);
        CHECK(a.metrics[static_cast<std::size_t>(k)].hi == b.metrics[static_cast<std::size_t>(k)].hi);
    }
}

TEST_CASE("experiments: step_until spreads a long run over calls and gives the same results") {
    Scenario s = journey({M("ad", 0.7, 0.2), M("shop", 0.6, 0.2).purchase()});
    s.arrivals_per_tick = 20;
    s.ticks = 3000;
    ReplicationJob whole(s, 3, 11);
    whole.run(1);
    ReplicationJob sliced(s, 3, 11);
    // A deadline already past: each call does at least a few ticks, never a whole 3,000-tick run.
    const int calls_for_first = [&] {
        int calls = 0;
        while (sliced.completed() == 0) {
            sliced.step_until(std::chrono::steady_clock::now());
            ++calls;
        }
        return calls;
    }();
    CHECK(calls_for_first > 100);
    while (!sliced.finished()) sliced.step_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(5));
    const ReplicationResult a = whole.result(), b = sliced.result();
    REQUIRE(a.runs == 3);
    REQUIRE(b.runs == 3);
    for (std::size_t k = 0; k < a.metrics.size(); ++k) CHECK(a.metrics[k].mean == b.metrics[k].mean);
    // A plain step() after a partial run starts that run again and still agrees.
    ReplicationJob mixed(s, 3, 11);
    mixed.step_until(std::chrono::steady_clock::now());
    mixed.step(3);
    const ReplicationResult c = mixed.result();
    for (std::size_t k = 0; k < a.metrics.size(); ++k) CHECK(a.metrics[k].mean == c.metrics[k].mean);
}
