// The agent engine: random numbers, each mechanism of model.md, determinism, stories.
// Statistical checks use fixed seeds and bounds of several standard errors, so they are
// deterministic and would fail if the mechanism under test were missing.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "engine/fmath.h"
#include "engine/simulation.h"
#include "scenario_builders.h"

using namespace motsim;
using namespace motsim::test;

namespace {

// A crowd of n customers at tick 0 and nobody after, so every number is per customer.
Scenario cohort(Scenario s, std::int64_t n, int ticks = 400) {
    s.initial = n;
    s.arrivals_per_tick = 0;
    s.max_customers = n;
    s.ticks = ticks;
    return s;
}

double share_positive(const MomentStats& m) {
    const auto n = m.positive + m.neutral + m.negative;
    return n ? static_cast<double>(m.positive) / static_cast<double>(n) : 0.0;
}

}  // namespace

// ==== Portable maths and random numbers =======================================================

TEST_CASE("own exp and log agree with the C library to the last bits or so") {
    for (double x = -700; x < 700; x += 0.377) {
        const double a = fmath::exp(x), b = std::exp(x);
        CHECK(std::fabs(a - b) <= 1e-15 * b + 1e-300);
    }
    for (double x = 1e-300; x < 1e300; x *= 3.7) CHECK(fmath::log(x) == doctest::Approx(std::log(x)).epsilon(1e-15));
    CHECK(fmath::log(1.0) == 0.0);
    CHECK(fmath::sigmoid(0.0) == 0.5);
    CHECK(fmath::logit(0.25) == doctest::Approx(std::log(1.0 / 3.0)).epsilon(1e-15));
    CHECK(lgamma_portable(1.0) == doctest::Approx(0.0).epsilon(1e-14));
    CHECK(lgamma_portable(5.0) == doctest::Approx(std::log(24.0)).epsilon(1e-14));
    CHECK(lgamma_portable(100.5) == doctest::Approx(std::lgamma(100.5)).epsilon(1e-14));
}

TEST_CASE("the generator is reproducible and its samplers have the right moments") {
    Random a(42), b(42), c(43);
    std::set<std::uint64_t> seen;
    bool differs = false;
    for (int i = 0; i < 1000; ++i) {
        const std::uint64_t x = a.next();
        CHECK(x == b.next());
        differs |= x != c.next();
        seen.insert(x);
    }
    CHECK(differs);
    CHECK(seen.size() == 1000);

    for (double lambda : {0.7, 4.0, 25.0, 600.0}) {
        Random r(7);
        const int n = 40000;
        double sum = 0, sq = 0;
        for (int i = 0; i < n; ++i) {
            const double k = static_cast<double>(r.poisson(lambda));
            sum += k;
            sq += k * k;
        }
        const double mean = sum / n, var = sq / n - mean * mean;
        CAPTURE(lambda);
        CHECK(std::fabs(mean - lambda) < 4.0 * std::sqrt(lambda / n));
        CHECK(var == doctest::Approx(lambda).epsilon(0.05));
    }
    for (const auto& np : {std::pair<std::int64_t, double>{20, 0.3}, {1000, 0.004}, {100000, 0.37}, {5000, 0.9}}) {
        const std::int64_t n = np.first;
        const double p = np.second;
        Random r(9);
        const int reps = 20000;
        double sum = 0;
        for (int i = 0; i < reps; ++i) {
            const auto k = r.binomial(n, p);
            REQUIRE(k >= 0);
            REQUIRE(k <= n);
            sum += static_cast<double>(k);
        }
        const double mean = static_cast<double>(n) * p, sd = std::sqrt(mean * (1 - p));
        CAPTURE(n);
        CHECK(std::fabs(sum / reps - mean) < 4.0 * sd / std::sqrt(reps));
    }
    Random r(3);
    int counts[3] = {0, 0, 0};
    const std::vector<double> w{1.0, 2.0, 1.0};
    for (int i = 0; i < 40000; ++i) ++counts[pick_weighted(r, w, 4.0)];
    CHECK(counts[1] / 40000.0 == doctest::Approx(0.5).epsilon(0.03));
    CHECK(derive_seed(1, 0) != derive_seed(1, 1));
    CHECK(derive_seed(1, 5) == derive_seed(1, 5));
}

