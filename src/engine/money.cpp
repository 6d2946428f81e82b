// v2 money (see money.h).
#include "engine/money.h"

namespace motsim {

Ledger exact_ledger(const Scenario& s, const Analysis& a) {
    Ledger l;
    l.enabled = s.money.enabled;
    if (!a.ok) return l;
    l.revenue = a.expected_purchases * s.money.revenue;
    for (std::size_t m = 0; m < s.moments.size(); ++m) {
        const MomentCost& c = s.moments[m].cost;
        if (m < a.expected_visits.size()) l.visit_cost += a.expected_visits[m] * c.visit;
        if (m < a.expected_magic.size()) l.magic_cost += a.expected_magic[m] * c.magic;
    }
    l.cost = l.visit_cost + l.magic_cost;
    l.profit = l.revenue - l.cost;
    l.customers = 1.0;
    l.per_customer = l.profit;
    return l;
}

}  // namespace motsim
