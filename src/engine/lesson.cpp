#include "engine/lesson.h"

#include <cstdio>

#include "engine/money.h"

namespace motsim {

const std::vector<std::string>& lesson_metric_names() {
    static const std::vector<std::string> names{"conversion", "nps",      "rating",    "done_share", "lost_share",
                                                "purchases",  "arrivals", "advocates", "referrals",
                                                "profit",     "revenue",  "returns"};
    return names;
}

bool lesson_metric(const Simulation& sim, const std::string& metric, double& out) {
    const Totals& t = sim.totals();
    const double arrivals = static_cast<double>(t.arrivals);
    const double left = static_cast<double>(t.done + t.lost);
    if (metric == "conversion")
        out = arrivals > 0 ? static_cast<double>(t.purchases) / arrivals : 0.0;
    else if (metric == "nps")
        out = t.nps();
    else if (metric == "rating")
        out = sim.rating();
    else if (metric == "done_share")
        out = left > 0 ? static_cast<double>(t.done) / left : 0.0;
    else if (metric == "lost_share")
        out = left > 0 ? static_cast<double>(t.lost) / left : 0.0;
    else if (metric == "purchases")
        out = static_cast<double>(t.purchases);
    else if (metric == "arrivals")
        out = arrivals;
    else if (metric == "advocates")
        out = static_cast<double>(t.advocates);
    else if (metric == "referrals")
        out = static_cast<double>(t.referrals);
    else if (metric == "profit" || metric == "revenue") {
        const Ledger l = ledger_of(sim.scenario(), t, sim.moments());
        out = metric == "profit" ? l.profit : l.revenue;
    } else if (metric == "returns")
        out = static_cast<double>(t.returns);
    else
        return false;
    return true;
}

namespace {
bool same_route(const Route& a, const Route& b) { return a.targets == b.targets && a.weights == b.weights; }
}  // namespace

bool same_moment(const Moment& a, const Moment& b) {
    if (a.positive != b.positive || a.negative != b.negative || a.magic != b.magic || a.dwell_min != b.dwell_min ||
        a.dwell_max != b.dwell_max || a.impact != b.impact || a.reads_reviews != b.reads_reviews ||
        a.purchase != b.purchase || a.review != b.review)
        return false;
    for (int o = 0; o < 3; ++o)
        if (!same_route(a.next[static_cast<std::size_t>(o)], b.next[static_cast<std::size_t>(o)])) return false;
    return true;
}

std::vector<std::string> changed_moments(const Scenario& base, const Scenario& now) {
    std::vector<std::string> out;
    for (const Moment& m : now.moments) {
        const int i = base.find_moment(m.id);
        if (i < 0 || !same_moment(base.moments[static_cast<std::size_t>(i)], m)) out.push_back(m.id);
    }
    return out;
}

StepResult check_step(const LessonStep& step, const Scenario& base, const Scenario& now, std::uint64_t seed) {
    Simulation sim(now, seed);
    sim.run_to_end();
    return evaluate_step(step, base, now, sim);
}

StepResult evaluate_step(const LessonStep& step, const Scenario& base, const Scenario& now, const Simulation& sim) {
    StepResult r;
    r.met = true;
    char buf[160];
    for (const LessonGoal& g : step.goals) {
        double v = 0;
        const bool known = lesson_metric(sim, g.metric, v);
        r.values.push_back(v);
        const bool ok = known && (g.at_least ? v >= g.value : v <= g.value);
        r.met = r.met && ok;
        // An undefined value (NPS while nobody was asked) reads "-", never "nan".
        char value[32] = "-";
        if (v == v) std::snprintf(value, sizeof value, "%.4g", v);
        std::snprintf(buf, sizeof buf, "%s%s %s (goal %s %.4g)", r.detail.empty() ? "" : "; ", g.metric.c_str(), value,
                      g.at_least ? ">=" : "<=", g.value);
        r.detail += buf;
    }
    r.changed = static_cast<int>(changed_moments(base, now).size());
    if (step.max_changed_moments >= 0) {
        const bool ok = r.changed <= step.max_changed_moments;
        r.met = r.met && ok;
        std::snprintf(buf, sizeof buf, "; %d moment%s changed (at most %d)", r.changed, r.changed == 1 ? "" : "s",
                      step.max_changed_moments);
        r.detail += buf;
    }
    return r;
}

}  // namespace motsim
