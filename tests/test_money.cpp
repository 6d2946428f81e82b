// v2 money (engine/money.h): revenue, cost, profit and value per customer of a run and of the
// exact analysis, the per-tick series, and "where to invest" ranked by profit per unit of
// improvement cost. Every expected number is worked out by hand in the comment above it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/analysis.h"
#include "engine/cohort.h"
#include "engine/experiments.h"
#include "engine/money.h"
#include "engine/simulation.h"
#include "scenario_builders.h"

using namespace motsim;
using namespace motsim::test;

namespace {

// ad (p+ 0.5, p- 0.5) -> shop (p+ 0.8, p- 0.2, purchase, magic 0.25) -> done.
// Revenue 10 per purchase; a visit costs 1 at the ad and 2 at the shop, a moment of magic 4.
Scenario priced_journey() {
    Scenario s = journey({M("ad", 0.5, 0.5), M("shop", 0.8, 0.2).purchase().magic(0.25)});
    s.money.enabled = true;
    s.money.revenue = 10.0;
    s.moments[0].cost.visit = 1.0;
    s.moments[1].cost.visit = 2.0;
    s.moments[1].cost.magic = 4.0;
    return s;
}

const RankEntry& entry(const RankResult& r, const char* id) {
    const auto it = std::find_if(r.entries.begin(), r.entries.end(), [&](const RankEntry& e) { return e.id == id; });
    REQUIRE(it != r.entries.end());
    return *it;
}

}  // namespace

TEST_CASE("money: the ledger of a run's counts, agent and cohort numbers alike") {
    const Scenario s = priced_journey();
    // 100 arrivals; 100 entered the ad and 60 the shop, 5 moments of magic there; 30 purchases.
    // revenue 30 x 10 = 300; visits 100 x 1 + 60 x 2 = 220; magic 5 x 4 = 20; cost 240;
    // profit 60; per customer 60 / 100 = 0.6.
    Totals t;
    t.arrivals = 100;
    t.purchases = 30;
    std::vector<MomentStats> ms(2);
    ms[0].entered = 100;
    ms[1].entered = 60;
    ms[1].magic = 5;
    const Ledger l = ledger_of(s, t, ms);
    CHECK(l.enabled);
    CHECK(l.revenue == doctest::Approx(300.0));
    CHECK(l.visit_cost == doctest::Approx(220.0));
    CHECK(l.magic_cost == doctest::Approx(20.0));
    CHECK(l.cost == doctest::Approx(240.0));
    CHECK(l.profit == doctest::Approx(60.0));
    CHECK(l.customers == doctest::Approx(100.0));
    CHECK(l.per_customer == doctest::Approx(0.6));

    // The cohort engine's fractional counts: 2.5 arrivals, 1.5 purchases, 2.5 and 1 entered,
    // 0.5 magic: revenue 15, cost 2.5 + 2 + 2 = 6.5, profit 8.5, per customer 3.4.
    CohortTotals ct;
    ct.arrivals = 2.5;
    ct.purchases = 1.5;
    std::vector<CohortMomentStats> cm(2);
    cm[0].entered = 2.5;
    cm[1].entered = 1.0;
    cm[1].magic = 0.5;
    const Ledger c = ledger_of(s, ct, cm);
    CHECK(c.profit == doctest::Approx(8.5));
    CHECK(c.per_customer == doctest::Approx(3.4));

    // Nobody arrived: no value per customer (not a division by zero).
    const Ledger none = ledger_of(s, Totals{}, std::vector<MomentStats>(2));
    CHECK(none.profit == 0.0);
    CHECK(none.per_customer == 0.0);
}

