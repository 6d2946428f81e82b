// The v2 model in the agent engine (../shared/docs/model.md, "v2"; docs/model.md): loyal
// customers who come back, the finite market, reviews by NPS group, who is asked for the NPS,
// and advocates whatever the referral settings. Each expectation is worked out from the model,
// not read off a run.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/metrics.h"
#include "engine/parameters.h"
#include "engine/simulation.h"
#include "io/loader.h"
#include "scenario_builders.h"

using namespace motsim;
using namespace motsim::test;

namespace {

// `n` customers at tick 0 and nobody after.
Scenario crowd(Scenario s, std::int64_t n, int ticks = 60) {
    s.initial = n;
    s.arrivals_per_tick = 0;
    s.max_customers = n;
    s.ticks = ticks;
    return s;
}

// z-score of a binomial count k of n trials at probability p.
double z_of(double k, double n, double p) { return (k - n * p) / std::sqrt(n * p * (1 - p)); }

}  // namespace

TEST_CASE("loyalty: everyone who finishes comes back after the delay, keeping impression and purchases") {
    // One purchase moment, always positive: done at tick 0 with s = 0.2, back at tick 5 (delay 5),
    // done again at tick 5 with s = 0.4, back at 10 ... until the run ends at tick 12.
    Scenario s = crowd(journey({M("shop", 1.0, 0.0).purchase()}), 1000, 12);
    s.loyalty.enabled = true;
    s.loyalty.return_to = to(0);
    s.loyalty.after_min = s.loyalty.after_max = 5;
    s.loyalty.base = 1.0;
    Simulation sim(s);
    sim.run_to_end();
    const Totals& t = sim.totals();
    CHECK(t.arrivals == 1000);          // returners are not arrivals
    CHECK(t.returns == 2000);           // at ticks 5 and 10
    CHECK(t.done == 3000);              // ticks 0, 5, 10
    CHECK(t.purchases == 3000);         // each visit buys
    CHECK(t.waiting == 1000);           // due back at tick 15, after the end
    CHECK(t.buyers[0] == 1000);         // everyone bought at least once
    CHECK(t.buyers[1] == 1000);         // ... twice
    CHECK(t.buyers[2] == 1000);         // ... three times
    CHECK(sim.series()[5].returns == 1000);
    CHECK(sim.series()[4].returns == 0);
    // NPS: each customer counted once, by its latest departure (s = 0.6: score 8, a passive).
    CHECK(t.promoters + t.passives + t.detractors == 1000);
    CHECK(t.passives == 1000);
    // Nobody is in the journey at the end: everyone left at tick 10 and waits.
    CHECK(sim.active() == 0);
}

TEST_CASE("loyalty: lost customers never come back, and base 0 brings nobody back") {
    Scenario s = crowd(journey({M("shop", 0.0, 1.0)}), 500, 30);
    s.loyalty.enabled = true;
    s.loyalty.return_to = to(0);
    s.loyalty.base = 1.0;
    s.loyalty.after_min = s.loyalty.after_max = 1;
    Simulation lost(s);
    lost.run_to_end();
    CHECK(lost.totals().lost == 500);
    CHECK(lost.totals().returns == 0);

    Scenario z = crowd(journey({M("shop", 1.0, 0.0)}), 500, 30);
    z.loyalty.enabled = true;
    z.loyalty.return_to = to(0);
    z.loyalty.base = 0.0;
    z.loyalty.impression = 5.0;
    Simulation none(z);
    none.run_to_end();
    CHECK(none.totals().done == 500);
    CHECK(none.totals().returns == 0);
    CHECK(none.totals().waiting == 0);
}

TEST_CASE("loyalty: the chance of coming back is sigmoid(logit(base) + impression x s)") {
    // Everyone finishes at tick 0 with s = 0.5 (impact +0.5); r = sigmoid(logit(0.3) + 2 x 0.5).
    Scenario s = crowd(journey({M("shop", 1.0, 0.0)}), 40000, 3);
    s.moments[0].impact[0] = 0.5;
    s.loyalty.enabled = true;
    s.loyalty.return_to = to(0);
    s.loyalty.after_min = 1;
    s.loyalty.after_max = 2;
    s.loyalty.base = 0.3;
    s.loyalty.impression = 2.0;
    const double r = 1.0 / (1.0 + std::exp(-(std::log(0.3 / 0.7) + 1.0)));
    CHECK(return_probability(0.3, 2.0, 0.5) == doctest::Approx(r).epsilon(1e-12));
    Simulation sim(s);
    sim.run(1);  // tick 0: everyone finishes and decides
    const double back = static_cast<double>(sim.totals().waiting);
    CHECK(std::fabs(z_of(back, 40000, r)) < 4.5);
    // The delay is uniform over 1..2: about half come back at tick 1.
    sim.run(1);
    CHECK(std::fabs(z_of(static_cast<double>(sim.series()[1].returns), back, 0.5)) < 4.5);
}