// ==== Population ==============================================================================

TEST_CASE("arrivals: an initial crowd at tick 0, Poisson arrivals after, capped by max_customers") {
    Scenario s = journey({M("a", 0.5, 0.2)});
    s.initial = 300;
    s.arrivals_per_tick = 20;
    s.ticks = 50;
    s.max_customers = 100000;
    Simulation sim(s);
    sim.step();
    CHECK(sim.series()[0].arrivals >= 300);
    sim.run(49);
    const double mean = static_cast<double>(sim.totals().arrivals - 300) / 50.0;
    CHECK(std::fabs(mean - 20.0) < 4.0 * std::sqrt(20.0 / 50.0));

    s.max_customers = 500;
    Simulation capped(s);
    capped.run_to_end();
    CHECK(capped.totals().arrivals == 500);
}

TEST_CASE("dwell: a customer stays dwell ticks, fixed or uniform in a range") {
    Scenario s = cohort(journey({M("wait", 1.0, 0.0).dwell(3, 3)}), 100, 10);
    Simulation sim(s);
    sim.run(2);
    CHECK(sim.totals().done == 0);
    CHECK(sim.active() == 100);
    sim.step();
    CHECK(sim.totals().done == 100);

    Scenario r = cohort(journey({M("wait", 1.0, 0.0).dwell(2, 6)}), 20000, 10);
    Simulation ranged(r);
    std::vector<std::int64_t> left_at;
    for (int t = 0; t < 8; ++t) {
        ranged.step();
        left_at.push_back(ranged.series().back().done);
    }
    CHECK(left_at[0] == 0);  // nobody leaves before the minimum
    CHECK(left_at[6] == 0);  // nor after the maximum
    for (int t = 1; t <= 5; ++t)
        CHECK(left_at[static_cast<std::size_t>(t)] / 20000.0 == doctest::Approx(0.2).epsilon(0.1));
}

// ==== Outcomes, impressions, purchases =========================================================

TEST_CASE("outcomes follow the base odds and purchases count positive and neutral finishes") {
    Scenario s = cohort(journey({M("shelf", 0.5, 0.2).purchase()}), 50000);
    Simulation sim(s);
    sim.run_to_end();
    const MomentStats& m = sim.moments()[0];
    CHECK(m.entered == 50000);
    CHECK(m.positive + m.neutral + m.negative == 50000);
    CHECK(std::fabs(m.negative / 50000.0 - 0.2) < 4 * std::sqrt(0.2 * 0.8 / 50000));
    CHECK(m.purchases == m.positive + m.neutral);
    CHECK(sim.totals().purchases == m.purchases);
    CHECK(m.lost_after == m.negative);
}

TEST_CASE("impacts move impressions and moments of magic raise them further") {
    auto mean_exit_score = [](double magic) {
        Scenario s = cohort(journey({M("a", 0.9, 0.0).magic(magic), M("b", 0.9, 0.0).magic(magic)}), 20000);
        Simulation sim(s);
        sim.run_to_end();
        double sum = 0, n = 0;
        for (int b = 0; b < kHistogramBins; ++b) {
            sum += static_cast<double>(sim.totals().exit_histogram[static_cast<std::size_t>(b)]) * b;
            n += static_cast<double>(sim.totals().exit_histogram[static_cast<std::size_t>(b)]);
        }
        if (magic > 0) CHECK(sim.moments()[0].magic > 0);
        return sum / n;
    };
    const double plain = mean_exit_score(0.0), magical = mean_exit_score(0.5);
    CHECK(plain > kHistogramBins / 2.0);  // positive impacts lift impressions above neutral
    CHECK(magical > plain + 1.0);
}

