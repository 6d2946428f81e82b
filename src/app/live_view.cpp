#include "app/live_view.h"

namespace motsim::app {

LiveView view_of(const Simulation& sim) {
    LiveView v;
    v.agents = &sim;
    v.engine = "agents";
    v.tick = sim.tick();
    v.finished = sim.finished();
    const Totals& t = sim.totals();
    v.active = static_cast<double>(sim.active());
    v.arrivals = static_cast<double>(t.arrivals);
    v.referrals = static_cast<double>(t.referrals);
    v.purchases = static_cast<double>(t.purchases);
    v.done = static_cast<double>(t.done);
    v.lost = static_cast<double>(t.lost);
    v.reviews_positive = static_cast<double>(t.reviews_positive);
    v.reviews_negative = static_cast<double>(t.reviews_negative);
    v.advocates = static_cast<double>(t.advocates);
    v.nps = t.nps();
    v.rating = sim.rating();
    v.returns = static_cast<double>(t.returns);
    v.waiting = static_cast<double>(t.waiting);
    v.market_advocates = static_cast<double>(t.market_advocates);
    v.market_critics = static_cast<double>(t.market_critics);
    for (std::size_t k = 0; k < 3; ++k) v.buyers[k] = static_cast<double>(t.buyers[k]);
    for (const MomentStats& m : sim.moments())
        v.moments.push_back({static_cast<double>(m.entered), static_cast<double>(m.positive),
                             static_cast<double>(m.neutral), static_cast<double>(m.negative),
                             static_cast<double>(m.magic), static_cast<double>(m.lost_after),
                             static_cast<double>(m.purchases)});
    return v;
}

LiveView view_of(const Cohort& c) {
    LiveView v;
    v.cohort = &c;
    v.engine = c.mode() == CohortMode::Expected ? "expected" : "cohort";
    v.tick = c.tick();
    v.finished = c.finished();
    const CohortTotals& t = c.totals();
    v.active = c.active();
    v.arrivals = t.arrivals;
    v.referrals = t.referrals;
    v.purchases = t.purchases;
    v.done = t.done;
    v.lost = t.lost;
    v.reviews_positive = t.reviews_positive;
    v.reviews_negative = t.reviews_negative;
    v.advocates = t.advocates;
    v.nps = t.nps();
    v.rating = c.rating();
    v.returns = t.returns;
    v.waiting = t.waiting;
    v.market_advocates = t.market_advocates;
    v.market_critics = t.market_critics;
    v.buyers = t.buyers;
    for (const CohortMomentStats& m : c.moments())
        v.moments.push_back({m.entered, m.positive, m.neutral, m.negative, m.magic, m.lost_after, m.purchases});
    return v;
}

std::size_t LiveView::ticks_recorded() const {
    return agents ? agents->series().size() : cohort ? cohort->series().size() : 0;
}

double LiveView::occupancy(std::size_t t, std::size_t m) const {
    const std::size_t nm = moments.size();
    if (agents) return static_cast<double>(agents->occupancy()[t * nm + m]);
    return cohort ? cohort->occupancy()[t * nm + m] : 0.0;
}

double LiveView::nps_at(std::size_t t) const {
    return agents ? agents->series()[t].nps : cohort ? cohort->series()[t].nps : 0.0;
}

double LiveView::rating_at(std::size_t t) const {
    return agents ? agents->series()[t].rating : cohort ? cohort->series()[t].rating : 0.0;
}

double LiveView::mean_impression_at(std::size_t t) const {
    return agents ? agents->series()[t].mean_impression : cohort ? cohort->series()[t].mean_impression : 0.0;
}

double LiveView::arrivals_at(std::size_t t) const {
    return agents ? static_cast<double>(agents->series()[t].arrivals) : cohort ? cohort->series()[t].arrivals : 0.0;
}

double LiveView::returns_at(std::size_t t) const {
    return agents ? static_cast<double>(agents->series()[t].returns) : cohort ? cohort->series()[t].returns : 0.0;
}

double LiveView::waiting_at(std::size_t t) const {
    return agents ? static_cast<double>(agents->series()[t].waiting) : cohort ? cohort->series()[t].waiting : 0.0;
}

double LiveView::market_advocates_at(std::size_t t) const {
    return agents   ? static_cast<double>(agents->series()[t].market_advocates)
           : cohort ? cohort->series()[t].market_advocates
                    : 0.0;
}

double LiveView::market_critics_at(std::size_t t) const {
    return agents   ? static_cast<double>(agents->series()[t].market_critics)
           : cohort ? cohort->series()[t].market_critics
                    : 0.0;
}

std::vector<double> LiveView::live_histogram() const {
    std::vector<double> out;
    if (agents)
        for (std::int64_t n : agents->live_histogram()) out.push_back(static_cast<double>(n));
    if (cohort) out = cohort->live_histogram();
    return out;
}

}  // namespace motsim::app
