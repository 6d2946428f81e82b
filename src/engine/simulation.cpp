#include "engine/simulation.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/odds.h"

namespace motsim {

int nps_score(double s) {
    const double v = 5.0 * (s + kImpressionEdge + 1.0) + 0.5;
    int score = static_cast<int>(v);  // v >= 0.5 so truncation is floor
    return std::clamp(score, 0, 10);
}

int histogram_bin(double s) {
    const int b = static_cast<int>((s + kImpressionEdge + 1.0) * 0.5 * kHistogramBins);
    return std::clamp(b, 0, kHistogramBins - 1);
}

// ==== Setup ====================================================================================

namespace {
// An impression in fixed point (2^-32 units): the running sum stays exact whatever the order.
// (The product is exact in float: a power of two.)
inline std::int64_t fixed(float s) { return static_cast<std::int64_t>(s * 4294967296.0f); }
}  // namespace

Simulation::Simulation(const Scenario& scenario) : Simulation(scenario, scenario.seed) {}

Simulation::Simulation(const Scenario& scenario, std::uint64_t seed)
    : scenario_(scenario), seed_(seed), rng_(seed) {
    stats_.resize(scenario_.moments.size());
    for (std::size_t m = 0; m < stats_.size(); ++m)
        stats_[m].causes.assign(scenario_.moments[m].causes.size(), 0);
    outcomes_.assign(scenario_.moments.size(), {0, 0, 0});
    entered_.assign(scenario_.moments.size() + 2, 0);
    memo_.assign(kMemo, Memo{});
    size_wheel(wheel_size_needed());
    prepare();
}

// Everything derived from parameters, recomputed when they change.
void Simulation::prepare() {
    const bool any_shift = std::any_of(scenario_.segments.begin(), scenario_.segments.end(),
                                       [](const Segment& s) { return s.shift != 0.0; });
    hot_.assign(scenario_.moments.size(), Hot{});
    fast_.assign(scenario_.moments.size(), Fast{});
    cause_weights_.assign(scenario_.moments.size(), {});
    plain_ = true;
    for (std::size_t m = 0; m < scenario_.moments.size(); ++m) {
        const Moment& mo = scenario_.moments[m];
        Hot& h = hot_[m];
        Fast& f = fast_[m];
        h.p_pos = mo.positive;
        h.p_neg = mo.negative;
        h.logit_pos = safe_logit(mo.positive);
        h.logit_neg = safe_logit(mo.negative);
        const Odds base = odds_shifted(mo.positive, mo.negative, h.logit_pos, h.logit_neg, 0.0);
        f.cut_pos = base.positive;
        f.cut_neutral = base.positive + base.neutral;
        h.magic = mo.magic;
        h.review = mo.review;
        for (int o = 0; o < 3; ++o) f.impact[o] = mo.impact[o];
        h.magic_impact = mo.impact[static_cast<int>(Outcome::Magic)];
        for (int o = 0; o < 3; ++o) {
            const Route& r = mo.next[static_cast<std::size_t>(o)];
            h.route_total[o] = 0;
            for (double w : r.weights) h.route_total[o] += w;
            f.single[o] = r.targets.size() == 1 ? r.targets[0] : kPick;
        }
        h.cause_total = 0;
        for (const Cause& cause : mo.causes) {
            cause_weights_[m].push_back(cause.weight);
            h.cause_total += cause.weight;
        }
        f.dwell_min = mo.dwell_min;
        f.dwell_span = static_cast<std::uint32_t>(std::max(0, mo.dwell_max - mo.dwell_min));
        f.purchase = mo.purchase;
        f.column = static_cast<std::uint16_t>(m % std::max<std::size_t>(1, columns_));
        h.reads_reviews = mo.reads_reviews;
        h.varies = scenario_.beta != 0.0 || any_shift || (mo.reads_reviews && scenario_.gamma != 0.0);
        plain_ = plain_ && !h.varies && h.magic <= 0.0 && h.review <= 0.0 && h.cause_total <= 0.0;
    }
    segment_weights_.clear();
    segment_total_ = 0;
    segment_shift_.clear();
    for (const Segment& s : scenario_.segments) {
        segment_shift_.push_back(s.shift);
        segment_weights_.push_back(s.share);
        segment_total_ += s.share;
    }
    entry_total_ = 0;
    for (double w : scenario_.entry.weights) entry_total_ += w;
    review_decay_ = scenario_.review_half_life > 0
                        ? fmath::pow(0.5, 1.0 / scenario_.review_half_life)
                        : 1.0;
    ++epoch_;  // the odds memo is stale
}

bool Simulation::update_parameters(const Scenario& edited) {
    if (edited.moments.size() != scenario_.moments.size() ||
        edited.segments.size() != scenario_.segments.size())
        return false;
    for (std::size_t m = 0; m < edited.moments.size(); ++m)
        if (edited.moments[m].causes.size() != scenario_.moments[m].causes.size()) return false;
    bool shorter = false;
    for (std::size_t m = 0; m < edited.moments.size(); ++m)
        shorter = shorter || edited.moments[m].dwell_max < scenario_.moments[m].dwell_max;
    scenario_ = edited;
    // Customers already at a moment keep their remaining dwell, capped to the new maximum; a
    // longer maximum may need a bigger wheel.
    const std::size_t need = wheel_size_needed();
    if (shorter || need > wheel_ticks_) rebuild_wheel(std::max(need, wheel_ticks_));
    prepare();
    return true;
}

// ==== Customers ================================================================================

// Slots for every dwell: a customer is due at most max dwell ticks ahead.
std::size_t Simulation::wheel_size_needed() const {
    int longest = 1;
    for (const Moment& m : scenario_.moments) longest = std::max(longest, m.dwell_max);
    return static_cast<std::size_t>(longest) + 1;
}

// An empty wheel of `ticks` rows (the customers must be out of it).
void Simulation::size_wheel(std::size_t ticks) {
    const std::size_t nm = scenario_.moments.size();
    wheel_ticks_ = ticks;
    columns_ = ticks * nm <= kMaxSlots ? nm : std::max<std::size_t>(1, kMaxSlots / ticks);
    wheel_.slots.clear();
    wheel_.slots.resize(ticks * columns_);
    now_ = static_cast<std::size_t>(tick_) % ticks;
}

Simulation::Wheel& Simulation::Wheel::operator=(const Wheel& o) {
    if (this == &o) return *this;
    blocks.clear();
    blocks.reserve(o.blocks.size());
    for (const auto& b : o.blocks) blocks.push_back(std::make_unique<Block>(*b));
    spare = o.spare;
    slots = o.slots;
    for (std::size_t k = 0; k < slots.size(); ++k) {
        Slot& s = slots[k];
        if (s.blocks.empty()) continue;
        const Slot& from = o.slots[k];
        Customer* begin = blocks[s.blocks.back()]->c;
        s.tail = begin + (from.tail - (from.end - kBlock));
        s.end = begin + kBlock;
    }
    return *this;
}

void Simulation::Wheel::fresh(Slot& s) {
    std::uint32_t b;
    if (!spare.empty()) {
        b = spare.back();
        spare.pop_back();
    } else {
        blocks.push_back(std::make_unique<Block>());
        b = static_cast<std::uint32_t>(blocks.size() - 1);
    }
    s.blocks.push_back(b);
    s.tail = blocks[b]->c;
    s.end = s.tail + kBlock;
}

void Simulation::Wheel::empty(Slot& s) {
    spare.insert(spare.end(), s.blocks.begin(), s.blocks.end());
    s.blocks.clear();
    s.tail = s.end = nullptr;
}

// Takes every customer out with its remaining dwell (capped to its moment's maximum) and puts
// it back in a wheel of `size` slots, soonest due first.
void Simulation::rebuild_wheel(std::size_t ticks) {
    std::vector<std::pair<Customer, int>> all;
    all.reserve(static_cast<std::size_t>(active_));
    for_each_customer([&](const Customer& c, int left) {
        const int cap = std::max(1, scenario_.moments[static_cast<std::size_t>(c.moment)].dwell_max);
        all.emplace_back(c, std::min(left, cap));
    });
    for (Slot& s : wheel_.slots) wheel_.empty(s);
    size_wheel(ticks);
    for (const auto& [c, left] : all)
        wheel_.append(wheel_.slots[slot(left - 1) * columns_ + static_cast<std::size_t>(c.moment) % columns_], c);
}

std::size_t Simulation::memory_bytes() const {
    std::size_t bytes = wheel_.blocks.size() * sizeof(Block) + wheel_.spare.capacity() * sizeof(std::uint32_t) +
                        taken_.capacity() * sizeof(std::uint32_t) + wheel_.slots.capacity() * sizeof(Slot);
    for (const Slot& s : wheel_.slots) bytes += s.blocks.capacity() * sizeof(std::uint32_t);
    return bytes;
}

std::vector<std::uint32_t> Simulation::customer_ids() const {
    std::vector<std::uint32_t> ids;
    ids.reserve(static_cast<std::size_t>(active_));
    for_each_customer([&](const Customer& c, int) { ids.push_back(c.id); });
    return ids;
}

// Sorts `count` items (their indices, or 0..count-1 with Identity) by a dwell offset drawn in
// [0, span), span <= 4, without branches: parts[d] of them end up in by[d], in their order. The
// draws are Random::below's (Lemire's, rejection included), read straight from the batch a run
// at a time.
template <bool Identity>
[[gnu::always_inline]] inline void Simulation::sort_by_dwell(Batched& rng, std::uint32_t span, const std::uint16_t* items,
                                                             std::size_t count, std::uint16_t (&by)[4][kBlock],
                                                             std::size_t (&parts)[4]) {
    std::size_t d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    auto put = [&](std::size_t k, unsigned d) {
        const std::uint16_t item = Identity ? static_cast<std::uint16_t>(k) : items[k];
        by[0][d0] = by[1][d1] = by[2][d2] = by[3][d3] = item;
        d0 += d == 0;
        d1 += d == 1;
        d2 += d == 2;
        d3 += d == 3;
    };
    if (span <= 1) {
        for (std::size_t k = 0; k < count; ++k) put(k, 0);
    } else {
        const std::uint32_t threshold = (0u - span) % span;  // below it a draw is rejected
        for (std::size_t k = 0; k < count;) {
            const std::size_t run = rng.ready(count - k);
            const std::uint64_t* const x = rng.values();
            std::size_t j = 0;
            for (; j < run; ++j, ++k) {
                const std::uint64_t mm = (x[j] >> 32) * span;
                if (static_cast<std::uint32_t>(mm) < threshold) [[unlikely]] break;
                put(k, static_cast<unsigned>(mm >> 32));
            }
            if (j == run) {
                rng.advance(run);
                continue;
            }
            // A rejected value: used up, then fresh ones until one is accepted.
            std::uint64_t mm = (x[j] >> 32) * span;
            rng.advance(j + 1);
            while (static_cast<std::uint32_t>(mm) < threshold) mm = (rng.next() >> 32) * span;
            put(k, static_cast<unsigned>(mm >> 32));
            ++k;
        }
    }
    parts[0] = d0;
    parts[1] = d1;
    parts[2] = d2;
    parts[3] = d3;
}

void Simulation::spawn(std::int64_t count, bool referred) {
    const std::int64_t room = std::max<std::int64_t>(0, scenario_.max_customers - created_);
    count = std::min(count, room);
    if (count <= 0) return;
    // Each segment's starting impression, as stored.
    std::vector<float> start(scenario_.segments.size());
    for (std::size_t g = 0; g < start.size(); ++g) {
        double s = scenario_.segments[g].initial_impression;
        if (referred) s += scenario_.referral_boost;
        start[g] = static_cast<float>(std::clamp(s, -1.0, 1.0));
    }
    const bool one_segment = segment_weights_.size() == 1;
    const bool one_entry = scenario_.entry.targets.size() == 1;
    const bool watching = !watched_.empty();
    const std::uint8_t flags = referred ? kFlagReferred : 0;
    Batched rng = rng_;  // a local, as in the pass
    const Fast* const fast = fast_.data();
    Slot* const slots = wheel_.slots.data();
    const std::size_t wsize = wheel_ticks_, now = now_, columns = columns_;
    const int tick = tick_;
    std::int64_t* const enter = entered_.data() + 2;
    std::uint32_t id = static_cast<std::uint32_t>(created_);
    std::int64_t sum = 0;
    std::int64_t placed = 0;
    const Fast& first = fast[scenario_.entry.targets[0]];
    if (one_segment && one_entry && first.dwell_span < 4 && !watching) {
        // Everyone arrives alike but for an id and a dwell: draw the dwells of up to a block of
        // arrivals, sort them by dwell (without branches), and write each part to its slot in
        // runs (the same records, in the same order, as one at a time).
        const int entry = scenario_.entry.targets[0];
        const std::uint32_t span = first.dwell_span + 1;
        Customer proto{};
        proto.impression = start[0];
        proto.since = tick;
        proto.moment = static_cast<std::int16_t>(entry);
        proto.from = -1;
        proto.flags = flags;
        std::uint16_t by_dwell[4][kBlock];
        for (std::int64_t base = 0; base < count; base += static_cast<std::int64_t>(kBlock)) {
            const std::size_t chunk = static_cast<std::size_t>(std::min<std::int64_t>(count - base, kBlock));
            std::size_t parts[4];
            sort_by_dwell<true>(rng, span, nullptr, chunk, by_dwell, parts);
            for (std::uint32_t d = 0; d < span; ++d) {
                std::size_t s = now + static_cast<std::size_t>(first.dwell_min) + d - 1;  // due at tick + dwell - 1
                if (s >= wsize) s -= wsize;
                Slot& to = slots[s * columns + first.column];
                const std::uint16_t* list = by_dwell[d];
                std::size_t left = parts[d];
                while (left > 0) {
                    if (to.tail == to.end) wheel_.fresh(to);
                    Customer* out = to.tail;
                    const std::size_t k = std::min(left, static_cast<std::size_t>(to.end - out));
                    for (std::size_t j = 0; j < k; ++j) {
                        out[j] = proto;
                        out[j].id = id + static_cast<std::uint32_t>(list[j]);
                    }
                    to.tail = out + k;
                    list += k;
                    left -= k;
                }
            }
            id += static_cast<std::uint32_t>(chunk);
        }
        placed = count;
    }
    for (std::int64_t k = placed; k < count; ++k, ++id) {  // the general case, one at a time
        const int seg = one_segment ? 0 : pick_weighted(rng, segment_weights_, segment_total_);
        const int entry = scenario_.entry.targets[one_entry ? 0 : static_cast<std::size_t>(pick_weighted(
                                                                    rng, scenario_.entry.weights, entry_total_))];
        const Fast& f = fast[entry];
        const int dwell = f.dwell_min + (f.dwell_span ? static_cast<int>(rng.below(f.dwell_span + 1ULL)) : 0);
        // Arrivals spend this tick at their moment: due at tick + dwell - 1.
        std::size_t s = now + static_cast<std::size_t>(dwell - 1);
        if (s >= wsize) s -= wsize;
        Slot& to = slots[s * columns + f.column];
        if (to.tail == to.end) wheel_.fresh(to);
        Customer* const c = to.tail++;  // written field by field (a whole copy through the stack stalls)
        const float impression = start[static_cast<std::size_t>(seg)];
        c->impression = impression;
        c->id = id;
        c->since = tick;
        c->moment = static_cast<std::int16_t>(entry);
        c->from = -1;
        c->purchases = 0;
        c->segment = static_cast<std::uint8_t>(seg);
        c->flags = flags;
        // (With one entry and one segment these are counted once, after the loop: a counter
        // in memory bumped for every arrival waits for its own last store each time.)
        if (!one_entry) ++enter[entry];
        if (!one_segment) sum += fixed(impression);
        if (watching && watched(id))
            events_.push_back({tick, id, -1, Outcome::Neutral, impression, entry, -1, false, false});
    }
    if (one_entry) enter[scenario_.entry.targets[0]] += count;
    if (one_segment) sum += count * fixed(start[0]);
    rng_ = rng;
    created_ += count;
    impression_sum_ += sum;
    active_ += count;
    totals_.arrivals += count;
    current_.arrivals += count;
    if (referred) {
        totals_.referrals += count;
        current_.referrals += count;
    }
}

// The odds of one customer where z varies, through the memo (the result is the same either way).
void Simulation::odds(const Customer& x, const Hot& h, double gamma_term, double& cut_pos, double& cut_neutral) {
    std::uint32_t bits;
    std::memcpy(&bits, &x.impression, sizeof bits);
    const std::uint32_t key = (bits * 0x9e3779b1U) ^ (static_cast<std::uint32_t>(x.moment) * 0x85ebca77U) ^
                              (static_cast<std::uint32_t>(x.segment) * 0xc2b2ae3dU);
    Memo& e = memo_[(key >> 22) & (kMemo - 1)];
    if (e.epoch == epoch_ && e.bits == bits && e.moment == x.moment && e.segment == x.segment) {
        cut_pos = e.cut_pos;
        cut_neutral = e.cut_neutral;
        return;
    }
    const double s = x.impression;
    const double z = segment_shift_[x.segment] + scenario_.beta * s + (h.reads_reviews ? gamma_term : 0.0);
    const Odds o = odds_shifted(h.p_pos, h.p_neg, h.logit_pos, h.logit_neg, z);
    cut_pos = o.positive;
    cut_neutral = o.positive + o.neutral;
    e = {epoch_, bits, x.moment, x.segment, cut_pos, cut_neutral};
}

const Route& Simulation::route(int m, int o) const {
    return scenario_.moments[static_cast<std::size_t>(m)].next[static_cast<std::size_t>(o)];
}

// ==== The tick =================================================================================

double Simulation::rating() const {
    const double a = scenario_.review_prior;
    return (reviews_pos_ + a) / (reviews_pos_ + reviews_neg_ + 2.0 * a);
}

// Every customer due this tick has spent its dwell: draw its outcome, apply it, route it. The
// due slot is detached first; a customer who moves goes to a later slot (dwell >= 1), and each
// block goes back to the spares once drawn. The loop works on locals (the generator too): a
// store into a customer record may alias any member, which would reload them all. A plain
// journey (no odds shifts, magic, reviews or causes anywhere) compiles without those steps.
template <bool Plain>
void Simulation::pass(double gamma_term) {
    Batched rng = rng_;  // a local: its index stays in a register
    const Fast* const fast = fast_.data();
    const Hot* const hot = hot_.data();
    MomentStats* const st = stats_.data();
    std::array<std::int64_t, 3>* const outcomes = outcomes_.data();
    std::int64_t* const enter = entered_.data() + 2;  // by target: [-2] done, [-1] lost
    Slot* const slots = wheel_.slots.data();
    const std::size_t wsize = wheel_ticks_, now = now_, columns = columns_;
    const int tick = tick_;
    const bool watching = !watched_.empty();
    // The impressions' sum changes by the sum of each customer's change, added up in a double
    // (floats differ by an exact double) and rounded into the fixed-point total once per pass:
    // two float-to-integer conversions a customer cost a tenth of the pass.
    double change = 0;
    std::int64_t magics = 0, gone = 0;
    // Purchases are positive or neutral outcomes at a purchase moment: counted from the
    // outcome counts after the loop, not one by one.
    ok_before_.resize(outcomes_.size());
    for (std::size_t m = 0; m < outcomes_.size(); ++m) ok_before_[m] = outcomes_[m][0] + outcomes_[m][1];
    // Who left, counted without branches: advocates, NPS groups, exit histogram, purchases.
    const double threshold = scenario_.advocate_threshold;
    const bool refers = scenario_.referral_ticks > 0;
    // Counters bumped by one customer after another stay in registers, or in four lanes taken
    // in turn (the histogram): a counter in memory hit again and again waits for its own last
    // store each time.
    std::int64_t advocates = 0, detractors = 0, promoters = 0, purchases_sq = 0, with_purchase = 0;
    std::int64_t exit_bins[4][kHistogramBins] = {};
    std::size_t lane = 0;
    auto leave = [&](const Customer& c, bool done) {
        const double s = c.impression;
        advocates += done & is_advocate(s, threshold) & refers;
        const int score = nps_score(s);
        detractors += score <= 6;
        promoters += score >= 9;
        ++exit_bins[lane][histogram_bin(s)];
        lane = (lane + 1) & 3;
        const std::int64_t p = c.purchases;
        purchases_sq += p * p;
        with_purchase += p > 0;
        change -= static_cast<double>(c.impression);
    };
    // Due dwell ticks later at moment `to`. The record is copied as it is and its moment set in
    // the copy: a store into it just before the copy would stall the copy's loads.
    auto move = [&](const Customer& c, int to, int from, std::uint8_t flags) {
        const Fast& next = fast[to];
        const int dwell = next.dwell_min + (next.dwell_span ? static_cast<int>(rng.below(next.dwell_span + 1ULL)) : 0);
        std::size_t s = now + static_cast<std::size_t>(dwell);
        if (s >= wsize) s -= wsize;
        Slot& slot = slots[s * columns + next.column];
        if (slot.tail == slot.end) wheel_.fresh(slot);
        Customer* const d = slot.tail++;
        *d = c;
        d->moment = static_cast<std::int16_t>(to);
        d->from = static_cast<std::int16_t>(from);
        d->since = tick;
        d->flags = flags;
    };
    // Copies the customers block[list[0..count)] to the end of a slot, as moment `to` come from
    // `from` (with `negative` as its flag), in runs that fill its blocks: the slot's end stays in
    // a register.
    auto append_run = [&](Slot& slot, const Customer* block, const std::uint16_t* list, std::size_t count, int to,
                          int from, std::uint8_t keep, std::uint8_t negative) {
        while (count > 0) {
            if (slot.tail == slot.end) wheel_.fresh(slot);
            Customer* d = slot.tail;
            const std::size_t k = std::min(count, static_cast<std::size_t>(slot.end - d));
            for (std::size_t j = 0; j < k; ++j) {
                const Customer& c = block[list[j]];
                d[j] = c;
                d[j].moment = static_cast<std::int16_t>(to);
                d[j].from = static_cast<std::int16_t>(from);
                d[j].since = tick;
                d[j].flags = static_cast<std::uint8_t>((c.flags & keep) | negative);
            }
            slot.tail = d + k;
            list += k;
            count -= k;
        }
    };
    // A customer's outcome at moment m, for the loops that take one customer at a time: the
    // odds (shifted through the memo where they vary), the draw (0 positive, 1 neutral,
    // 2 negative, without a branch), magic, the impression after, then a review and a cause
    // where the moment has them. The draws come in that order.
    struct Decision {
        int o;
        bool magic, reviewed;
        int cause;
        float after;
    };
    auto decide = [&](const Customer& c, int m) {
        const Fast& f = fast[m];
        Decision d{0, false, false, -1, c.impression};
        double cut_pos = f.cut_pos, cut_neutral = f.cut_neutral;
        if constexpr (!Plain)
            if (hot[m].varies) odds(c, hot[m], gamma_term, cut_pos, cut_neutral);
        const double u = rng.uniform();
        d.o = static_cast<int>(u >= cut_pos) + static_cast<int>(u >= cut_neutral);
        if constexpr (!Plain) d.magic = hot[m].magic > 0.0 && d.o == 0 && rng.uniform() < hot[m].magic;
        const double impact = d.magic ? hot[m].magic_impact : f.impact[d.o];
        d.after = static_cast<float>(std::min(std::max(static_cast<double>(c.impression) + impact, -1.0), 1.0));
        if constexpr (!Plain) {
            const Hot& h = hot[m];
            // What is stored is what counts (float), for reviews and NPS alike.
            if (h.review > 0.0 && rng.uniform() < h.review) {
                d.reviewed = true;
                ++st[m].reviews;
                if (review_is_positive(d.after)) {
                    reviews_pos_ += 1.0;
                    ++current_.reviews_positive;
                } else {
                    reviews_neg_ += 1.0;
                    ++current_.reviews_negative;
                }
            }
            if (h.cause_total > 0.0 && d.o == 2) {
                d.cause = pick_weighted(rng, cause_weights_[static_cast<std::size_t>(m)], h.cause_total);
                ++st[m].causes[static_cast<std::size_t>(d.cause)];
            }
        }
        return d;
    };
    auto event = [&](const Customer& c, int m, Outcome outcome, int target, int cause, bool purchased, bool reviewed) {
        events_.push_back({tick, c.id, m, outcome, c.impression, target, cause, purchased, reviewed});
    };
    // Lists of who went which way, built without branches, so the loops after them never
    // guess wrong about which way a customer went.
    std::uint16_t lists[3][kBlock];
    const bool own_columns = columns == fast_.size();

    for (std::size_t col = 0; col < columns; ++col) {
        Slot& due = slots[now * columns + col];
        std::size_t left = due.size();
        taken_.swap(due.blocks);
        due.tail = due.end = nullptr;

        for (std::uint32_t b : taken_) {
            const std::size_t n = std::min(left, kBlock);
            Customer* const block = wheel_.blocks[b]->c;

            if (own_columns) {
                // Everyone here is at one moment: its odds, impacts and routes stay in registers.
                // Outcomes first, every record rewritten in place; then each outcome's list
                // goes where that outcome routes.
                const int m = static_cast<int>(col);
                const Fast& f = fast[m];
                const double impact[3] = {f.impact[0], f.impact[1], f.impact[2]};
                const unsigned buys = f.purchase;
                std::size_t n0 = 0, n1 = 0, n2 = 0;
                pending_.clear();
                if constexpr (Plain) {
                // u = (x >> 11) 2^-53 >= cut exactly when (x >> 11) >= ceil(cut 2^53): the draw
                // is compared as an integer, with no conversion.
                const std::uint64_t cut_pos = static_cast<std::uint64_t>(std::ceil(f.cut_pos * 0x1p53));
                const std::uint64_t cut_neutral = static_cast<std::uint64_t>(std::ceil(f.cut_neutral * 0x1p53));
                // The draws come straight from the batch, a run at a time, without a check each.
                for (std::size_t i = 0; i < n;) {
                    const std::size_t run = rng.ready(n - i);
                    const std::uint64_t* const draws = rng.values();
                    for (std::size_t j = 0; j < run; ++j, ++i) {
                        Customer& c = block[i];
                        const std::uint64_t u = draws[j] >> 11;
                        const int o = static_cast<int>(u >= cut_pos) + static_cast<int>(u >= cut_neutral);
                        const float before = c.impression;
                        const float after = static_cast<float>(
                            std::min(std::max(static_cast<double>(before) + impact[o], -1.0), 1.0));
                        change += static_cast<double>(after) - static_cast<double>(before);
                        c.impression = after;
                        if (buys)  // (a test the compiler takes out of the loop)
                            c.purchases = static_cast<std::uint16_t>(c.purchases + ((o != 2) & (c.purchases != 0xffff)));
                        lists[0][n0] = lists[1][n1] = lists[2][n2] = static_cast<std::uint16_t>(i);
                        n0 += o == 0;
                        n1 += o == 1;
                        n2 += o == 2;
                    }
                    rng.advance(run);
                }
                } else {
                // Odds that vary, magic, reviews or causes at this moment: their draws come
                // between the outcome draws, one at a time. The magic flag is set in place (and
                // kept by the copy); what a watched customer's story needs waits in pending_.
                std::int64_t magic_count = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    Customer& c = block[i];
                    const Decision d = decide(c, m);
                    const int o = d.o;
                    change += static_cast<double>(d.after) - static_cast<double>(c.impression);
                    c.impression = d.after;
                    if (buys) c.purchases = static_cast<std::uint16_t>(c.purchases + ((o != 2) & (c.purchases != 0xffff)));
                    c.flags = static_cast<std::uint8_t>((c.flags & kFlagReferred) | static_cast<int>(d.magic) * kFlagMagic);
                    magic_count += d.magic;
                    if (watching && watched(c.id))
                        pending_.push_back({static_cast<std::uint16_t>(i), d.magic, d.reviewed, d.cause});
                    lists[0][n0] = lists[1][n1] = lists[2][n2] = static_cast<std::uint16_t>(i);
                    n0 += o == 0;
                    n1 += o == 1;
                    n2 += o == 2;
                }
                st[m].magic += magic_count;
                magics += magic_count;
                }
                // The flags a copy keeps: referred always, magic where this pass set it.
                const std::uint8_t keep = Plain ? kFlagReferred : kFlagReferred | kFlagMagic;
                // A watched customer's event, with what the outcome loop noted for it.
                auto note = [&](std::uint16_t index, int o, int target, bool purchased) {
                    Outcome outcome = static_cast<Outcome>(o);
                    int cause = -1;
                    bool reviewed = false;
                    for (const Pending& p : pending_)
                        if (p.index == index) {
                            if (p.magic) outcome = Outcome::Magic;
                            cause = p.cause;
                            reviewed = p.reviewed;
                        }
                    event(block[index], m, outcome, target, cause, purchased, reviewed);
                };
                const std::size_t counts[3] = {n0, n1, n2};
                for (int o = 0; o < 3; ++o) {
                    const std::uint16_t* const list = lists[o];
                    const std::size_t count = counts[o];
                    outcomes[m][static_cast<std::size_t>(o)] += static_cast<std::int64_t>(count);
                    const int target = f.single[o];
                    const bool purchased = f.purchase && o != 2;
                    const std::uint8_t negative = o == 2 ? kFlagNegative : 0;
                    if (watching)
                        for (std::size_t k = 0; k < count; ++k)
                            if (watched(block[list[k]].id) && target != kPick) note(list[k], o, target, purchased);
                    if (target == kPick) {  // a weighted route: one customer at a time
                        const Route& r = route(m, o);
                        for (std::size_t k = 0; k < count; ++k) {
                            const Customer& c = block[list[k]];
                            const int to = r.targets[static_cast<std::size_t>(pick_weighted(rng, r.weights, hot[m].route_total[o]))];
                            if (watching && watched(c.id)) note(list[k], o, to, purchased);
                            ++enter[to];
                            if (to >= 0) {
                                move(c, to, m, static_cast<std::uint8_t>((c.flags & keep) | negative));
                            } else {
                                st[m].lost_after += to == kLost;
                                st[m].done_after += to == kDone;
                                leave(c, to == kDone);
                            }
                        }
                        continue;
                    }
                    // A single route: counted for the whole list at once.
                    enter[target] += static_cast<std::int64_t>(count);
                    if (target < 0) {
                        (target == kLost ? st[m].lost_after : st[m].done_after) += static_cast<std::int64_t>(count);
                        for (std::size_t k = 0; k < count; ++k) leave(block[list[k]], target == kDone);
                        continue;
                    }
                    const Fast& next = fast[target];
                    const std::uint32_t span = next.dwell_span + 1;
                    if (span > 4) {
                        for (std::size_t k = 0; k < count; ++k) {
                            const Customer& c = block[list[k]];
                            move(c, target, m, static_cast<std::uint8_t>((c.flags & keep) | negative));
                        }
                        continue;
                    }
                    // A short dwell range: sort the list by dwell (without branches), then
                    // copy each part to its slot in runs.
                    std::uint16_t by_dwell[4][kBlock];
                    std::size_t parts[4];
                    sort_by_dwell<false>(rng, span, list, count, by_dwell, parts);
                    for (std::uint32_t d = 0; d < span; ++d) {
                        std::size_t s = now + static_cast<std::size_t>(next.dwell_min) + d;
                        if (s >= wsize) s -= wsize;
                        append_run(slots[s * columns + next.column], block, by_dwell[d], parts[d], target, m, keep, negative);
                    }
                }
            } else {
                // Mixed moments (or odds that vary, magic, reviews, causes): outcomes in place,
                // then the movers, then the leavers.
                std::uint16_t* const movers = lists[0];
                std::uint16_t* const leavers = lists[1];
                std::size_t n_move = 0, n_leave = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    Customer& c = block[i];
                    const int m = c.moment;
                    const Fast& f = fast[m];
                    const Decision d = decide(c, m);
                    const int o = d.o;
                    const bool magic = d.magic;
                    const float after = d.after;
                    ++outcomes[m][static_cast<std::size_t>(o)];
                    change += static_cast<double>(after) - static_cast<double>(c.impression);
                    const bool purchased = f.purchase & (o != 2);
                    magics += magic;
                    st[m].magic += magic;
                    int target = f.single[o];
                    if (target == kPick) [[unlikely]] {  // a weighted route (the generator stays a local)
                        const Route& r = route(m, o);
                        target = r.targets[static_cast<std::size_t>(pick_weighted(rng, r.weights, hot[m].route_total[o]))];
                    }
                    ++enter[target];

                    c.impression = after;
                    c.purchases = static_cast<std::uint16_t>(c.purchases + (purchased & (c.purchases != 0xffff)));
                    c.flags = static_cast<std::uint8_t>((c.flags & kFlagReferred) | (o >> 1) * kFlagNegative |
                                                        static_cast<int>(magic) * kFlagMagic);
                    c.from = static_cast<std::int16_t>(m);
                    c.moment = static_cast<std::int16_t>(target);  // kLost or kDone for those who leave
                    if (watching && watched(c.id))
                        event(c, m, magic ? Outcome::Magic : static_cast<Outcome>(o), target, d.cause, purchased, d.reviewed);
                    const bool stays = target >= 0;
                    movers[n_move] = static_cast<std::uint16_t>(i);
                    leavers[n_leave] = static_cast<std::uint16_t>(i);
                    n_move += stays;
                    n_leave += !stays;
                }
                for (std::size_t k = 0; k < n_move; ++k) {
                    const Customer& c = block[movers[k]];
                    move(c, c.moment, c.from, c.flags);
                }
                for (std::size_t k = 0; k < n_leave; ++k) {
                    const Customer& c = block[leavers[k]];
                    st[c.from].lost_after += c.moment == kLost;
                    st[c.from].done_after += c.moment == kDone;
                    leave(c, c.moment == kDone);
                }
            }
            left -= n;
            wheel_.spare.push_back(b);
        }
        taken_.clear();
    }
    gone = enter[kLost] + enter[kDone];
    rng_ = rng;
    impression_sum_ += static_cast<std::int64_t>(std::floor(change * 4294967296.0 + 0.5));
    active_ -= gone;

    for (std::size_t m = 0; m < outcomes_.size(); ++m)
        if (fast[m].purchase) {
            const std::int64_t bought = outcomes_[m][0] + outcomes_[m][1] - ok_before_[m];
            st[m].purchases += bought;
            current_.purchases += bought;
        }
    current_.magic += magics;
    totals_.detractors += detractors;
    totals_.passives += gone - detractors - promoters;
    totals_.promoters += promoters;
    for (int k = 0; k < kHistogramBins; ++k)
        totals_.exit_histogram[static_cast<std::size_t>(k)] += exit_bins[0][k] + exit_bins[1][k] + exit_bins[2][k] + exit_bins[3][k];
    totals_.purchases_sq += purchases_sq;
    totals_.exits_with_purchase += with_purchase;
    // This tick's advocates refer on ticks tick+1 .. tick+referral_ticks.
    if (advocates > 0) {
        totals_.advocates += advocates;
        advocates_active_ += advocates;
        advocate_batches_.emplace_back(tick + scenario_.referral_ticks, advocates);
    }
}