TEST_CASE("NPS: promoters score 9-10, detractors 0-6, over customers who left") {
    CHECK(nps_score(-1.0) == 0);
    CHECK(nps_score(0.0) == 5);
    CHECK(nps_score(0.6) == 8);
    CHECK(nps_score(0.7) == 9);  // round(8.5) = 9
    CHECK(nps_score(1.0) == 10);
    Scenario delighted = cohort(journey({M("a", 1.0, 0.0)}), 500);
    delighted.moments[0].impact[0] = 2.0;
    delighted.nps_asked = NpsAsked::Everyone;  // (no purchase here: nobody would be asked by default)
    Simulation d(delighted);
    d.run_to_end();
    CHECK(d.totals().nps() == 100.0);
    Scenario angry = cohort(journey({M("a", 0.0, 1.0)}), 500);
    angry.moments[0].impact[2] = -2.0;
    angry.nps_asked = NpsAsked::Everyone;
    Simulation a(angry);
    a.run_to_end();
    CHECK(a.totals().nps() == -100.0);
}

TEST_CASE("causes of negative outcomes are drawn by their weights") {
    Scenario s = cohort(journey({M("desk", 0.0, 1.0)}), 40000);
    s.moments[0].causes = {{"rudeness", 3.0}, {"ignorance", 1.0}};
    Simulation sim(s);
    sim.run_to_end();
    const auto& c = sim.moments()[0].causes;
    REQUIRE(c.size() == 2);
    CHECK(c[0] + c[1] == 40000);
    CHECK(c[0] / 40000.0 == doctest::Approx(0.75).epsilon(0.02));
}

// ==== Influence: segments, carry-over, reviews ==================================================

TEST_CASE("a segment's shift moves its odds towards positive") {
    auto positive_share = [](double shift) {
        Scenario s = cohort(journey({M("a", 0.5, 0.3)}), 20000);
        s.segments = {segment("x", 1.0, shift)};
        Simulation sim(s);
        sim.run_to_end();
        return share_positive(sim.moments()[0]);
    };
    const double base = positive_share(0.0), up = positive_share(1.0), down = positive_share(-1.0);
    CHECK(std::fabs(base - 0.5) < 0.02);
    CHECK(up == doctest::Approx(1.0 / (1.0 + std::exp(-1.0))).epsilon(0.03));  // sigmoid(logit(.5)+1)
    CHECK(down < base - 0.1);
}

TEST_CASE("impression carry-over (beta): a bad first moment lowers the next moment's odds") {
    auto second_positive = [](double beta) {
        Scenario s = cohort(journey({M("rude", 0.0, 0.0), M("next", 0.5, 0.2)}), 20000);
        s.moments[0].impact[1] = -0.8;  // every neutral finish here hurts
        s.beta = beta;
        Simulation sim(s);
        sim.run_to_end();
        return share_positive(sim.moments()[1]);
    };
    CHECK(second_positive(2.0) < second_positive(0.0) - 0.1);
}

namespace {
// Research reads reviews; the experience afterwards writes them, good or bad.
Scenario review_loop(double experience_positive, double gamma, double half_life = 0, double prior = 5) {
    Scenario s = journey({M("research", 0.5, 0.2), M("stay", experience_positive, 1.0 - experience_positive)});
    s.moments[0].reads_reviews = true;
    s.moments[0].impact = {0, 0, 0, 0};
    s.moments[1].review = 1.0;
    s.moments[1].impact = {0.5, 0, -0.5, 0.5};
    s.gamma = gamma;
    s.review_prior = prior;
    s.review_half_life = half_life;
    s.arrivals_per_tick = 200;
    s.ticks = 60;
    return s;
}
}  // namespace

TEST_CASE("reviews move research odds in the direction of the experience (the UMOT -> ZMOT loop)") {
    Simulation good(review_loop(0.9, 2.0)), bad(review_loop(0.1, 2.0)), deaf(review_loop(0.1, 0.0));
    good.run_to_end();
    bad.run_to_end();
    deaf.run_to_end();
    CHECK(good.rating() > 0.8);
    CHECK(bad.rating() < 0.2);
    CHECK(share_positive(good.moments()[0]) > 0.7);
    CHECK(share_positive(bad.moments()[0]) < 0.3);
    CHECK(std::fabs(share_positive(deaf.moments()[0]) - 0.5) < 0.03);  // gamma 0: reviews ignored
}