TEST_CASE("market: arrivals come from the people who never came, Binomial(U, h)") {
    // Advertising only (q = r = 0): the expected number reached by the end of tick t is
    // M (1 - (1 - p)^(t+1)), and never more than M.
    Scenario s = journey({M("ad", 0.5, 0.5)});
    s.arrivals_per_tick = 0;
    s.market.enabled = true;
    s.market.size = 200000;
    s.market.advertising = 0.02;
    s.max_customers = s.market.size;
    s.ticks = 100;
    Simulation sim(s);
    sim.run_to_end();
    const double p_reached = 1.0 - std::pow(0.98, 100);
    CHECK(std::fabs(z_of(static_cast<double>(sim.totals().arrivals), 200000, p_reached)) < 4.5);
    CHECK(sim.totals().arrivals <= 200000);
    // A tiny market is used up.
    Scenario small = s;
    small.market.size = 50;
    small.max_customers = 50;
    small.market.advertising = 0.9;
    Simulation all(small);
    all.run_to_end();
    CHECK(all.totals().arrivals == 50);
}

TEST_CASE("market: advocates' word of mouth speeds adoption, critics slow it") {
    Scenario s = journey({M("try", 1.0, 0.0)});
    s.moments[0].impact[0] = 1.0;  // everyone an advocate when done
    s.arrivals_per_tick = 0;
    s.market = Market{true, 100000, 0.01, 0.0, 0.0};
    s.max_customers = 100000;
    s.ticks = 30;
    Simulation plain(s);
    plain.run_to_end();
    s.market.word_of_mouth = 0.5;
    Simulation wom(s);
    wom.run_to_end();
    CHECK(wom.totals().market_advocates == wom.totals().arrivals);
    CHECK(wom.totals().arrivals > plain.totals().arrivals + 10000);

    Scenario c = journey({M("try", 0.0, 1.0)});
    c.moments[0].impact[2] = -1.0;  // everyone a critic
    c.arrivals_per_tick = 0;
    c.market = Market{true, 100000, 0.05, 0.0, 0.0};
    c.max_customers = 100000;
    c.ticks = 30;
    Simulation quiet(c);
    quiet.run_to_end();
    c.market.negative = 1.0;
    Simulation bad(c);
    bad.run_to_end();
    CHECK(bad.totals().market_critics == bad.totals().arrivals);
    CHECK(bad.totals().arrivals < quiet.totals().arrivals - 10000);
}

TEST_CASE("reviews by NPS group: only the group asked to write does") {
    // Everyone ends as a detractor (s = -0.3) or a promoter (s = +1) at random.
    Scenario s = crowd(journey({M("stay", 0.5, 0.5)}), 20000, 5);
    s.moments[0].impact = {1.0, 0.0, -0.3, 1.0};
    s.moments[0].review = 1.0;
    s.moments[0].review_by_group = true;
    s.moments[0].review_group = {1.0, 0.0, 0.0};  // detractors only
    Simulation sim(s);
    sim.run_to_end();
    const MomentStats& m = sim.moments()[0];
    CHECK(sim.totals().reviews_positive == 0);
    CHECK(sim.totals().reviews_negative == m.negative);
    CHECK(m.reviews == m.negative);
}

TEST_CASE("NPS: asked buyers by default, undefined when nobody was asked") {
    Scenario s = crowd(journey({M("look", 0.5, 0.5), M("buy", 1.0, 0.0).purchase()}), 4000, 10);
    Simulation buyers(s);
    buyers.run_to_end();
    const Totals& b = buyers.totals();
    // Those lost at "look" never bought: only the buyers (all done) are asked.
    CHECK(b.promoters + b.passives + b.detractors == b.done);
    CHECK(b.done > 0);

    Scenario e = s;
    e.nps_asked = NpsAsked::Everyone;
    Simulation everyone(e);
    everyone.run_to_end();
    const Totals& t = everyone.totals();
    CHECK(t.promoters + t.passives + t.detractors == t.done + t.lost);

    Scenario f = s;
    f.moments[1].purchase = false;
    f.nps_asked = NpsAsked::Finished;
    Simulation finished(f);
    finished.run_to_end();
    const Totals& d = finished.totals();
    CHECK(d.promoters + d.passives + d.detractors == d.done);

    Scenario none = s;
    none.moments[1].purchase = false;  // nobody buys, buyers asked: nobody asked
    Simulation nobody(none);
    nobody.run_to_end();
    CHECK(std::isnan(nobody.totals().nps()));
    CHECK(std::isnan(nobody.series().back().nps));
}

