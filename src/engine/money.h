// v2 money (model.md "Money"): what a run earned and spent, from its counts and the scenario.
//
//   revenue      = purchases x money.revenue
//   visit cost   = sum over moments of entered x cost.visit   (returns enter again and pay again)
//   magic cost   = sum over moments of magic x cost.magic
//   profit       = revenue - visit cost - magic cost
//   per customer = profit / customers, where customers are the run's ARRIVALS (new customers,
//                  the initial crowd and referrals included; a loyal customer's returns are not
//                  counted again, so a returner's later purchases raise the value per customer)
//
// The same template reads the agent engine's numbers (Totals, MomentStats: integers) and the
// cohort engine's (CohortTotals, CohortMomentStats: fractional counts):
//
//   const Ledger l = ledger_of(sim.scenario(), sim.totals(), sim.moments());
//   const Ledger c = ledger_of(cohort.scenario(), cohort.totals(), cohort.moments());
//
// Per tick: a ProfitSeries fed after every step (profit.record(sim) or the totals and moments of
// any engine) keeps each tick's revenue, cost and profit (the difference of the cumulative
// ledger, so O(moments) per tick).
//
// Exactly, per arriving customer: exact_ledger(scenario, analyze(scenario)) from the exact
// analysis's expected visits, magic and purchases (over a customer's lifetime when loyalty is
// in the chain, see analysis.h); customers = 1 there.
//
// The numbers do not depend on Money::enabled (a scenario without a money block has revenue 0
// and its moments' costs, 0 by default); `enabled` is copied so a view knows whether to show
// them. Plain arithmetic, no randomness: deterministic everywhere.
#pragma once
#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "engine/analysis.h"
#include "engine/scenario.h"

namespace motsim {

struct Ledger {
    bool enabled = false;       // the scenario has a money block (Scenario::money.enabled)
    double revenue = 0.0;       // purchases x money.revenue
    double visit_cost = 0.0;    // sum over moments of entered x cost.visit
    double magic_cost = 0.0;    // sum over moments of magic x cost.magic
    double cost = 0.0;          // visit_cost + magic_cost
    double profit = 0.0;        // revenue - cost
    double customers = 0.0;     // arrivals (returns are not new customers)
    double per_customer = 0.0;  // profit / customers; 0 when nobody arrived
};

// Revenue, cost and profit of a run from its totals (.purchases, .arrivals) and per-moment
// stats (.entered, .magic), in the scenario's moment order. Moments beyond the shorter of the
// two lists are not counted.
template <class TotalsT, class MomentStatsT>
Ledger ledger_of(const Scenario& s, const TotalsT& totals, const std::vector<MomentStatsT>& moments) {
    Ledger l;
    l.enabled = s.money.enabled;
    l.revenue = static_cast<double>(totals.purchases) * s.money.revenue;
    const std::size_t n = std::min(s.moments.size(), moments.size());
    for (std::size_t m = 0; m < n; ++m) {
        const MomentCost& c = s.moments[m].cost;
        l.visit_cost += static_cast<double>(moments[m].entered) * c.visit;
        l.magic_cost += static_cast<double>(moments[m].magic) * c.magic;
    }
    l.cost = l.visit_cost + l.magic_cost;
    l.profit = l.revenue - l.cost;
    l.customers = static_cast<double>(totals.arrivals);
    l.per_customer = l.customers > 0.0 ? l.profit / l.customers : 0.0;
    return l;
}

// Per arriving customer, exactly: revenue x E[purchases], sum of E[visits] x cost.visit and
// E[magic] x cost.magic (lifetime values when the analysis includes loyalty). All zero when
// !a.ok.
Ledger exact_ledger(const Scenario& s, const Analysis& a);

// What one step of `improve` costs at moment m: cost.improve per 0.01 of positive probability
// gained, for a gain of `gain` (e.g. 0.05 -> 5 x cost.improve).
inline double improvement_cost(const Scenario& s, int m, double gain) {
    if (m < 0 || static_cast<std::size_t>(m) >= s.moments.size() || !(gain > 0.0)) return 0.0;
    return s.moments[static_cast<std::size_t>(m)].cost.improve * gain / 0.01;
}

// Per-tick money: call record() after every step (tick) of a run, from its first; each call
// appends that tick's revenue, cost and profit (the cumulative ledger minus the previous one).
class ProfitSeries {
public:
    template <class TotalsT, class MomentStatsT>
    void record(const Scenario& s, const TotalsT& totals, const std::vector<MomentStatsT>& moments) {
        const Ledger now = ledger_of(s, totals, moments);
        revenue_.push_back(now.revenue - last_.revenue);
        cost_.push_back(now.cost - last_.cost);
        profit_.push_back(now.profit - last_.profit);
        last_ = now;
    }
    // Any engine with scenario(), totals() and moments() (Simulation, Cohort).
    template <class Engine>
    void record(const Engine& e) {
        record(e.scenario(), e.totals(), e.moments());
    }
    const std::vector<double>& revenue() const { return revenue_; }  // per tick
    const std::vector<double>& cost() const { return cost_; }
    const std::vector<double>& profit() const { return profit_; }
    const Ledger& cumulative() const { return last_; }  // the ledger at the last record()
    void clear() { *this = ProfitSeries{}; }

private:
    Ledger last_;
    std::vector<double> revenue_, cost_, profit_;
};

}  // namespace motsim
