// The pass: every customer due this tick has spent its dwell; draw its outcome, apply it, route
// it. The due slot is detached first; a customer who moves goes to a later slot (dwell >= 1),
// and each block goes back to the spares once drawn.
//
// run_pass() is the driver; the stages below it each run one tight loop over a block of 512
// customers and copy what they need (the generator, the tally's counters, the wheel's cursor)
// into locals at their top and back at their end, in the order the customers are drawn, so that
// the numbers do not depend on how the work is cut. Stages:
//   outcomes   a block at one moment: draws, impressions, purchases, lists by outcome
//   routing    each outcome's list to its target: weighted picks, movers or leavers
//   movers     to their next moment's slot, by dwell, in runs
//   leavers    done or lost: advocates, NPS groups, exit histogram, purchases
//   mixed      a block of several moments: outcomes and routes per customer, then movers and
//              leavers
// A plain journey (no odds shifts, magic, reviews or causes anywhere) compiles without those
// steps (the Plain template argument).
#include "engine/pass.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/odds.h"

namespace motsim {

namespace {

using Lists = std::uint16_t[3][Wheel::kBlock];  // customers' indices in a block, by outcome
constexpr std::uint8_t kMagic = Simulation::kFlagMagic, kNegative = Simulation::kFlagNegative,
                       kKept = Simulation::kFlagsKept;  // referred, and what it counted as

bool is_watched(const std::vector<std::uint32_t>& watched, std::uint32_t id) {
    return std::find(watched.begin(), watched.end(), id) != watched.end();
}

// Puts a customer at its next moment, due dwell ticks later (a copy of the record, its moment,
// origin, tick and flags set in the copy: a store into it just before the copy would stall the
// copy's loads). A value a stage keeps in locals.
struct Placer {
    const MomentBasics* basics;
    Wheel::Cursor cursor;
    Wheel* wheel;
    int tick;

    static Placer of(PassContext& ctx) { return {ctx.tables.basics.data(), ctx.wheel.cursor(), &ctx.wheel, ctx.tick}; }
    [[gnu::always_inline]] void one(Batched& rng, const Customer& c, int to, int from, std::uint8_t flags) const {
        const MomentBasics& next = basics[to];
        const int dwell = next.dwell_min + (next.dwell_span ? static_cast<int>(rng.below(next.dwell_span + 1ULL)) : 0);
        Wheel::Slot& slot = cursor.slot(static_cast<std::size_t>(dwell), next.column);
        if (slot.tail == slot.end) wheel->fresh(slot);
        Customer* const d = slot.tail++;
        *d = c;
        d->moment = static_cast<std::int16_t>(to);
        d->from = static_cast<std::int16_t>(from);
        d->since = tick;
        d->flags = flags;
    }
};

// Counts a customer who leaves (done or lost). The counters a leavers loop keeps in locals.
// What the customer counted as at an earlier departure (a loyal customer leaves again) is in
// its flags and is taken back: NPS groups, the market's advocates and critics count each
// customer once, by its latest departure.
struct Leaving {
    double threshold, critic;
    NpsAsked asked;
    std::int64_t (*bins)[kHistogramBins];
    std::int64_t advocates, purchases_sq, with_purchase, market_advocates, market_critics;
    std::int64_t groups[4];
    std::size_t lane;
    double change;
    std::vector<Customer>* finishers;

