#include "engine/moment_tables.h"

#include <algorithm>

#include "engine/metrics.h"
#include "engine/odds.h"

namespace motsim {

MomentTables build_moment_tables(const Scenario& scenario, std::size_t columns) {
    MomentTables t;
    const bool any_shift = std::any_of(scenario.segments.begin(), scenario.segments.end(),
                                       [](const Segment& s) { return s.shift != 0.0; });
    t.basics.assign(scenario.moments.size(), MomentBasics{});
    t.extras.assign(scenario.moments.size(), MomentExtras{});
    for (std::size_t m = 0; m < scenario.moments.size(); ++m) {
        const Moment& mo = scenario.moments[m];
        MomentBasics& b = t.basics[m];
        MomentExtras& x = t.extras[m];
        // The base odds, as logits for shifting and as cuts for drawing.
        x.p_pos = mo.positive;
        x.p_neg = mo.negative;
        x.logit_pos = safe_logit(mo.positive);
        x.logit_neg = safe_logit(mo.negative);
        const Odds base = odds_shifted(mo.positive, mo.negative, x.logit_pos, x.logit_neg, 0.0);
        b.cut_pos = base.positive;
        b.cut_neutral = base.positive + base.neutral;
        x.varies = scenario.beta != 0.0 || any_shift || (mo.reads_reviews && scenario.gamma != 0.0);
        x.reads_reviews = mo.reads_reviews;
        // Outcomes' effects.
        for (int o = 0; o < 3; ++o) b.impact[o] = mo.impact[o];
        x.magic = mo.magic;
        x.magic_impact = mo.impact[static_cast<int>(Outcome::Magic)];
        for (int g = 0; g < 3; ++g) x.review_group[g] = mo.review_by_group ? mo.review_group[static_cast<std::size_t>(g)] : mo.review;
        x.review = std::max({x.review_group[0], x.review_group[1], x.review_group[2]});
        x.cause_total = 0;
        for (const Cause& cause : mo.causes) {
            x.cause_weights.push_back(cause.weight);
            x.cause_total += cause.weight;
        }
        b.purchase = mo.purchase;
        // Routes, dwell, and where the wheel keeps the customers here.
        for (int o = 0; o < 3; ++o) {
            const Route& r = mo.next[static_cast<std::size_t>(o)];
            x.route_total[o] = 0;
            for (double w : r.weights) x.route_total[o] += w;
            b.single[o] = r.targets.size() == 1 ? r.targets[0] : kPickByWeight;
        }
        b.dwell_min = mo.dwell_min;
        b.dwell_span = static_cast<std::uint32_t>(std::max(0, mo.dwell_max - mo.dwell_min));
        b.column = static_cast<std::uint16_t>(m % std::max<std::size_t>(1, columns));
        t.all_plain = t.all_plain && !x.varies && x.magic <= 0.0 && x.review <= 0.0 && x.cause_total <= 0.0;
    }
    for (const Segment& s : scenario.segments) {
        t.segment_shift.push_back(s.shift);
        t.segment_weights.push_back(s.share);
        t.segment_total += s.share;
    }
    for (double w : scenario.entry.weights) t.entry_total += w;
    t.review_decay = review_decay_per_tick(scenario.review_half_life);
    return t;
}

}  // namespace motsim
