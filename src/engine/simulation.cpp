// The agent engine's setup, arrivals and tick (simulation.h). A tick: advocates expire,
// arrivals enter (spawn), the occupancy is noted, the pass draws every customer due
// (pass.cpp), and commit() alone turns the tick's tally into the statistics.
#include "engine/simulation.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/pass.h"

namespace motsim {

// ==== Setup ====================================================================================

namespace {
// An impression in fixed point (2^-32 units): the running sum stays exact whatever the order.
// (The product is exact in float: a power of two.)
inline std::int64_t fixed(float s) { return static_cast<std::int64_t>(s * 4294967296.0f); }
}  // namespace

Simulation::Simulation(const Scenario& scenario) : Simulation(scenario, scenario.seed) {}

Simulation::Simulation(const Scenario& scenario, std::uint64_t seed) : scenario_(scenario), seed_(seed), rng_(seed) {
    stats_.resize(scenario_.moments.size());
    for (std::size_t m = 0; m < stats_.size(); ++m) stats_[m].causes.assign(scenario_.moments[m].causes.size(), 0);
    tally_.reset(scenario_);
    size_wheel(wheel_size_needed());
    prepare();
}


// Everything derived from parameters, recomputed when they change.
void Simulation::prepare() {
    tables_ = build_moment_tables(scenario_, wheel_.columns());
    memo_.stale();
    const Loyalty& l = scenario_.loyalty;
    if (l.enabled) {
        // The ring holds every delay (a longer one after an edit: the ring grows, keeping who waits).
        const std::size_t rows = static_cast<std::size_t>(std::max(1, l.after_max)) + 1;
        if (waiting_.size() < rows) {
            std::vector<std::vector<Customer>> ring(rows);
            for (std::size_t k = 0; k < waiting_.size(); ++k) {
                // entries in slot k are due at the first tick >= tick_ congruent to k
                const std::size_t due = static_cast<std::size_t>(tick_) +
                                        (k + waiting_.size() - static_cast<std::size_t>(tick_) % waiting_.size()) %
                                            waiting_.size();
                auto& to = ring[due % rows];
                to.insert(to.end(), waiting_[k].begin(), waiting_[k].end());
            }
            waiting_ = std::move(ring);
        }
        return_weights_ = l.return_to.weights;
        return_total_ = 0;
        for (double w : return_weights_) return_total_ += w;
        tally_.finishers = &finishers_;
    } else {
        tally_.finishers = nullptr;  // finishers are kept only where loyalty may bring them back
    }
}

bool Simulation::update_parameters(const Scenario& edited) {
    if (edited.moments.size() != scenario_.moments.size() || edited.segments.size() != scenario_.segments.size())
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
    if (shorter || need > wheel_.rows()) rebuild_wheel(std::max(need, wheel_.rows()));
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
void Simulation::size_wheel(std::size_t ticks) { wheel_.reshape(ticks, scenario_.moments.size(), tick_); }

// Takes every customer out with its remaining dwell (capped to its moment's maximum) and puts
// it back in a wheel of `ticks` rows, soonest due first.
void Simulation::rebuild_wheel(std::size_t ticks) {
    std::vector<std::pair<Customer, int>> all;
    all.reserve(static_cast<std::size_t>(active_));
    for_each_customer([&](const Customer& c, int left) {
        const int cap = std::max(1, scenario_.moments[static_cast<std::size_t>(c.moment)].dwell_max);
        all.emplace_back(c, std::min(left, cap));
    });
    wheel_.empty_all();
    size_wheel(ticks);
    const Wheel::Cursor cursor = wheel_.cursor();
    for (const auto& [c, left] : all)
        wheel_.append(cursor.slot(static_cast<std::size_t>(left - 1), wheel_.column_of(c.moment)), c);
}

std::size_t Simulation::memory_bytes() const {
    return wheel_.memory_bytes() + taken_.capacity() * sizeof(std::uint32_t);
}

std::vector<std::uint32_t> Simulation::customer_ids() const {
    std::vector<std::uint32_t> ids;
    ids.reserve(static_cast<std::size_t>(active_));
    for_each_customer([&](const Customer& c, int) { ids.push_back(c.id); });
    return ids;
}

std::vector<std::int64_t> Simulation::live_histogram() const {
    std::vector<std::int64_t> h(kHistogramBins, 0);
    for_each_customer([&](const Customer& c, int) { ++h[static_cast<std::size_t>(histogram_bin(c.impression))]; });
    return h;
}

// ==== Arrivals =================================================================================

// `count` new customers (fewer at the population cap) at their entry moments, counted in the
// tally.
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
    const bool one_segment = tables_.segment_weights.size() == 1;
    const bool one_entry = scenario_.entry.targets.size() == 1;
    const bool watching = !watched_.empty();
    const std::uint8_t flags = referred ? kFlagReferred : 0;
    Batched rng = rng_;  // a local, as in the pass
    const MomentBasics* const basics = tables_.basics.data();
    const Wheel::Cursor cursor = wheel_.cursor();
    const int tick = tick_;
    std::int64_t* const enter = tally_.entered.by_target();
    std::uint32_t id = static_cast<std::uint32_t>(created_);
    std::int64_t sum = 0;
    std::int64_t placed = 0;
    const MomentBasics& first = basics[scenario_.entry.targets[0]];
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
        DwellLists by_dwell;
        for (std::int64_t base = 0; base < count; base += static_cast<std::int64_t>(Wheel::kBlock)) {
            const std::size_t chunk = static_cast<std::size_t>(std::min<std::int64_t>(count - base, Wheel::kBlock));
            std::size_t parts[4];
            sort_by_dwell<true>(rng, span, nullptr, chunk, by_dwell, parts);
            for (std::uint32_t d = 0; d < span; ++d) {
                // Arrivals spend this tick at their moment: due at tick + dwell - 1.
                Wheel::Slot& to = cursor.slot(static_cast<std::size_t>(first.dwell_min) + d - 1, first.column);
                const std::uint16_t* const list = by_dwell[d];
                wheel_.append_runs(to, parts[d], [&](Customer* out, std::size_t from, std::size_t k) {
                    for (std::size_t j = 0; j < k; ++j) {
                        out[j] = proto;
                        out[j].id = id + static_cast<std::uint32_t>(list[from + j]);
                    }
                });
            }
            id += static_cast<std::uint32_t>(chunk);
        }
        placed = count;
    }
    for (std::int64_t k = placed; k < count; ++k, ++id) {  // the general case, one at a time
        const int seg = one_segment ? 0 : pick_weighted(rng, tables_.segment_weights, tables_.segment_total);
        const int entry = scenario_.entry.targets[one_entry ? 0
                                                            : static_cast<std::size_t>(pick_weighted(
                                                                  rng, scenario_.entry.weights, tables_.entry_total))];
        const MomentBasics& f = basics[entry];
        const int dwell = f.dwell_min + (f.dwell_span ? static_cast<int>(rng.below(f.dwell_span + 1ULL)) : 0);
        // Arrivals spend this tick at their moment: due at tick + dwell - 1.
        Wheel::Slot& to = cursor.slot(static_cast<std::size_t>(dwell - 1), f.column);
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
        if (watching && std::find(watched_.begin(), watched_.end(), id) != watched_.end())
            events_.push_back({tick, id, -1, Outcome::Neutral, impression, entry, -1, false, false});
    }
    if (one_entry) enter[scenario_.entry.targets[0]] += count;
    if (one_segment) sum += count * fixed(start[0]);
    rng_ = rng;
    created_ += count;
    tally_.arrival_impressions += sum;
    tally_.arrivals += count;
    if (referred) tally_.referrals += count;
}