    static Leaving of(PassContext& ctx) {
        const Tally& t = ctx.tally;
        return {ctx.scenario.advocate_threshold,
                ctx.scenario.critic_threshold,
                ctx.scenario.nps_asked,
                ctx.tally.exit_bins,
                t.advocates,
                t.purchases_sq,
                t.with_purchase,
                t.market_advocates,
                t.market_critics,
                {t.groups[0], t.groups[1], t.groups[2], t.groups[3]},
                t.lane,
                t.impression_change,
                t.finishers};
    }
    void store(PassContext& ctx) const {
        Tally& t = ctx.tally;
        t.advocates = advocates;
        t.purchases_sq = purchases_sq;
        t.with_purchase = with_purchase;
        t.market_advocates = market_advocates;
        t.market_critics = market_critics;
        for (int k = 0; k < 4; ++k) t.groups[k] = groups[k];
        t.lane = lane;
        t.impression_change = change;
    }
    [[gnu::always_inline]] void one(const Customer& c, bool done) {
        const double s = c.impression;
        const bool advocate = done & is_advocate(s, threshold);
        const bool critic = is_critic(s, this->critic);
        advocates += advocate;
        market_advocates += static_cast<int>(advocate) - ((c.flags & Simulation::kFlagAdvocate) != 0);
        market_critics += static_cast<int>(critic) - ((c.flags & Simulation::kFlagCritic) != 0);
        const int score = nps_score(s);
        const int group = score <= 6 ? 1 : score >= 9 ? 3 : 2;
        const bool is_asked = asked == NpsAsked::Everyone || (asked == NpsAsked::Buyers && c.purchases > 0) ||
                              (asked == NpsAsked::Finished && done);
        const int before = (c.flags >> Simulation::kGroupShift) & 3;
        const int now = is_asked ? group : 0;
        --groups[before];
        ++groups[now];
        ++bins[lane][histogram_bin(s)];
        lane = (lane + 1) & 3;
        const std::int64_t p = c.purchases;
        purchases_sq += p * p;
        with_purchase += p > 0;
        change -= static_cast<double>(c.impression);
        if (finishers && done) {  // loyalty: it may come back, remembering what it counted as
            finishers->push_back(c);
            Customer& f = finishers->back();
            f.flags = static_cast<std::uint8_t>((c.flags & Simulation::kFlagReferred) |
                                                (advocate ? Simulation::kFlagAdvocate : 0) |
                                                (critic ? Simulation::kFlagCritic : 0) |
                                                (now << Simulation::kGroupShift));
        }
    }
};

// A customer's outcome at moment m, for the loops that take one customer at a time: the odds
// (shifted through the memo where they vary), the draw (0 positive, 1 neutral, 2 negative,
// without a branch), magic, the impression after, then a review and a cause where the moment
// has them. The draws come in that order. Reviews and causes go to the tally. A value a stage
// keeps in locals.
struct Decision {
    int o;
    bool magic, reviewed;
    int cause;
    float after;
};
struct Decider {
    const MomentBasics* basics;
    const MomentExtras* extras;
    const double* segment_shift;
    double beta, gamma_term;
    OddsMemo* memo;
    Tally* tally;