TEST_CASE("advocates are counted whatever the referral settings") {
    Scenario s = crowd(journey({M("stay", 0.8, 0.1)}), 5000, 10);
    s.moments[0].impact[0] = 0.6;
    s.referral_ticks = 30;
    Simulation with(s);
    with.run_to_end();
    s.referral_ticks = 0;
    Simulation without(s);
    without.run_to_end();
    CHECK(with.totals().advocates > 3000);
    CHECK(without.totals().advocates == with.totals().advocates);  // the same draws
}

TEST_CASE("a v2 scenario loads, runs and keeps its counts consistent") {
    const auto r = io::load_scenario(R"({"motsim": 1, "ticks": 200, "seed": 4,
      "market": {"size": 50000, "advertising": 0.01, "word_of_mouth": 0.4, "negative": 0.2},
      "loyalty": {"return_to": "look", "after": {"min": 10, "max": 20}, "base": 0.4, "impression": 1.5},
      "moments": [
        {"id": "look", "positive": 0.6, "negative": 0.2},
        {"id": "buy", "positive": 0.7, "negative": 0.1, "purchase": true},
        {"id": "use", "positive": 0.5, "negative": 0.3, "magic": 0.2,
         "review": {"promoter": 0.1, "passive": 0.02, "detractor": 0.3}}]})");
    REQUIRE(r.scenario);
    Simulation sim(*r.scenario);
    sim.run_to_end();
    const Totals& t = sim.totals();
    CHECK(t.arrivals <= 50000);
    CHECK(t.returns > 0);
    // Everyone is in the journey or has left as often as it came (those waiting to come back
    // left once more than they returned).
    CHECK(sim.active() + (t.done + t.lost - t.returns) == t.arrivals);
    CHECK(t.waiting <= t.done - t.returns);
    CHECK(t.buyers[0] >= t.buyers[1]);
    CHECK(t.buyers[1] >= t.buyers[2]);
    CHECK(t.promoters + t.passives + t.detractors <= t.buyers[0]);
    CHECK(t.market_advocates + t.market_critics <= t.arrivals);
    // Same seed, same numbers.
    Simulation again(*r.scenario);
    again.run_to_end();
    CHECK(again.digest() == sim.digest());
}

TEST_CASE("loyalty edits during a run: a longer delay keeps who waits, switching it off lets nobody back") {
    Scenario s = crowd(journey({M("shop", 1.0, 0.0)}), 1000, 40);
    s.loyalty.enabled = true;
    s.loyalty.return_to = to(0);
    s.loyalty.after_min = s.loyalty.after_max = 5;
    s.loyalty.base = 1.0;
    Simulation sim(s);
    sim.run(2);  // done at tick 0, due back at tick 5
    CHECK(sim.totals().waiting == 1000);
    Scenario longer = s;
    longer.loyalty.after_min = longer.loyalty.after_max = 30;
    REQUIRE(sim.update_parameters(longer));
    sim.run(4);  // ticks 2..5: the ones already waiting still come back at tick 5
    CHECK(sim.totals().returns == 1000);
    Scenario off = longer;
    off.loyalty = Loyalty{};
    REQUIRE(sim.update_parameters(off));
    sim.run_to_end();
    CHECK(sim.totals().returns == 1000);
}

TEST_CASE("the review-rate parameter scales the NPS groups' rates, keeping their proportions") {
    Scenario s = journey({M("stay", 0.5, 0.2)});
    s.moments[0].review_by_group = true;
    s.moments[0].review_group = {0.4, 0.2, 0.3};  // detractor, passive, promoter
    s.moments[0].review = 0.4;
    std::string error;
    REQUIRE(set_parameter(s, "/moments/stay/review", 0.2, error));
    CHECK(s.moments[0].review_group[0] == doctest::Approx(0.2));
    CHECK(s.moments[0].review_group[1] == doctest::Approx(0.1));
    CHECK(s.moments[0].review_group[2] == doctest::Approx(0.15));
    CHECK(get_parameter(s, "/moments/stay/review").value() == doctest::Approx(0.2));
    REQUIRE(set_parameter(s, "/moments/stay/review/promoter", 0.5, error));
    CHECK(s.moments[0].review_group[2] == 0.5);
    CHECK(get_parameter(s, "/moments/stay/review").value() == 0.5);
    CHECK(get_parameter(s, "/moments/stay/review/passive").value() == doctest::Approx(0.1));
    // A single rate becomes groups when one group is set.
    Scenario v1 = journey({M("stay", 0.5, 0.2)});
    v1.moments[0].review = 0.3;
    REQUIRE(set_parameter(v1, "/moments/stay/review/detractor", 0.6, error));
    CHECK(v1.moments[0].review_by_group);
    CHECK(v1.moments[0].review_group[1] == 0.3);
    CHECK(v1.moments[0].review_group[0] == 0.6);
    CHECK_FALSE(set_parameter(v1, "/moments/stay/review/detractor", 1.5, error));
}