// Entries counted in the pass go to the moments' stats, and those to done and lost to the tick.
void Simulation::flush_entered() {
    for (std::size_t m = 0; m < stats_.size(); ++m) {
        stats_[m].entered += entered_[m + 2];
        entered_[m + 2] = 0;
    }
    current_.done += entered_[0];
    current_.lost += entered_[1];
    entered_[0] = entered_[1] = 0;
}

void Simulation::step() {
    current_ = TickStats{};
    current_.tick = tick_;

    // Advocates whose referral window has closed stop referring.
    while (!advocate_batches_.empty() && advocate_batches_.front().first < tick_) {
        advocates_active_ -= advocate_batches_.front().second;
        advocate_batches_.pop_front();
    }

    // Arrivals: the initial crowd, then Poisson arrivals, then referrals by active advocates.
    if (tick_ == 0) spawn(scenario_.initial, false);
    spawn(rng_.generator().poisson(scenario_.arrivals_per_tick), false);
    if (scenario_.referral_rate > 0.0 && advocates_active_ > 0)
        spawn(rng_.generator().poisson(scenario_.referral_rate * static_cast<double>(advocates_active_)), true);
    current_.advocates = advocates_active_;

    // The rating of this tick comes from reviews posted before it, so the pass order is moot.
    const double r = rating();
    current_.rating = r;
    const double gamma_term = scenario_.gamma * (2.0 * r - 1.0);
    ++epoch_;  // the gamma term changed: the odds memo is stale

    // Occupancy is who is at each moment during this tick (after arrivals, before outcomes):
    // a customer who stays one tick counts once, so the steady state is arrivals x visits x
    // dwell, what the exact analysis predicts (Little's law).
    // Counted as everyone who entered minus everyone who finished.
    flush_entered();
    for (std::size_t m = 0; m < stats_.size(); ++m)
        occupancy_.push_back(stats_[m].entered - outcomes_[m][0] - outcomes_[m][1] - outcomes_[m][2]);

    if (plain_) pass<true>(gamma_term);
    else pass<false>(gamma_term);
    flush_entered();

    reviews_pos_ *= review_decay_;
    reviews_neg_ *= review_decay_;
    totals_.purchases += current_.purchases;
    totals_.lost += current_.lost;
    totals_.done += current_.done;
    totals_.reviews_positive += current_.reviews_positive;
    totals_.reviews_negative += current_.reviews_negative;
    for (std::size_t m = 0; m < stats_.size(); ++m) {
        stats_[m].positive = outcomes_[m][0];
        stats_[m].neutral = outcomes_[m][1];
        stats_[m].negative = outcomes_[m][2];
    }

    // Per-tick record.
    current_.active = active_;
    current_.mean_impression =
        active_ ? static_cast<double>(impression_sum_) * 0x1p-32 / static_cast<double>(active_) : 0.0;
    current_.nps = totals_.nps();
    series_.push_back(current_);
    ++tick_;
    if (++now_ == wheel_ticks_) now_ = 0;
}