TEST_CASE("a review half-life lets old reviews fade towards the prior") {
    // One in ten stays is good, so the rating without decay settles near 0.1; with a short
    // half-life only the last few ticks of reviews count and the prior of 50 weighs more.
    Simulation keep(review_loop(0.1, 0.0, 0.0, 50)), fade(review_loop(0.1, 0.0, 0.5, 50));
    keep.run_to_end();
    fade.run_to_end();
    CHECK(keep.rating() < 0.12);
    CHECK(fade.rating() > keep.rating() + 0.05);
    CHECK(fade.rating() < 0.5);
}

TEST_CASE("advocates refer new customers for referral_ticks ticks") {
    auto run = [](double rate, double threshold) {
        Scenario s = journey({M("a", 1.0, 0.0)});
        s.arrivals_per_tick = 10;
        s.ticks = 40;
        s.referral_rate = rate;
        s.referral_ticks = 5;
        s.advocate_threshold = threshold;
        Simulation sim(s);
        sim.run_to_end();
        return sim.totals();
    };
    const Totals none = run(0.0, 0.1), some = run(0.1, 0.1), picky = run(0.1, 1.0);
    CHECK(none.referrals == 0);
    CHECK(some.referrals > 100);
    CHECK(some.arrivals > none.arrivals + 100);
    CHECK(some.advocates > 0);
    CHECK(picky.advocates == 0);  // +0.2 impressions never reach a threshold of 1
    CHECK(picky.referrals == 0);
    // Each advocate refers at 0.1 per tick for 5 ticks: 0.5 referrals per advocate on average,
    // a little less because the windows of the last advocates run past the end.
    const double per_advocate = static_cast<double>(some.referrals) / static_cast<double>(some.advocates);
    CHECK(per_advocate > 0.35);
    CHECK(per_advocate < 0.6);
}

// ==== Routing ==================================================================================

TEST_CASE("weighted routes split customers by weight and loops come back") {
    // Complaint desk: negatives go to recovery, which sends 3 in 4 back to the desk.
    Scenario s = journey({M("desk", 0.6, 0.4).positive_to(to(kDone)).neutral_to(to(kDone)).negative_to(to(1)),
                          M("recovery", 0.0, 0.0).neutral_to(to({{0, 3.0}, {kLost, 1.0}}))});
    s = cohort(s, 40000, 2000);
    Simulation sim(s);
    sim.run_to_end();
    const MomentStats& rec = sim.moments()[1];
    CHECK(rec.entered == sim.moments()[0].negative);
    CHECK(rec.lost_after / static_cast<double>(rec.entered) == doctest::Approx(0.25).epsilon(0.05));
    CHECK(sim.moments()[0].entered > 40000);  // the loop brings customers back
    CHECK(sim.totals().done + sim.totals().lost == 40000);
}

// ==== Live edits, stories, determinism =========================================================

TEST_CASE("parameters change live without losing the customers") {
    Scenario s = journey({M("a", 0.5, 0.1).dwell(5, 5)});
    s.arrivals_per_tick = 100;
    Simulation sim(s);
    sim.run(3);
    const auto active = sim.active();
    Scenario edited = s;
    edited.moments[0].positive = 0.9;
    REQUIRE(sim.update_parameters(edited));
    CHECK(sim.active() == active);
    CHECK(sim.scenario().moments[0].positive == 0.9);
    Scenario other = journey({M("a", 0.5, 0.1), M("b", 0.5, 0.1)});
    CHECK_FALSE(sim.update_parameters(other));
}