TEST_CASE("money: a run where every outcome is certain, and its per-tick series") {
    // Everyone passes both moments (p+ = 1) and every positive is magic: 500 customers enter the
    // ad and the shop once, buy once and get one moment of magic at the shop. revenue 5000,
    // visits 500 x 1 + 500 x 2 = 1500, magic 500 x 4 = 2000, profit 1500, per customer 3.
    Scenario s = priced_journey();
    s.moments[0].positive = 1.0;
    s.moments[0].negative = 0.0;
    s.moments[1].positive = 1.0;
    s.moments[1].negative = 0.0;
    s.moments[1].magic = 1.0;
    s.initial = 500;
    s.arrivals_per_tick = 0;
    s.ticks = 6;
    Simulation sim(s, 3);
    ProfitSeries series;
    for (int t = 0; t < s.ticks; ++t) {
        sim.step();
        series.record(sim);
    }
    const Ledger l = ledger_of(s, sim.totals(), sim.moments());
    CHECK(l.revenue == doctest::Approx(5000.0));
    CHECK(l.cost == doctest::Approx(3500.0));
    CHECK(l.profit == doctest::Approx(1500.0));
    CHECK(l.per_customer == doctest::Approx(3.0));
    // The series has one row a tick and adds up to the run's ledger.
    REQUIRE(series.profit().size() == 6);
    double profit = 0, revenue = 0, cost = 0;
    for (std::size_t t = 0; t < 6; ++t) {
        profit += series.profit()[t];
        revenue += series.revenue()[t];
        cost += series.cost()[t];
        CHECK(series.profit()[t] == doctest::Approx(series.revenue()[t] - series.cost()[t]));
    }
    CHECK(profit == doctest::Approx(1500.0));
    CHECK(revenue == doctest::Approx(5000.0));
    CHECK(cost == doctest::Approx(3500.0));
    // Money is spent before it is earned: in tick 0 the 500 enter the ad, finish it (a dwell of
    // one tick) and enter the shop: -500 x 1 - 500 x 2 = -1500 and nothing sold; in tick 1
    // they finish the shop: 5000 revenue, 2000 of magic, +3000; then nothing happens.
    CHECK(series.profit()[0] == doctest::Approx(-1500.0));
    CHECK(series.profit()[1] == doctest::Approx(3000.0));
    CHECK(series.profit()[2] == 0.0);
    // The run's summary carries the same ledger.
    const RunSummary r = run_once(s, 3);
    CHECK(r.money.profit == doctest::Approx(1500.0));
}

TEST_CASE("money: exactly, per arriving customer, from the analysis") {
    const Scenario s = priced_journey();
    const Analysis a = analyze(s);
    REQUIRE(a.ok);
    // Visits: ad 1, shop 0.5; purchases 0.5 x 0.8 = 0.4; magic 0.5 x 0.8 x 0.25 = 0.1.
    // revenue 0.4 x 10 = 4; visits 1 x 1 + 0.5 x 2 = 2; magic 0.1 x 4 = 0.4; profit 1.6.
    const Ledger l = exact_ledger(s, a);
    CHECK(l.revenue == doctest::Approx(4.0));
    CHECK(l.visit_cost == doctest::Approx(2.0));
    CHECK(l.magic_cost == doctest::Approx(0.4));
    CHECK(l.profit == doctest::Approx(1.6));
    CHECK(l.per_customer == doctest::Approx(1.6));
    // The agent engine agrees within its error: profit per customer of 20000 customers. A
    // customer's profit is one of -1 (lost at the ad), -3 (lost at the shop), 7 (bought) and
    // 3 (bought with magic): its sd is below 5, so 4 standard errors are below 0.15.
    Scenario big = s;
    big.initial = 20000;
    big.arrivals_per_tick = 0;
    big.max_customers = 20000;
    big.ticks = 5;
    const RunSummary r = run_once(big, 11);
    CHECK(std::fabs(r.money.per_customer - 1.6) < 0.15);

    // improvement_cost: cost.improve per 0.01 gained.
    Scenario c = s;
    c.moments[1].cost.improve = 3.0;
    CHECK(improvement_cost(c, 1, 0.05) == doctest::Approx(15.0));
    CHECK(improvement_cost(c, 0, 0.05) == 0.0);
    CHECK(improvement_cost(c, 7, 0.05) == 0.0);
}