void Simulation::run(int ticks) {
    for (int t = 0; t < ticks; ++t) step();
}

void Simulation::run_to_end() {
    while (!finished()) step();
}

std::vector<std::int64_t> Simulation::live_histogram() const {
    std::vector<std::int64_t> h(kHistogramBins, 0);
    for_each_customer([&](const Customer& c, int) { ++h[static_cast<std::size_t>(histogram_bin(c.impression))]; });
    return h;
}

// ==== Stories ==================================================================================

void Simulation::watch(std::uint32_t id) {
    if (!watched(id)) watched_.push_back(id);
}

void Simulation::unwatch_all() {
    watched_.clear();
    events_.clear();
}

bool Simulation::watched(std::uint32_t id) const {
    return std::find(watched_.begin(), watched_.end(), id) != watched_.end();
}

// ==== Digest ===================================================================================

namespace {
struct Fnv {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    void bytes(const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (std::size_t k = 0; k < n; ++k) {
            h ^= b[k];
            h *= 0x100000001b3ULL;
        }
    }
    void i64(std::int64_t v) { bytes(&v, sizeof v); }  // both targets are little-endian
    void f64(double v) {
        std::uint64_t bits;
        std::memcpy(&bits, &v, sizeof bits);
        bytes(&bits, sizeof bits);
    }
};
}  // namespace