TEST_CASE("stories: a watched customer's events form its journey, and watching changes nothing") {
    Scenario s = journey({M("a", 0.6, 0.2), M("b", 0.6, 0.2).negative_to(to(0))});
    s.arrivals_per_tick = 30;
    s.ticks = 30;
    Simulation plain(s), watched(s);
    watched.watch(5);
    plain.run_to_end();
    watched.run_to_end();
    CHECK(plain.digest() == watched.digest());
    const auto& ev = watched.story_events();
    REQUIRE(ev.size() >= 2);
    CHECK(ev.front().moment == -1);  // arrival first
    int at = ev.front().target;
    for (std::size_t k = 1; k < ev.size(); ++k) {
        CHECK(ev[k].customer == 5u);
        CHECK(ev[k].moment == at);  // each outcome happens where the previous one sent it
        at = ev[k].target;
    }
}

TEST_CASE("same scenario and seed give the same digest; another seed another digest") {
    Scenario s = journey({M("a", 0.6, 0.2).dwell(1, 3), M("b", 0.5, 0.3).purchase()});
    s.gamma = 1.0;
    s.moments[0].reads_reviews = true;
    s.moments[1].review = 0.5;
    s.referral_rate = 0.1;
    s.ticks = 100;
    Simulation a(s, 11), b(s, 11), c(s, 12);
    a.run_to_end();
    b.run_to_end();
    c.run_to_end();
    CHECK(a.digest() == b.digest());
    CHECK(a.digest() != c.digest());
    CHECK(a.digest().size() == 16);
}

TEST_CASE("customer state stays within 32 bytes per customer") { CHECK(Simulation::bytes_per_customer() <= 32); }

// ==== The timing wheel =========================================================================

namespace {
Scenario wheel_journey() {
    Scenario s =
        journey({M("a", 0.6, 0.2).dwell(1, 3), M("b", 0.5, 0.3).dwell(2, 6).negative_to(to({{0, 1.0}, {kLost, 1.0}})),
                 M("c", 0.7, 0.1).purchase().dwell(4, 4)});
    s.segments = {segment("warm", 1.0, 0.5), segment("cold", 2.0, -0.5)};
    s.segments[0].initial_impression = 0.3;
    s.beta = 0.5;
    s.arrivals_per_tick = 60;
    s.ticks = 80;
    return s;
}
}  // namespace

TEST_CASE("wheel: every customer is visited once, due within its moment's dwell, and the mean impression is theirs") {
    Simulation sim(wheel_journey(), 7);
    for (int t = 0; t < 40; ++t) {
        sim.step();
        std::int64_t n = 0;
        double sum = 0;
        std::vector<std::int64_t> at(3, 0);
        bool within = true;
        sim.for_each_customer([&](const Customer& c, int left) {
            ++n;
            sum += c.impression;
            ++at[static_cast<std::size_t>(c.moment)];
            within =
                within && left >= 1 && left <= sim.scenario().moments[static_cast<std::size_t>(c.moment)].dwell_max;
        });
        CHECK(n == sim.active());
        CHECK(within);
        CHECK(sim.series().back().mean_impression ==
              doctest::Approx(n ? sum / static_cast<double>(n) : 0.0).epsilon(1e-6));
        // Who is at each moment now is everyone who entered it minus everyone who finished it.
        for (std::size_t m = 0; m < 3; ++m) {
            const MomentStats& st = sim.moments()[m];
            CHECK(at[m] == st.entered - st.positive - st.neutral - st.negative);
        }
    }
}

TEST_CASE(
    "wheel: a shorter maximum dwell cuts the remaining dwell, a longer one grows the wheel, a copy runs on alike") {
    Scenario s = wheel_journey();
    Simulation sim(s, 3);
    sim.run(20);
    const std::int64_t before = sim.active();
    s.moments[1].dwell_min = 1;
    s.moments[1].dwell_max = 2;
    REQUIRE(sim.update_parameters(s));
    CHECK(sim.active() == before);
    sim.for_each_customer(
        [&](const Customer& c, int left) { CHECK(left <= s.moments[static_cast<std::size_t>(c.moment)].dwell_max); });
    s.moments[2].dwell_min = s.moments[2].dwell_max = 40;  // beyond the old wheel
    REQUIRE(sim.update_parameters(s));
    CHECK(sim.active() == before);
    sim.run(5);
    int longest = 0;
    sim.for_each_customer([&](const Customer&, int left) { longest = std::max(longest, left); });
    CHECK(longest > 30);  // customers entering c now wait 40 ticks

    Simulation copy = sim;  // blocks and slots copied, not shared
    sim.run(30);
    copy.run(30);
    CHECK(copy.digest() == sim.digest());
    CHECK(copy.customer_ids() == sim.customer_ids());
}

