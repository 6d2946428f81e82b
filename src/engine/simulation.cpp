#include "engine/simulation.h"

#include <algorithm>
#include <cstring>

#include "engine/odds.h"

namespace motsim {

int nps_score(double s) {
    const double v = 5.0 * (s + 1.0) + 0.5;
    int score = static_cast<int>(v);  // v >= 0.5 so truncation is floor
    return std::clamp(score, 0, 10);
}

int histogram_bin(double s) {
    const int b = static_cast<int>((s + 1.0) * 0.5 * kHistogramBins);
    return std::clamp(b, 0, kHistogramBins - 1);
}

// ==== Setup ====================================================================================

Simulation::Simulation(const Scenario& scenario) : Simulation(scenario, scenario.seed) {}

Simulation::Simulation(const Scenario& scenario, std::uint64_t seed)
    : scenario_(scenario), seed_(seed), rng_(seed) {
    stats_.resize(scenario_.moments.size());
    for (std::size_t m = 0; m < stats_.size(); ++m)
        stats_[m].causes.assign(scenario_.moments[m].causes.size(), 0);
    prepare();
}

// Everything derived from parameters, recomputed when they change.
void Simulation::prepare() {
    cache_.assign(scenario_.moments.size(), MomentCache{});
    for (std::size_t m = 0; m < scenario_.moments.size(); ++m) {
        const Moment& mo = scenario_.moments[m];
        MomentCache& c = cache_[m];
        c.logit_pos = safe_logit(mo.positive);
        c.logit_neg = safe_logit(mo.negative);
        for (int o = 0; o < 3; ++o) {
            c.route_total[o] = 0;
            for (double w : mo.next[o].weights) c.route_total[o] += w;
        }
        c.cause_weights.clear();
        c.cause_total = 0;
        for (const Cause& cause : mo.causes) {
            c.cause_weights.push_back(cause.weight);
            c.cause_total += cause.weight;
        }
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
}

bool Simulation::update_parameters(const Scenario& edited) {
    if (edited.moments.size() != scenario_.moments.size() ||
        edited.segments.size() != scenario_.segments.size())
        return false;
    for (std::size_t m = 0; m < edited.moments.size(); ++m)
        if (edited.moments[m].causes.size() != scenario_.moments[m].causes.size()) return false;
    scenario_ = edited;
    // Customers already at a moment keep their remaining dwell, capped to the new maximum.
    for (std::size_t i = 0; i < moment_.size(); ++i) {
        const int cap = scenario_.moments[static_cast<std::size_t>(moment_[i])].dwell_max;
        if (ticks_left_[i] > cap) ticks_left_[i] = static_cast<std::uint16_t>(cap);
    }
    prepare();
    return true;
}

// ==== Customers ================================================================================

Simulation::Crowd Simulation::crowd() {
    return {moment_.data(), ticks_left_.data(), impression_.data(), segment_.data(), purchases_.data(),
            id_.data(),     from_.data(),       since_.data(),      flags_.data(),   moment_.size()};
}

void Simulation::resize_crowd(std::size_t n) {
    moment_.resize(n);
    ticks_left_.resize(n);
    impression_.resize(n);
    segment_.resize(n);
    purchases_.resize(n);
    id_.resize(n);
    from_.resize(n);
    since_.resize(n);
    flags_.resize(n);
}

void Simulation::enter(Crowd& c, std::size_t i, int m, int from, std::uint8_t flags) {
    const Moment& mo = scenario_.moments[static_cast<std::size_t>(m)];
    c.moment[i] = m;
    c.from[i] = static_cast<std::int16_t>(from);
    c.since[i] = tick_;
    c.flags[i] = flags;
    c.ticks_left[i] = static_cast<std::uint16_t>(rng_.between(mo.dwell_min, mo.dwell_max));
    ++stats_[static_cast<std::size_t>(m)].entered;
}

void Simulation::spawn(std::int64_t count, bool referred) {
    const std::int64_t room = std::max<std::int64_t>(0, scenario_.max_customers - created_);
    count = std::min(count, room);
    if (count <= 0) return;
    const std::size_t first = moment_.size();
    const std::size_t want = first + static_cast<std::size_t>(count);
    if (want > moment_.capacity()) {  // grow geometrically, all arrays at once
        const std::size_t cap = std::max(want, moment_.capacity() * 3 / 2);
        moment_.reserve(cap);
        ticks_left_.reserve(cap);
        impression_.reserve(cap);
        segment_.reserve(cap);
        purchases_.reserve(cap);
        id_.reserve(cap);
        from_.reserve(cap);
        since_.reserve(cap);
        flags_.reserve(cap);
    }
    resize_crowd(want);
    Crowd c = crowd();
    for (std::size_t i = first; i < want; ++i) {
        const int seg = pick_weighted(rng_, segment_weights_, segment_total_);
        double s = scenario_.segments[static_cast<std::size_t>(seg)].initial_impression;
        if (referred) s += scenario_.referral_boost;
        s = std::clamp(s, -1.0, 1.0);
        const int entry = scenario_.entry.targets[static_cast<std::size_t>(
            pick_weighted(rng_, scenario_.entry.weights, entry_total_))];
        const std::uint32_t id = static_cast<std::uint32_t>(created_++);
        c.impression[i] = static_cast<float>(s);
        c.segment[i] = static_cast<std::uint8_t>(seg);
        c.purchases[i] = 0;
        c.id[i] = id;
        enter(c, i, entry, -1, referred ? kFlagReferred : 0);
        if (!watched_.empty() && watched(id))
            events_.push_back({tick_, id, -1, Outcome::Neutral, static_cast<float>(s), entry, -1,
                               false, false});
    }
    totals_.arrivals += count;
    current_.arrivals += count;
    if (referred) {
        totals_.referrals += count;
        current_.referrals += count;
    }
}

// The customer at index i has spent its dwell: draw the outcome, apply it, route it.
bool Simulation::finish(Crowd& cr, std::size_t i, double gamma_term) {
    const int m = cr.moment[i];
    const Moment& mo = scenario_.moments[static_cast<std::size_t>(m)];
    const MomentCache& c = cache_[static_cast<std::size_t>(m)];
    MomentStats& st = stats_[static_cast<std::size_t>(m)];
    double s = cr.impression[i];

    const double z = segment_shift_[cr.segment[i]] + scenario_.beta * s + (mo.reads_reviews ? gamma_term : 0.0);
    const Odds odds = odds_shifted(mo.positive, mo.negative, c.logit_pos, c.logit_neg, z);

    const double u = rng_.uniform();
    Outcome outcome;
    if (u < odds.positive) {
        outcome = (mo.magic > 0.0 && rng_.uniform() < mo.magic) ? Outcome::Magic : Outcome::Positive;
    } else if (u < odds.positive + odds.neutral) {
        outcome = Outcome::Neutral;
    } else {
        outcome = Outcome::Negative;
    }

    s = std::clamp(s + mo.impact[static_cast<int>(outcome)], -1.0, 1.0);
    cr.impression[i] = static_cast<float>(s);
    s = cr.impression[i];  // what is stored is what counts (float), for reviews and NPS alike

    switch (outcome) {
        case Outcome::Magic: ++st.magic; ++current_.magic; [[fallthrough]];
        case Outcome::Positive: ++st.positive; break;
        case Outcome::Neutral: ++st.neutral; break;
        case Outcome::Negative: ++st.negative; break;
    }

    const bool purchased = mo.purchase && outcome != Outcome::Negative;
    if (purchased) {
        ++st.purchases;
        ++totals_.purchases;
        ++current_.purchases;
        if (cr.purchases[i] < 65535) ++cr.purchases[i];
    }
    bool reviewed = false;
    if (mo.review > 0.0 && rng_.uniform() < mo.review) {
        reviewed = true;
        ++st.reviews;
        if (s > 0.0) {
            reviews_pos_ += 1.0;
            ++totals_.reviews_positive;
            ++current_.reviews_positive;
        } else {
            reviews_neg_ += 1.0;
            ++totals_.reviews_negative;
            ++current_.reviews_negative;
        }
    }
    int cause = -1;
    if (outcome == Outcome::Negative && c.cause_total > 0.0) {
        cause = pick_weighted(rng_, c.cause_weights, c.cause_total);
        ++st.causes[static_cast<std::size_t>(cause)];
    }

    const int route = outcome == Outcome::Magic ? 0 : static_cast<int>(outcome);
    const Route& r = mo.next[static_cast<std::size_t>(route)];
    const int target = r.targets[static_cast<std::size_t>(pick_weighted(rng_, r.weights, c.route_total[route]))];

    if (!watched_.empty() && watched(cr.id[i]))
        events_.push_back({tick_, cr.id[i], m, outcome, cr.impression[i], target, cause, purchased, reviewed});

    if (target >= 0) {
        const std::uint8_t flags = static_cast<std::uint8_t>(
            (cr.flags[i] & kFlagReferred) | (outcome == Outcome::Magic ? kFlagMagic : 0) |
            (outcome == Outcome::Negative ? kFlagNegative : 0));
        enter(cr, i, target, m, flags);
        return false;
    }
    if (target == kLost) ++st.lost_after;
    else ++st.done_after;
    leave(cr, i, target);
    return true;
}

// A customer leaves the journey: count it, then swap the last customer into its place.
void Simulation::leave(Crowd& c, std::size_t i, int terminal) {
    const double s = c.impression[i];
    if (terminal == kLost) {
        ++totals_.lost;
        ++current_.lost;
    } else {
        ++totals_.done;
        ++current_.done;
        if (s >= scenario_.advocate_threshold && scenario_.referral_ticks > 0) {
            ++totals_.advocates;
            ++advocates_active_;
            const int until = tick_ + scenario_.referral_ticks;  // refers on ticks tick_+1..until
            if (!advocate_batches_.empty() && advocate_batches_.back().first == until)
                ++advocate_batches_.back().second;
            else
                advocate_batches_.emplace_back(until, 1);
        }
    }
    switch (nps_group(nps_score(s))) {
        case NpsGroup::Promoter: ++totals_.promoters; break;
        case NpsGroup::Detractor: ++totals_.detractors; break;
        case NpsGroup::Passive: ++totals_.passives; break;
    }
    ++totals_.exit_histogram[static_cast<std::size_t>(histogram_bin(s))];
    const std::int64_t p = c.purchases[i];
    totals_.purchases_sq += p * p;
    if (p > 0) ++totals_.exits_with_purchase;

    // Swap the last customer into the gap; the caller shrinks the arrays after the pass.
    const std::size_t last = --c.n;
    if (i != last) {
        c.moment[i] = c.moment[last];
        c.ticks_left[i] = c.ticks_left[last];
        c.impression[i] = c.impression[last];
        c.segment[i] = c.segment[last];
        c.purchases[i] = c.purchases[last];
        c.id[i] = c.id[last];
        c.from[i] = c.from[last];
        c.since[i] = c.since[last];
        c.flags[i] = c.flags[last];
    }
}

// ==== The tick =================================================================================

double Simulation::rating() const {
    const double a = scenario_.review_prior;
    return (reviews_pos_ + a) / (reviews_pos_ + reviews_neg_ + 2.0 * a);
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
    spawn(rng_.poisson(scenario_.arrivals_per_tick), false);
    if (scenario_.referral_rate > 0.0 && advocates_active_ > 0)
        spawn(rng_.poisson(scenario_.referral_rate * static_cast<double>(advocates_active_)), true);
    current_.advocates = advocates_active_;

    // The rating of this tick comes from reviews posted before it, so the pass order is moot.
    const double r = rating();
    current_.rating = r;
    const double gamma_term = scenario_.gamma * (2.0 * r - 1.0);

    // Occupancy is who is at each moment during this tick (after arrivals, before outcomes):
    // a customer who stays one tick counts once, so the steady state is arrivals x visits x
    // dwell, what the exact analysis predicts (Little's law). Counted in the pass itself.
    const std::size_t nm = scenario_.moments.size();
    const std::size_t base = occupancy_.size();
    occupancy_.resize(base + nm, 0);
    std::int64_t* occ = occupancy_.data() + base;

    // One pass. A customer swapped in from the end has not been seen this tick yet, so the
    // index only moves on when the customer at i stays.
    Crowd c = crowd();
    double sum = 0;
    std::size_t i = 0;
    while (i < c.n) {
        ++occ[c.moment[i]];
        if (--c.ticks_left[i] > 0 || !finish(c, i, gamma_term)) {
            sum += c.impression[i];
            ++i;
        }
    }
    resize_crowd(c.n);

    reviews_pos_ *= review_decay_;
    reviews_neg_ *= review_decay_;

    // Per-tick record.
    current_.active = static_cast<std::int64_t>(moment_.size());
    current_.mean_impression = moment_.empty() ? 0.0 : sum / static_cast<double>(moment_.size());
    current_.nps = totals_.nps();
    series_.push_back(current_);
    ++tick_;
}

void Simulation::run(int ticks) {
    for (int t = 0; t < ticks; ++t) step();
}

void Simulation::run_to_end() {
    while (!finished()) step();
}

std::vector<std::int64_t> Simulation::live_histogram() const {
    std::vector<std::int64_t> h(kHistogramBins, 0);
    for (float s : impression_) ++h[static_cast<std::size_t>(histogram_bin(s))];
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