// ==== Loyalty ====================================================================================

// This tick's finishers (who reached done) decide whether they come back: r(s), then a delay
// drawn like a dwell; the ones who will are kept in the ring until then.
void Simulation::decide_returns() {
    const Loyalty& l = scenario_.loyalty;
    Random& g = rng_.generator();
    const std::size_t rows = waiting_.size();
    for (const Customer& c : finishers_) {
        const double r = return_probability(l.base, l.impression, c.impression);
        if (!(r > 0.0) || !(g.uniform() < r)) continue;
        const int span = l.after_max - l.after_min;
        const int delay = l.after_min + (span > 0 ? static_cast<int>(g.below(static_cast<std::uint64_t>(span) + 1)) : 0);
        waiting_[(static_cast<std::size_t>(tick_) + static_cast<std::size_t>(delay)) % rows].push_back(c);
        ++waiting_count_;
    }
    finishers_.clear();
}

// Loyal customers due this tick re-enter at return_to, as they left: impression, segment,
// purchases, what they counted as. They are not arrivals (nor new customers).
void Simulation::come_back() {
    if (waiting_.empty()) return;
    std::vector<Customer>& due = waiting_[static_cast<std::size_t>(tick_) % waiting_.size()];
    if (due.empty()) return;
    const Route& to = scenario_.loyalty.return_to;
    if (to.targets.empty()) {  // loyalty switched off by an edit: those waiting stay away
        waiting_count_ -= static_cast<std::int64_t>(due.size());
        due.clear();
        return;
    }
    Random& g = rng_.generator();
    std::int64_t* const enter = tally_.entered.by_target();
    const Wheel::Cursor cursor = wheel_.cursor();
    std::int64_t sum = 0;
    for (const Customer& back : due) {
        const int m = to.targets.size() == 1
                          ? to.targets[0]
                          : to.targets[static_cast<std::size_t>(pick_weighted(g, return_weights_, return_total_))];
        const MomentBasics& f = tables_.basics[static_cast<std::size_t>(m)];
        const int dwell = f.dwell_min + (f.dwell_span ? static_cast<int>(g.below(f.dwell_span + 1ULL)) : 0);
        Customer c = back;
        c.moment = static_cast<std::int16_t>(m);
        c.from = -1;
        c.since = tick_;
        c.flags = static_cast<std::uint8_t>(c.flags & kFlagsKept);
        wheel_.append(cursor.slot(static_cast<std::size_t>(dwell - 1), f.column), c);
        ++enter[m];
        sum += fixed(c.impression);
        if (!watched_.empty() && std::find(watched_.begin(), watched_.end(), c.id) != watched_.end())
            events_.push_back({tick_, c.id, -1, Outcome::Neutral, c.impression, m, -1, false, false, true});
    }
    const auto n = static_cast<std::int64_t>(due.size());
    waiting_count_ -= n;
    tally_.returns += n;
    tally_.arrival_impressions += sum;
    due.clear();
}