TEST_CASE("wheel: memory held stays within 32 bytes a customer for a large crowd") {
    Scenario s = journey({M("a", 0.6, 0.2).dwell(1, 3), M("b", 0.6, 0.2).dwell(1, 3)});
    s.initial = 300000;
    s.max_customers = s.initial;
    s.arrivals_per_tick = 0;
    Simulation sim(s, 1);
    sim.run(2);
    REQUIRE(sim.active() > 100000);
    CHECK(static_cast<double>(sim.memory_bytes()) / static_cast<double>(sim.active()) <= 32.0);
}

TEST_CASE("impressions within a float's error of a threshold count as on it") {
    // 0.15 + 0.15 kept as a float may come out a hair under 0.3: still a passive (score 7).
    CHECK(nps_score(0.3 - 3e-8) == 7);
    CHECK(nps_score(0.29) == 6);
    CHECK(nps_score(0.7 - 3e-8) == 9);
    CHECK(is_advocate(0.5 - 3e-8, 0.5));
    CHECK_FALSE(is_advocate(0.49, 0.5));
    CHECK_FALSE(review_is_positive(2e-8));
    CHECK(review_is_positive(0.01));
}

TEST_CASE("stories with magic, causes, reviews and shifted odds: every event follows from the last") {
    Scenario s = journey({M("ad", 0.6, 0.2).magic(0.3),
                          M("desk", 0.5, 0.3).dwell(1, 3).negative_to(to({{2, 1.0}, {kLost, 1.0}})),
                          M("recovery", 0.6, 0.2).magic(0.5).positive_to(to(1)), M("review", 0.6, 0.2)});
    s.moments[1].causes = {Cause{"rude", 2.0}, Cause{"slow", 1.0}};
    s.moments[3].review = 0.7;
    s.moments[0].reads_reviews = true;
    s.beta = 0.7;
    s.gamma = 1.0;
    s.segments = {segment("warm", 1.0, 0.6), segment("cold", 1.0, -0.6)};
    s.arrivals_per_tick = 40;
    s.ticks = 60;
    Simulation plain(s, 5), watched(s, 5);
    for (std::uint32_t id = 0; id < 400; id += 7) watched.watch(id);
    plain.run_to_end();
    watched.run_to_end();
    CHECK(plain.digest() == watched.digest());  // watching changes nothing

    std::map<std::uint32_t, const StoryEvent*> last;
    int magic = 0, causes = 0, reviews = 0;
    for (const StoryEvent& e : watched.story_events()) {
        const StoryEvent* before = last[e.customer];
        last[e.customer] = &e;
        if (!before) {
            CHECK(e.moment == -1);  // arrival first
            continue;
        }
        REQUIRE(e.moment >= 0);
        CHECK(e.moment == before->target);  // where the last event sent it
        const Moment& mo = s.moments[static_cast<std::size_t>(e.moment)];
        // The impression moved by this outcome's impact (clamped), as stored.
        const double expected =
            std::clamp(static_cast<double>(before->impression) + mo.impact[static_cast<int>(e.outcome)], -1.0, 1.0);
        CHECK(e.impression == doctest::Approx(expected).epsilon(1e-6));
        CHECK((e.outcome != Outcome::Magic || mo.magic > 0.0));
        CHECK((e.cause >= 0) == (e.outcome == Outcome::Negative && !mo.causes.empty()));
        CHECK((!e.review || mo.review > 0.0));
        magic += e.outcome == Outcome::Magic;
        causes += e.cause >= 0;
        reviews += e.review;
    }
    CHECK(magic > 0);  // each kind of event happened to someone watched
    CHECK(causes > 0);
    CHECK(reviews > 0);
}