    static Decider of(PassContext& ctx) {
        return {ctx.tables.basics.data(),
                ctx.tables.extras.data(),
                ctx.tables.segment_shift.data(),
                ctx.scenario.beta,
                ctx.gamma_term,
                &ctx.memo,
                &ctx.tally};
    }
    // The cuts of a customer where z varies, through the memo (the result is the same either way).
    void shifted_cuts(const Customer& c, const MomentExtras& h, double& cut_pos, double& cut_neutral) const {
        std::uint32_t bits;
        std::memcpy(&bits, &c.impression, sizeof bits);
        OddsMemo::Entry& e = memo->find(bits, c.moment, c.segment);
        if (memo->holds(e, bits, c.moment, c.segment)) {
            cut_pos = e.cut_pos;
            cut_neutral = e.cut_neutral;
            return;
        }
        const double z =
            segment_shift[c.segment] + beta * static_cast<double>(c.impression) + (h.reads_reviews ? gamma_term : 0.0);
        const Odds o = odds_shifted(h.p_pos, h.p_neg, h.logit_pos, h.logit_neg, z);
        cut_pos = o.positive;
        cut_neutral = o.positive + o.neutral;
        memo->fill(e, bits, c.moment, c.segment, cut_pos, cut_neutral);
    }
    template <bool Plain>
    [[gnu::always_inline]] Decision decide(Batched& rng, const Customer& c, int m) const {
        const MomentBasics& f = basics[m];
        Decision d{0, false, false, -1, c.impression};
        double cut_pos = f.cut_pos, cut_neutral = f.cut_neutral;
        if constexpr (!Plain)
            if (extras[m].varies) shifted_cuts(c, extras[m], cut_pos, cut_neutral);
        const double u = rng.uniform();
        d.o = static_cast<int>(u >= cut_pos) + static_cast<int>(u >= cut_neutral);
        if constexpr (!Plain) d.magic = extras[m].magic > 0.0 && d.o == 0 && rng.uniform() < extras[m].magic;
        const double impact = d.magic ? extras[m].magic_impact : f.impact[d.o];
        d.after = static_cast<float>(std::min(std::max(static_cast<double>(c.impression) + impact, -1.0), 1.0));
        if constexpr (!Plain) {
            const MomentExtras& h = extras[m];
            // What is stored is what counts (float), for reviews and NPS alike.
            if (h.review > 0.0 && rng.uniform() < h.review_group[static_cast<int>(nps_group(nps_score(d.after)))]) {
                d.reviewed = true;
                ++tally->moments[static_cast<std::size_t>(m)].reviews;
                ++(review_is_positive(d.after) ? tally->reviews_positive : tally->reviews_negative);
            }
            if (h.cause_total > 0.0 && d.o == 2) {
                d.cause = pick_weighted(rng, h.cause_weights, h.cause_total);
                ++tally->moments[static_cast<std::size_t>(m)].causes[static_cast<std::size_t>(d.cause)];
            }
        }
        return d;
    }
};

void event(PassContext& ctx, const Customer& c, int m, Outcome outcome, int target, int cause, bool purchased,
           bool reviewed) {
    ctx.events.push_back({ctx.tick, c.id, m, outcome, c.impression, target, cause, purchased, reviewed});
}

// ---- outcomes: a block whose customers are all at moment m ------------------------------------

// A plain moment: every record rewritten in place; lists[o] gets the indices of outcome o.
void outcomes_plain(PassContext& ctx, Customer* block, std::size_t n, int m, Lists& lists, std::size_t (&counts)[3]) {
    Batched rng = ctx.rng;
    double change = ctx.tally.impression_change;
    const MomentBasics& f = ctx.tables.basics[static_cast<std::size_t>(m)];
    const double impact[3] = {f.impact[0], f.impact[1], f.impact[2]};
    std::int64_t nth[4] = {0, 0, 0, 0};
    const bool buys = f.purchase;
    // u = (x >> 11) 2^-53 >= cut exactly when (x >> 11) >= ceil(cut 2^53): the draw is compared
    // as an integer, with no conversion.
    const std::uint64_t cut_pos = static_cast<std::uint64_t>(std::ceil(f.cut_pos * 0x1p53));
    const std::uint64_t cut_neutral = static_cast<std::uint64_t>(std::ceil(f.cut_neutral * 0x1p53));
    std::size_t n0 = 0, n1 = 0, n2 = 0;
    // The draws come straight from the batch, a run at a time, without a check each.
    for (std::size_t i = 0; i < n;) {
        const std::size_t run = rng.ready(n - i);
        const std::uint64_t* const draws = rng.values();
        for (std::size_t j = 0; j < run; ++j, ++i) {
            Customer& c = block[i];
            const std::uint64_t u = draws[j] >> 11;
            const int o = static_cast<int>(u >= cut_pos) + static_cast<int>(u >= cut_neutral);
            const float before = c.impression;
            const float after =
                static_cast<float>(std::min(std::max(static_cast<double>(before) + impact[o], -1.0), 1.0));
            change += static_cast<double>(after) - static_cast<double>(before);
            c.impression = after;
            if (buys) {  // (a test taken out of the loop)
                nth[std::min<int>(c.purchases, 3)] += o != 2;
                c.purchases = after_purchase(c.purchases, o != 2);
            }
            lists[0][n0] = lists[1][n1] = lists[2][n2] = static_cast<std::uint16_t>(i);
            n0 += o == 0;
            n1 += o == 1;
            n2 += o == 2;
        }
        rng.advance(run);
    }
    counts[0] = n0;
    counts[1] = n1;
    counts[2] = n2;
    for (int k = 0; k < 4; ++k) ctx.tally.buyers[k] += nth[k];
    ctx.tally.impression_change = change;
    ctx.rng = rng;
}

// Odds that vary, magic, reviews or causes at this moment: their draws come between the outcome
// draws, one at a time. The magic flag is set in place (and kept by the copy); what a watched
// customer's story needs waits in ctx.pending.
void outcomes_general(PassContext& ctx, Customer* block, std::size_t n, int m, Lists& lists, std::size_t (&counts)[3]) {
    Batched rng = ctx.rng;
    double change = ctx.tally.impression_change;
    const bool buys = ctx.tables.basics[static_cast<std::size_t>(m)].purchase;
    const bool watching = !ctx.watched.empty();
    const Decider decider = Decider::of(ctx);
    std::int64_t magic = 0;
    std::size_t n0 = 0, n1 = 0, n2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
        Customer& c = block[i];
        const Decision d = decider.decide<false>(rng, c, m);
        const int o = d.o;
        change += static_cast<double>(d.after) - static_cast<double>(c.impression);
        c.impression = d.after;
        if (buys) {
            ctx.tally.buyers[std::min<int>(c.purchases, 3)] += o != 2;
            c.purchases = after_purchase(c.purchases, o != 2);
        }
        c.flags = static_cast<std::uint8_t>((c.flags & kKept) | static_cast<int>(d.magic) * kMagic);
        magic += d.magic;
        if (watching && is_watched(ctx.watched, c.id))
            ctx.pending.push_back({static_cast<std::uint16_t>(i), d.magic, d.reviewed, d.cause});
        lists[0][n0] = lists[1][n1] = lists[2][n2] = static_cast<std::uint16_t>(i);
        n0 += o == 0;
        n1 += o == 1;
        n2 += o == 2;
    }
    counts[0] = n0;
    counts[1] = n1;
    counts[2] = n2;
    ctx.tally.moments[static_cast<std::size_t>(m)].magic += magic;
    ctx.tally.magic += magic;
    ctx.tally.impression_change = change;
    ctx.rng = rng;
}

// ---- movers and leavers ------------------------------------------------------------------------

// block[list[0..count)] to moment `to`, come from `from`, with the flags they keep plus
// `negative`. A short dwell range (at most 4 ticks) is sorted by dwell without branches and each
// part copied to its slot in runs; a longer one goes one customer at a time.
[[gnu::always_inline]] inline void movers(PassContext& ctx, const Customer* block, const std::uint16_t* list,
                                          std::size_t count, int to, int from, std::uint8_t keep,
                                          std::uint8_t negative) {
    Batched rng = ctx.rng;
    const Placer place = Placer::of(ctx);
    const MomentBasics& next = place.basics[to];
    const std::uint32_t span = next.dwell_span + 1;
    if (span > 4) {
        for (std::size_t k = 0; k < count; ++k) {
            const Customer& c = block[list[k]];
            place.one(rng, c, to, from, static_cast<std::uint8_t>((c.flags & keep) | negative));
        }
        ctx.rng = rng;
        return;
    }
    DwellLists by_dwell;
    std::size_t parts[4];
    sort_by_dwell<false>(rng, span, list, count, by_dwell, parts);
    const int tick = place.tick;
    for (std::uint32_t d = 0; d < span; ++d) {
        const std::uint16_t* const part = by_dwell[d];
        Wheel::Slot& slot = place.cursor.slot(static_cast<std::size_t>(next.dwell_min) + d, next.column);
        ctx.wheel.append_runs(slot, parts[d], [&](Customer* out, std::size_t first, std::size_t k) {
            for (std::size_t j = 0; j < k; ++j) {
                const Customer& c = block[part[first + j]];
                out[j] = c;
                out[j].moment = static_cast<std::int16_t>(to);
                out[j].from = static_cast<std::int16_t>(from);
                out[j].since = tick;
                out[j].flags = static_cast<std::uint8_t>((c.flags & keep) | negative);
            }
        });
    }
    ctx.rng = rng;
}

// block[list[0..count)] leave the journey, done or lost.
[[gnu::always_inline]] inline void leavers(PassContext& ctx, const Customer* block, const std::uint16_t* list,
                                           std::size_t count, bool done) {
    Leaving leave = Leaving::of(ctx);
    for (std::size_t k = 0; k < count; ++k) leave.one(block[list[k]], done);
    leave.store(ctx);
}

// ---- routing: each outcome's list of a one-moment block to where that outcome routes ---------

template <bool Plain>
void routing(PassContext& ctx, const Customer* block, int m, const Lists& lists, const std::size_t (&counts)[3]) {
    const MomentBasics& f = ctx.tables.basics[static_cast<std::size_t>(m)];
    MomentTally& mt = ctx.tally.moments[static_cast<std::size_t>(m)];
    std::int64_t* const enter = ctx.tally.entered.by_target();
    const bool watching = !ctx.watched.empty();
    // The flags a copy keeps: referred and counts always, magic where the outcomes stage set it.
    const std::uint8_t keep = Plain ? kKept : kKept | kMagic;
    // A watched customer's event, with what the outcome loop noted for it.
    auto note = [&](std::uint16_t index, int o, int target, bool purchased) {
        Outcome outcome = static_cast<Outcome>(o);
        int cause = -1;
        bool reviewed = false;
        for (const PendingEvent& p : ctx.pending)
            if (p.index == index) {
                if (p.magic) outcome = Outcome::Magic;
                cause = p.cause;
                reviewed = p.reviewed;
            }
        event(ctx, block[index], m, outcome, target, cause, purchased, reviewed);
    };
    for (int o = 0; o < 3; ++o) {
        const std::uint16_t* const list = lists[o];
        const std::size_t count = counts[o];
        mt.outcomes[static_cast<std::size_t>(o)] += static_cast<std::int64_t>(count);
        const int target = f.single[o];
        const bool purchased = f.purchase && o != 2;
        const std::uint8_t negative = o == 2 ? kNegative : 0;
        if (target == kPickByWeight) {  // a weighted route: one customer at a time
            const Route& r = ctx.scenario.moments[static_cast<std::size_t>(m)].next[static_cast<std::size_t>(o)];
            const double total = ctx.tables.extras[static_cast<std::size_t>(m)].route_total[o];
            Batched rng = ctx.rng;
            const Placer place = Placer::of(ctx);
            Leaving leave = Leaving::of(ctx);
            for (std::size_t k = 0; k < count; ++k) {
                const Customer& c = block[list[k]];
                const int to = r.targets[static_cast<std::size_t>(pick_weighted(rng, r.weights, total))];
                if (watching && is_watched(ctx.watched, c.id)) note(list[k], o, to, purchased);
                ++enter[to];
                if (to >= 0) {
                    place.one(rng, c, to, m, static_cast<std::uint8_t>((c.flags & keep) | negative));
                } else {
                    mt.lost_after += to == kLost;
                    mt.done_after += to == kDone;
                    leave.one(c, to == kDone);
                }
            }
            leave.store(ctx);
            ctx.rng = rng;
            continue;
        }
        // A single route: counted for the whole list at once.
        if (watching)
            for (std::size_t k = 0; k < count; ++k)
                if (is_watched(ctx.watched, block[list[k]].id)) note(list[k], o, target, purchased);
        enter[target] += static_cast<std::int64_t>(count);
        if (target < 0) {
            (target == kLost ? mt.lost_after : mt.done_after) += static_cast<std::int64_t>(count);
            leavers(ctx, block, list, count, target == kDone);
        } else {
            movers(ctx, block, list, count, target, m, keep, negative);
        }
    }
}

// ---- mixed: a block of customers at several moments (columns shared) ---------------------------

// Outcomes in place, each record rewritten as routed (its moment the target, kLost or kDone for
// those who leave; `from` where it was); the indices of movers and leavers in two lists.
template <bool Plain>
void outcomes_mixed(PassContext& ctx, Customer* block, std::size_t n, std::uint16_t* move_list, std::size_t& n_move,
                    std::uint16_t* leave_list, std::size_t& n_leave) {
    Batched rng = ctx.rng;
    double change = ctx.tally.impression_change;
    const MomentBasics* const basics = ctx.tables.basics.data();
    MomentTally* const mt = ctx.tally.moments.data();
    std::int64_t* const enter = ctx.tally.entered.by_target();
    const bool watching = !ctx.watched.empty();
    const Decider decider = Decider::of(ctx);
    std::int64_t magics = 0;
    std::size_t moving = 0, leaving = 0;
    for (std::size_t i = 0; i < n; ++i) {
        Customer& c = block[i];
        const int m = c.moment;
        const MomentBasics& f = basics[m];
        const Decision d = decider.decide<Plain>(rng, c, m);
        const int o = d.o;
        ++mt[m].outcomes[static_cast<std::size_t>(o)];
        change += static_cast<double>(d.after) - static_cast<double>(c.impression);
        const bool purchased = f.purchase & (o != 2);
        magics += d.magic;
        mt[m].magic += d.magic;
        int target = f.single[o];
        if (target == kPickByWeight) [[unlikely]] {  // a weighted route (the generator stays a local)
            const Route& r = ctx.scenario.moments[static_cast<std::size_t>(m)].next[static_cast<std::size_t>(o)];
            target = r.targets[static_cast<std::size_t>(
                pick_weighted(rng, r.weights, ctx.tables.extras[static_cast<std::size_t>(m)].route_total[o]))];
        }
        ++enter[target];
        c.impression = d.after;
        ctx.tally.buyers[std::min<int>(c.purchases, 3)] += purchased;
        c.purchases = after_purchase(c.purchases, purchased);
        c.flags = static_cast<std::uint8_t>((c.flags & kKept) | (o >> 1) * kNegative |
                                            static_cast<int>(d.magic) * kMagic);
        c.from = static_cast<std::int16_t>(m);
        c.moment = static_cast<std::int16_t>(target);  // kLost or kDone for those who leave
        if (watching && is_watched(ctx.watched, c.id))
            event(ctx, c, m, d.magic ? Outcome::Magic : static_cast<Outcome>(o), target, d.cause, purchased,
                  d.reviewed);
        const bool stays = target >= 0;
        move_list[moving] = static_cast<std::uint16_t>(i);
        leave_list[leaving] = static_cast<std::uint16_t>(i);
        moving += stays;
        leaving += !stays;
    }
    n_move = moving;
    n_leave = leaving;
    ctx.tally.magic += magics;
    ctx.tally.impression_change = change;
    ctx.rng = rng;
}

// The movers of a mixed block, their records already rewritten as routed.
void movers_mixed(PassContext& ctx, const Customer* block, const std::uint16_t* list, std::size_t count) {
    Batched rng = ctx.rng;
    const Placer place = Placer::of(ctx);
    for (std::size_t k = 0; k < count; ++k) {
        const Customer& c = block[list[k]];
        place.one(rng, c, c.moment, c.from, c.flags);
    }
    ctx.rng = rng;
}

// The leavers of a mixed block: counted where they came from.
void leavers_mixed(PassContext& ctx, const Customer* block, const std::uint16_t* list, std::size_t count) {
    MomentTally* const mt = ctx.tally.moments.data();
    Leaving leave = Leaving::of(ctx);
    for (std::size_t k = 0; k < count; ++k) {
        const Customer& c = block[list[k]];
        mt[c.from].lost_after += c.moment == kLost;
        mt[c.from].done_after += c.moment == kDone;
        leave.one(c, c.moment == kDone);
    }
    leave.store(ctx);
}

// ---- the driver ----------------------------------------------------------------------------

template <bool Plain>
void pass(PassContext& ctx) {
    Wheel& wheel = ctx.wheel;
    const std::size_t columns = wheel.columns();
    // Each moment its own column: a block is at one moment, whose odds, impacts and routes stay
    // in registers. Lists of who went which way are built without branches, so the loops after
    // them never guess wrong about which way a customer went.
    const bool own_columns = columns == ctx.tables.basics.size();
    Lists lists;
    std::size_t counts[3];
    for (std::size_t col = 0; col < columns; ++col) {
        Wheel::Slot& due = wheel.cursor().slot(0, col);
        std::size_t left = due.size();
        wheel.detach(due, ctx.taken);
        for (std::uint32_t b : ctx.taken) {
            const std::size_t n = std::min(left, Wheel::kBlock);
            Customer* const block = wheel.block(b);
            if (own_columns) {
                const int m = static_cast<int>(col);
                ctx.pending.clear();
                if constexpr (Plain)
                    outcomes_plain(ctx, block, n, m, lists, counts);
                else
                    outcomes_general(ctx, block, n, m, lists, counts);
                routing<Plain>(ctx, block, m, lists, counts);
            } else {
                std::size_t n_move = 0, n_leave = 0;
                outcomes_mixed<Plain>(ctx, block, n, lists[0], n_move, lists[1], n_leave);
                movers_mixed(ctx, block, lists[0], n_move);
                leavers_mixed(ctx, block, lists[1], n_leave);
            }
            left -= n;
            wheel.release(b);
        }
        ctx.taken.clear();
    }
}

}  // namespace

void run_pass(PassContext& ctx) {
    if (ctx.tables.all_plain)
        pass<true>(ctx);
    else
        pass<false>(ctx);
}

}  // namespace motsim