// ==== The tick =================================================================================

double Simulation::rating() const { return public_rating(reviews_pos_, reviews_neg_, scenario_.review_prior); }

void Simulation::pass(double gamma_term) {
    PassContext ctx{scenario_, tables_,  gamma_term, tick_, watched_, wheel_,
                    taken_,    pending_, rng_,       memo_, tally_,   events_};
    run_pass(ctx);
}

// The tick's tally into the statistics, the totals and the series (`row` holds what the tick
// noted before its pass); then the tally is cleared. Nothing else writes them.
void Simulation::commit(TickStats row) {
    const Tally& t = tally_;
    for (std::size_t m = 0; m < stats_.size(); ++m) {
        MomentStats& s = stats_[m];
        const MomentTally& mt = t.moments[m];
        s.entered += t.entered[static_cast<int>(m)];
        s.positive += mt.outcomes[0];
        s.neutral += mt.outcomes[1];
        s.negative += mt.outcomes[2];
        s.magic += mt.magic;
        s.lost_after += mt.lost_after;
        s.done_after += mt.done_after;
        s.reviews += mt.reviews;
        for (std::size_t c = 0; c < s.causes.size(); ++c) s.causes[c] += mt.causes[c];
        if (tables_.basics[m].purchase) {  // positive and neutral outcomes buy
            const std::int64_t bought = mt.outcomes[0] + mt.outcomes[1];
            s.purchases += bought;
            row.purchases += bought;
        }
    }
    row.arrivals = t.arrivals;
    row.referrals = t.referrals;
    row.done = t.entered[kDone];
    row.lost = t.entered[kLost];
    row.reviews_positive = t.reviews_positive;
    row.reviews_negative = t.reviews_negative;
    row.magic = t.magic;
    const std::int64_t gone = row.done + row.lost;

    totals_.arrivals += t.arrivals;
    totals_.referrals += t.referrals;
    totals_.purchases += row.purchases;
    totals_.done += row.done;
    totals_.lost += row.lost;
    totals_.reviews_positive += t.reviews_positive;
    totals_.reviews_negative += t.reviews_negative;
    totals_.detractors += t.groups[1];
    totals_.passives += t.groups[2];
    totals_.promoters += t.groups[3];
    totals_.returns += t.returns;
    for (int k = 0; k < 3; ++k) totals_.buyers[static_cast<std::size_t>(k)] += t.buyers[k];
    totals_.market_advocates += t.market_advocates;
    totals_.market_critics += t.market_critics;
    for (int k = 0; k < kHistogramBins; ++k)
        totals_.exit_histogram[static_cast<std::size_t>(k)] +=
            t.exit_bins[0][k] + t.exit_bins[1][k] + t.exit_bins[2][k] + t.exit_bins[3][k];
    totals_.purchases_sq += t.purchases_sq;
    totals_.exits_with_purchase += t.with_purchase;
    // This tick's advocates refer on ticks tick+1 .. tick+referral_ticks (they count as
    // advocates whatever the referral settings).
    if (t.advocates > 0) {
        totals_.advocates += t.advocates;
        if (scenario_.referral_ticks > 0) advocates_.add(tick_ + scenario_.referral_ticks, t.advocates);
    }
    // Reviews count one at a time into the decaying sums, then decay (the same rounding as adding
    // each as it was posted), for the next tick's rating.
    for (std::int64_t k = 0; k < t.reviews_positive; ++k) reviews_pos_ += 1.0;
    for (std::int64_t k = 0; k < t.reviews_negative; ++k) reviews_neg_ += 1.0;
    reviews_pos_ *= tables_.review_decay;
    reviews_neg_ *= tables_.review_decay;

    active_ += t.arrivals + t.returns - gone;
    row.returns = t.returns;
    row.market_advocates = totals_.market_advocates;
    row.market_critics = totals_.market_critics;
    impression_sum_ +=
        t.arrival_impressions + static_cast<std::int64_t>(std::floor(t.impression_change * 4294967296.0 + 0.5));
    row.active = active_;
    row.mean_impression = active_ ? static_cast<double>(impression_sum_) * 0x1p-32 / static_cast<double>(active_) : 0.0;
    row.nps = totals_.nps();
    tally_.clear();
    if (scenario_.loyalty.enabled) decide_returns();
    row.waiting = totals_.waiting = waiting_count_;
    series_.push_back(row);
}