TEST_CASE("rank by profit: the cheap improvement beats the more effective, costly one") {
    // ad (p+ 0.8, p- 0.2) -> shop (p+ 0.4, p- 0.6, purchase): purchases per customer
    // 0.8 x 0.4 = 0.32. Raising the ad by 0.05 adds 0.05 x 0.4 = 0.02 purchases per customer,
    // the shop 0.05 x 0.8 = 0.04: the shop is twice as effective and ranks first by purchases.
    // But the ad costs 1 per 0.01 (a step of 0.05: 5) and the shop 10 (a step: 50). With
    // revenue 100 and 2000 customers a run gains 2000 x 0.02 x 100 = 4000 at the ad (800 per
    // unit of cost) and 8000 at the shop (160 per unit): the ad ranks first by profit. The
    // "search" moment in between (p+ 1) has no improvement cost and is not a candidate.
    Scenario s = journey({M("ad", 0.8, 0.2), M("search", 1.0, 0.0), M("shop", 0.4, 0.6).purchase()});
    s.money.enabled = true;
    s.money.revenue = 100.0;
    s.moments[0].cost.improve = 1.0;
    s.moments[2].cost.improve = 10.0;
    s.initial = 2000;
    s.arrivals_per_tick = 0;
    s.max_customers = 2000;
    s.ticks = 6;
    ExperimentOptions o;
    o.runs = 12;
    o.master_seed = 9;
    o.threads = 2;

    const RankResult by_purchases = rank(s, 0.05, o);
    REQUIRE(by_purchases.entries.size() == 3);
    CHECK(by_purchases.entries[0].id == "shop");

    const RankResult r = rank(s, 0.05, o, RankBy::Profit);
    CHECK(r.by == RankBy::Profit);
    CHECK(r.runs == 12);
    REQUIRE(r.entries.size() == 2);  // not "search": no improvement cost
    CHECK(r.entries[0].id == "ad");
    CHECK(r.entries[1].id == "shop");
    const RankEntry& ad = entry(r, "ad");
    const RankEntry& shop = entry(r, "shop");
    CHECK(ad.improve_cost == doctest::Approx(5.0));
    CHECK(shop.improve_cost == doctest::Approx(50.0));
    // Exact gains per customer: 0.02 x 100 = 2 and 0.04 x 100 = 4 (the shop earns more).
    CHECK(ad.exact_profit_gain == doctest::Approx(2.0));
    CHECK(shop.exact_profit_gain == doctest::Approx(4.0));
    CHECK(shop.profit_gain.mean > ad.profit_gain.mean);
    // The simulated, paired gains are near 4000 and 8000: even unpaired, a difference of two
    // runs' purchases (binomial, p near 0.34) has sd below sqrt(2 x 2000 x 0.34 x 0.66) = 30,
    // 3000 in profit, so 12 runs' mean is within 4 x 3000 / sqrt(12) = 3464 of it. Per unit of
    // cost the intervals do not overlap.
    CHECK(std::fabs(ad.profit_gain.mean - 4000.0) < 3464.0);
    CHECK(std::fabs(shop.profit_gain.mean - 8000.0) < 3464.0);
    CHECK(ad.profit_per_cost.mean == doctest::Approx(ad.profit_gain.mean / 5.0));
    CHECK(ad.profit_per_cost.lo > shop.profit_per_cost.hi);
    // The base: 2000 x 0.32 x 100 = 64000 per run, 32 per customer exactly.
    // A run's purchases are binomial (2000, 0.32): sd 20.9, so the profit's is 2090 and the
    // mean of 12 runs is within 4 x 2090 / sqrt(12) = 2413 of 64000.
    CHECK(std::fabs(r.base_profit.mean - 64000.0) < 2413.0);
    CHECK(r.exact_base_profit == doctest::Approx(32.0));
    // The purchases effect is still measured, the same bits as the ranking by purchases (same
    // seeds, same variants).
    CHECK(ad.effect.mean == entry(by_purchases, "ad").effect.mean);

    // Nothing to invest in: no moment has an improvement cost.
    Scenario free = s;
    for (Moment& m : free.moments) m.cost.improve = 0.0;
    CHECK(rank(free, 0.05, o, RankBy::Profit).entries.empty());
    CHECK(std::string(rank_by_name(RankBy::Profit)) == "profit");
}