std::string Simulation::digest() const {
    Fnv f;
    const Totals& t = totals_;
    for (std::int64_t v : {t.arrivals, t.referrals, t.purchases, t.done, t.lost, t.reviews_positive,
                           t.reviews_negative, t.advocates, t.promoters, t.passives, t.detractors,
                           t.purchases_sq})
        f.i64(v);
    for (std::int64_t v : t.exit_histogram) f.i64(v);
    for (const MomentStats& m : stats_) {
        for (std::int64_t v : {m.entered, m.positive, m.neutral, m.negative, m.magic, m.lost_after,
                               m.done_after, m.purchases, m.reviews})
            f.i64(v);
        for (std::int64_t v : m.causes) f.i64(v);
    }
    for (const TickStats& s : series_) {
        for (std::int64_t v : {std::int64_t{s.tick}, s.arrivals, s.referrals, s.purchases, s.done,
                               s.lost, s.reviews_positive, s.reviews_negative, s.magic, s.active,
                               s.advocates})
            f.i64(v);
        f.f64(s.rating);
        f.f64(s.nps);
        f.f64(s.mean_impression);
    }
    for (std::int64_t v : occupancy_) f.i64(v);
    static const char* hex = "0123456789abcdef";
    std::string out(16, '0');
    for (int k = 0; k < 16; ++k) out[static_cast<std::size_t>(k)] = hex[(f.h >> (60 - 4 * k)) & 0xf];
    return out;
}

}  // namespace motsim