void Simulation::step() {
    TickStats row;
    row.tick = tick_;

    // Advocates whose referral window has closed stop referring.
    advocates_.expire_before(tick_);

    // Arrivals: the initial crowd, then Poisson arrivals, then referrals by active advocates;
    // or, with a market, Binomial(U, h) of the people who never came (Bass). Then the loyal
    // customers due back.
    if (tick_ == 0) spawn(scenario_.initial, false);
    const Market& market = scenario_.market;
    if (market.enabled) {
        const double h = market_hazard(market.advertising, market.word_of_mouth, market.negative,
                                       static_cast<double>(totals_.market_advocates),
                                       static_cast<double>(totals_.market_critics), static_cast<double>(market.size));
        const std::int64_t never = std::max<std::int64_t>(0, market.size - created_);
        spawn(rng_.generator().binomial(never, h), false);
    } else {
        spawn(rng_.generator().poisson(scenario_.arrivals_per_tick), false);
        if (scenario_.referral_rate > 0.0 && advocates_.active() > 0)
            spawn(rng_.generator().poisson(scenario_.referral_rate * static_cast<double>(advocates_.active())), true);
    }
    come_back();
    row.advocates = advocates_.active();

    // The rating of this tick comes from reviews posted before it, so the pass order is moot.
    const double r = rating();
    row.rating = r;
    const double gamma_term = scenario_.gamma * (2.0 * r - 1.0);
    memo_.stale();  // the gamma term changed

    // Occupancy is who is at each moment during this tick (after arrivals, before outcomes):
    // a customer who stays one tick counts once, so the steady state is arrivals x visits x
    // dwell, what the exact analysis predicts (Little's law).
    // Counted as everyone who entered minus everyone who finished.
    for (std::size_t m = 0; m < stats_.size(); ++m) {
        const MomentStats& s = stats_[m];
        occupancy_.push_back(s.entered + tally_.entered[static_cast<int>(m)] - s.positive - s.neutral - s.negative);
    }

    pass(gamma_term);
    commit(row);
    ++tick_;
    wheel_.advance();
}

void Simulation::run(int ticks) {
    for (int t = 0; t < ticks; ++t) step();
}

void Simulation::run_to_end() {
    while (!finished()) step();
}

// ==== Stories ==================================================================================

void Simulation::watch(std::uint32_t id) {
    if (std::find(watched_.begin(), watched_.end(), id) == watched_.end()) watched_.push_back(id);
}

void Simulation::unwatch_all() {
    watched_.clear();
    events_.clear();
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
    for (std::int64_t v : {t.arrivals, t.referrals, t.purchases, t.done, t.lost, t.reviews_positive, t.reviews_negative,
                           t.advocates, t.promoters, t.passives, t.detractors, t.purchases_sq})
        f.i64(v);
    for (std::int64_t v : t.exit_histogram) f.i64(v);
    for (const MomentStats& m : stats_) {
        for (std::int64_t v : {m.entered, m.positive, m.neutral, m.negative, m.magic, m.lost_after, m.done_after,
                               m.purchases, m.reviews})
            f.i64(v);
        for (std::int64_t v : m.causes) f.i64(v);
    }
    for (const TickStats& s : series_) {
        for (std::int64_t v : {std::int64_t{s.tick}, s.arrivals, s.referrals, s.purchases, s.done, s.lost,
                               s.reviews_positive, s.reviews_negative, s.magic, s.active, s.advocates})
            f.i64(v);
        f.f64(s.rating);
        f.f64(s.nps);
        f.f64(s.mean_impression);
    }
    for (std::int64_t v : occupancy_) f.i64(v);
    // v2 counts, where a v2 block makes them move (a v1 scenario's digest does not see them).
    if (scenario_.loyalty.enabled || scenario_.market.enabled) {
        for (std::int64_t v : {t.returns, t.waiting, t.buyers[0], t.buyers[1], t.buyers[2], t.market_advocates,
                               t.market_critics})
            f.i64(v);
        for (const TickStats& s : series_)
            for (std::int64_t v : {s.returns, s.waiting, s.market_advocates, s.market_critics}) f.i64(v);
    }
    static const char* hex = "0123456789abcdef";
    std::string out(16, '0');
    for (int k = 0; k < 16; ++k) out[static_cast<std::size_t>(k)] = hex[(f.h >> (60 - 4 * k)) & 0xf];
    return out;
}

}  // namespace motsim
