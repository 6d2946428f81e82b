// The cohort engine (see cohort.h). The tick follows Simulation::step() step by step:
// advocates expire, arrivals (initial at tick 0, then Poisson and referrals, or the market's
// Binomial(U, h)) enter with their dwell, loyal customers due back re-enter, the rating of the
// tick is fixed, then every customer whose dwell ends draws an outcome and moves; customers
// who move during the pass start their next dwell after it; finishers decide whether they come
// back.
#include "engine/cohort.h"

#include <algorithm>
#include <cmath>  // std::floor and std::fabs only

#include "engine/metrics.h"  // shared with the agent engine
#include "engine/odds.h"

namespace motsim {

namespace {
constexpr int kPos = 0, kNeu = 1, kNeg = 2, kMagic = 3;

// Normalised route with the model's default when it has no usable weight.
std::vector<double> normalise(const std::vector<double>& w, std::size_t n) {
    std::vector<double> p(n, 0.0);
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) total += i < w.size() && w[i] > 0.0 ? w[i] : 0.0;
    for (std::size_t i = 0; i < n; ++i) p[i] = total > 0.0 && i < w.size() && w[i] > 0.0 ? w[i] / total : 0.0;
    return p;
}

// An impression after an impact, exactly as the agent engine stores it.
inline float moved(float before, double impact) {
    return static_cast<float>(std::min(std::max(static_cast<double>(before) + impact, -1.0), 1.0));
}
// A starting impression as the agent engine stores it.
inline float start_value(double initial, double boost) {
    return static_cast<float>(std::clamp(initial + boost, -1.0, 1.0));
}

bool referrals_possible(const Scenario& s) { return !s.market.enabled && s.referral_rate > 0.0; }

// Every impact an outcome with a chance can apply (impacts of 0 move nobody).
std::vector<double> used_impacts(const Scenario& s) {
    const bool any_shift =
        std::any_of(s.segments.begin(), s.segments.end(), [](const Segment& g) { return g.shift != 0.0; });
    std::vector<double> out;
    auto add = [&](double x) {
        if (x != 0.0 && std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
    };
    for (const Moment& m : s.moments) {
        const bool varies = s.beta != 0.0 || any_shift || (m.reads_reviews && s.gamma != 0.0);
        if (m.positive > 0.0) add(m.impact[static_cast<int>(Outcome::Positive)]);
        if (m.negative > 0.0) add(m.impact[static_cast<int>(Outcome::Negative)]);
        if (1.0 - m.positive - m.negative > 0.0 || (varies && m.positive < 1.0 && m.negative < 1.0))
            add(m.impact[static_cast<int>(Outcome::Neutral)]);
        if (m.magic > 0.0 && m.positive > 0.0) add(m.impact[static_cast<int>(Outcome::Magic)]);
    }
    return out;
}
}  // namespace

namespace {
// The value of `set` (sorted) nearest to v, if one is within kSameImpression; else -1.
int nearest(const std::vector<float>& set, float v) {
    const auto it = std::lower_bound(set.begin(), set.end(), v);
    int best = -1;
    double gap = kSameImpression;
    auto consider = [&](std::vector<float>::const_iterator at) {
        const double d = std::fabs(static_cast<double>(*at) - static_cast<double>(v));
        if (d <= gap) {
            gap = d;
            best = static_cast<int>(at - set.begin());
        }
    };
    if (it != set.end()) consider(it);
    if (it != set.begin()) consider(it - 1);
    return best;
}
}  // namespace

std::vector<float> reachable_impressions(const Scenario& s, std::size_t cap) {
    const std::vector<double> impacts = used_impacts(s);
    std::vector<float> sorted, queue;  // the values found: sorted, and in the order found
    auto visit = [&](float v) {
        v += 0.0f;  // -0 is 0
        if (nearest(sorted, v) >= 0) return;
        sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), v), v);
        queue.push_back(v);
    };
    const std::vector<Segment> one{Segment{}};
    for (const Segment& g : s.segments.empty() ? one : s.segments) {
        visit(start_value(g.initial_impression, 0.0));
        if (referrals_possible(s)) visit(start_value(g.initial_impression, s.referral_boost));
    }
    // Breadth first: a value's first representative is reached by the fewest moves.
    for (std::size_t next = 0; next < queue.size(); ++next) {
        if (queue.size() > cap) return {};
        for (double x : impacts) visit(moved(queue[next], x));
    }
    if (sorted.size() > cap) return {};
    return sorted;
}

// ==== Setup ======================================================================================

Cohort::Cohort(const Scenario& scenario, CohortOptions options) : Cohort(scenario, scenario.seed, options) {}

Cohort::Cohort(const Scenario& scenario, std::uint64_t seed, CohortOptions options)
    : scenario_(scenario), options_(options), seed_(seed), rng_(seed) {
    options_.buckets = std::clamp(options_.buckets | 1, 3, 2001);
    G_ = std::max<std::size_t>(1, scenario_.segments.size());
    stats_.resize(scenario_.moments.size());
    prepare();
}

Cohort::Move Cohort::locate(double s) const {
    s = std::clamp(s, -1.0, 1.0);
    const double x = (s + 1.0) / width_;
    int lo = static_cast<int>(std::floor(x));
    double f = x - lo;
    if (f > 1.0 - 1e-7) {  // on a point up to rounding: do not split off a sliver
        ++lo;
        f = 0.0;
    } else if (f < 1e-7) {
        f = 0.0;
    }
    const int last = static_cast<int>(values_.size()) - 1;
    if (lo >= last) return {last, 0.0};
    if (lo < 0) return {0, 0.0};
    return {lo, f};
}

void Cohort::prepare() {
    const int n = static_cast<int>(scenario_.moments.size());
    const Loyalty& loyalty = scenario_.loyalty;

    // The impressions: the exact reachable set, else the grid.
    const std::vector<float> exact =
        options_.max_values > 0 ? reachable_impressions(scenario_, static_cast<std::size_t>(options_.max_values))
                                : std::vector<float>{};
    exact_ = !exact.empty();
    values_.clear();
    if (exact_) {
        for (float v : exact) values_.push_back(static_cast<double>(v));
    } else {
        const int b = options_.buckets;
        width_ = 2.0 / static_cast<double>(b - 1);
        for (int k = 0; k < b; ++k) values_.push_back(-1.0 + width_ * k);
    }
    V_ = values_.size();
    auto index_of = [&](float v) {  // in the exact set (an outcome that cannot happen: the nearest)
        const int at = nearest(exact, v + 0.0f);
        if (at >= 0) return at;
        const auto it = std::lower_bound(exact.begin(), exact.end(), v);
        return static_cast<int>(
            std::min<std::ptrdiff_t>(it - exact.begin(), static_cast<std::ptrdiff_t>(exact.size()) - 1));
    };
    auto move_to = [&](double before, double impact) -> Move {
        if (exact_) return {index_of(moved(static_cast<float>(before), impact)), 0.0};
        return locate(before + impact);
    };
    group_.assign(V_, 0);
    advocate_.assign(V_, 0);
    critic_.assign(V_, 0);
    review_positive_.assign(V_, 0);
    return_p_.assign(V_, 0.0);
    for (std::size_t v = 0; v < V_; ++v) {
        const double s = values_[v];
        group_[v] = static_cast<std::uint8_t>(nps_group(nps_score(s)));
        advocate_[v] = is_advocate(s, scenario_.advocate_threshold);
        critic_[v] = is_critic(s, scenario_.critic_threshold);
        review_positive_[v] = review_is_positive(s);
        return_p_[v] = loyalty.enabled ? return_probability(loyalty.base, loyalty.impression, s) : 0.0;
    }

    // Moments: odds, dwell rings, routes, moves, reviews.
    cache_.assign(scenario_.moments.size(), MomentCache{});
    for (int m = 0; m < n; ++m) {
        const Moment& mo = scenario_.moments[static_cast<std::size_t>(m)];
        MomentCache& c = cache_[static_cast<std::size_t>(m)];
        c.logit_pos = safe_logit(mo.positive);
        c.logit_neg = safe_logit(mo.negative);
        const int dmin = std::max(1, mo.dwell_min);
        const int dmax = std::max(dmin, mo.dwell_max);
        c.dwell_slots = dmax;
        c.ring.assign(static_cast<std::size_t>(dmax), Cells{});
        c.dwell_p.assign(static_cast<std::size_t>(dmax - dmin + 1), 1.0 / (dmax - dmin + 1));
        for (int o = 0; o < 3; ++o) {
            const Route& r = mo.next[static_cast<std::size_t>(o)];
            Target& t = c.routes[static_cast<std::size_t>(o)];
            t.to = r.targets;
            t.p = normalise(r.weights, r.targets.size());
            double sum = 0.0;
            for (double p : t.p) sum += p;
            if (!(sum > 0.0)) t = Target{{o == kNeg ? kLost : (m + 1 < n ? m + 1 : kDone)}, {1.0}};
        }
        for (int o = 0; o < kOutcomeCount; ++o) {
            auto& mv = c.move[static_cast<std::size_t>(o)];
            mv.resize(V_);
            for (std::size_t v = 0; v < V_; ++v) mv[v] = move_to(values_[v], mo.impact[static_cast<std::size_t>(o)]);
        }
        for (int g = 0; g < 3; ++g)
            c.review[static_cast<std::size_t>(g)] =
                mo.review_by_group ? mo.review_group[static_cast<std::size_t>(g)] : mo.review;
    }

    // Purchase classes: as many as a customer can reach (0, 1, 2, 3+), 1 without purchases.
    // Without loyalty and without a loop the most purchases are those on the longest path.
    {
        std::vector<int> longest(static_cast<std::size_t>(n), -1);  // -1 unknown, -2 in progress
        bool loop = false;
        auto depth = [&](auto&& self, int m) -> int {
            int& d = longest[static_cast<std::size_t>(m)];
            if (d == -2) {
                loop = true;
                return 3;
            }
            if (d >= 0) return d;
            d = -2;
            int best = 0;
            for (const Target& t : cache_[static_cast<std::size_t>(m)].routes)
                for (int to : t.to)
                    if (to >= 0 && to < n) best = std::max(best, self(self, to));
            const int here = std::min(3, best + (scenario_.moments[static_cast<std::size_t>(m)].purchase ? 1 : 0));
            longest[static_cast<std::size_t>(m)] = here;
            return here;
        };
        int most = 0;
        bool any_purchase = false;
        for (int m = 0; m < n; ++m) {
            most = std::max(most, depth(depth, m));
            any_purchase = any_purchase || scenario_.moments[static_cast<std::size_t>(m)].purchase;
        }
        if (!any_purchase)
            most = 0;
        else if (loop || loyalty.enabled)
            most = 3;
        P_ = static_cast<std::size_t>(most) + 1;
    }

    // Departure memories: what a customer who may come back counted as when it last left.
    codes_.assign(1, 0);
    if (loyalty.enabled) {
        for (std::size_t v = 0; v < V_; ++v) {
            const int base = advocate_[v] | (critic_[v] << 1);
            const int group = group_[v] + 1;
            const NpsAsked asked = scenario_.nps_asked;
            for (int a = 0; a < 2; ++a) {
                const bool is_asked = a == 1;
                if (is_asked && asked == NpsAsked::Buyers && P_ == 1) continue;
                if (!is_asked && asked != NpsAsked::Buyers) continue;
                const auto code = static_cast<std::uint8_t>(base | ((is_asked ? group : 0) << 2));
                if (std::find(codes_.begin(), codes_.end(), code) == codes_.end()) codes_.push_back(code);
            }
        }
        std::sort(codes_.begin(), codes_.end());
    }
    K_ = codes_.size();
    memory_of_.fill(0);
    for (std::size_t k = 0; k < K_; ++k) memory_of_[codes_[k]] = static_cast<int>(k);
    // Merging through a dense scratch of every type, while it stays small (8 MB).
    const std::size_t types = G_ * P_ * K_ * V_;
    merged_.assign(types <= (std::size_t{1} << 20) ? types : 0, 0.0);
    seen_.assign(merged_.size(), 0);
    odds_table_.assign(G_ * V_, Odds{});
    odds_stamp_.assign(G_ * V_, 0);

    // Arrivals: segments, their starting impressions, entries.
    double share_total = 0.0;
    for (const Segment& g : scenario_.segments) share_total += g.share > 0.0 ? g.share : 0.0;
    segment_p_.assign(G_, share_total > 0.0 ? 0.0 : 1.0 / static_cast<double>(G_));
    segment_shift_.assign(G_, 0.0);
    start_.assign(G_, Move{});
    referred_start_.assign(G_, Move{});
    for (std::size_t g = 0; g < G_; ++g) {
        const Segment seg = g < scenario_.segments.size() ? scenario_.segments[g] : Segment{};
        if (share_total > 0.0) segment_p_[g] = seg.share > 0.0 ? seg.share / share_total : 0.0;
        segment_shift_[g] = seg.shift;
        const float s0 = start_value(seg.initial_impression, 0.0);
        const float s1 = start_value(seg.initial_impression, scenario_.referral_boost);
        start_[g] = exact_ ? Move{index_of(s0), 0.0} : locate(s0);
        referred_start_[g] =
            exact_ ? (referrals_possible(scenario_) ? Move{index_of(s1), 0.0} : start_[g]) : locate(s1);
    }
    entry_.to = scenario_.entry.targets;
    entry_.p = normalise(scenario_.entry.weights, entry_.to.size());
    double entry_sum = 0.0;
    for (double w : entry_.p) entry_sum += w;
    if (!(entry_sum > 0.0)) entry_ = Target{{0}, {1.0}};  // the model's default: the first moment
    review_decay_ = review_decay_per_tick(scenario_.review_half_life);

    // Loyalty: the ring of those waiting (as the agent engine's: max(1, after_max) + 1 rows).
    waiting_.clear();
    if (loyalty.enabled) {
        waiting_.assign(static_cast<std::size_t>(std::max(1, loyalty.after_max)) + 1, Cells{});
        delay_min_ = loyalty.after_min;
        const int span = std::max(0, loyalty.after_max - loyalty.after_min);
        delay_p_.assign(static_cast<std::size_t>(span) + 1, 1.0 / (span + 1));
        return_to_.to = loyalty.return_to.targets;
        return_to_.p = normalise(loyalty.return_to.weights, return_to_.to.size());
    }
}

// ==== Draws ======================================================================================

double Cohort::draw_binomial(double n, double p) {
    if (!(n > 0.0) || !(p > 0.0)) return 0.0;
    if (p >= 1.0) return n;
    if (options_.mode == CohortMode::Expected) return n * p;
    return static_cast<double>(rng_.binomial(static_cast<std::int64_t>(n), p));
}

double Cohort::draw_poisson(double mean) {
    if (options_.mode == CohortMode::Expected) return mean > 0.0 ? mean : 0.0;
    return static_cast<double>(rng_.poisson(mean));
}

void Cohort::split(double n, const std::vector<double>& p, std::vector<double>& out) {
    out.assign(p.size(), 0.0);
    if (!(n > 0.0) || p.empty()) return;
    // Multinomial as chained binomials: the i-th part takes its share of what is left.
    double left = n, mass = 1.0;
    for (std::size_t i = 0; i + 1 < p.size(); ++i) {
        if (!(left > 0.0)) return;
        const double x = mass > 0.0 ? draw_binomial(left, std::min(1.0, p[i] / mass)) : 0.0;
        out[i] = x;
        left -= x;
        mass -= p[i];
    }
    out.back() = left > 0.0 ? left : 0.0;
}

void Cohort::merge(Cells& cells) {
    if (cells.size() < 2) return;
    if (!merged_.empty()) {
        order_.clear();
        for (const Cell& c : cells) {
            if (!seen_[c.type]) {
                seen_[c.type] = 1;
                order_.push_back(c.type);
                merged_[c.type] = c.n;
            } else {
                merged_[c.type] += c.n;
            }
        }
        cells.resize(order_.size());
        for (std::size_t i = 0; i < order_.size(); ++i) {
            const std::uint32_t t = order_[i];
            cells[i] = {t, merged_[t]};
            seen_[t] = 0;
        }
        return;
    }
    std::stable_sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) { return a.type < b.type; });
    std::size_t out = 0;
    for (std::size_t i = 1; i < cells.size(); ++i) {
        if (cells[i].type == cells[out].type)
            cells[out].n += cells[i].n;
        else
            cells[++out] = cells[i];
    }
    cells.resize(out + 1);
}

// ==== Customers ==================================================================================

// `count` customers of `type` enter moment m. Arrivals and returns enter before the pass
// (`now`: their dwell counts from this tick), movers after it (their dwell starts next tick).
void Cohort::place(int m, std::uint32_t type, double count, bool now) {
    if (!(count > 0.0)) return;
    stats_[static_cast<std::size_t>(m)].entered += count;
    MomentCache& c = cache_[static_cast<std::size_t>(m)];
    if (!now) {
        c.incoming.push_back({type, count});
        return;
    }
    const int dmin = c.dwell_slots - static_cast<int>(c.dwell_p.size()) + 1;
    split(count, c.dwell_p, dwell_parts_);
    for (std::size_t k = 0; k < dwell_parts_.size(); ++k) {
        if (!(dwell_parts_[k] > 0.0)) continue;
        const int d = dmin + static_cast<int>(k);  // finishes in d ticks, this one included
        c.ring[static_cast<std::size_t>((c.head + d - 1) % c.dwell_slots)].push_back({type, dwell_parts_[k]});
    }
}

// After the pass and the turn of the rings: the movers start their dwell.
void Cohort::settle(MomentCache& c) {
    if (c.incoming.empty()) return;
    merge(c.incoming);
    const int dmin = c.dwell_slots - static_cast<int>(c.dwell_p.size()) + 1;
    for (const Cell& in : c.incoming) {
        split(in.n, c.dwell_p, dwell_parts_);
        for (std::size_t k = 0; k < dwell_parts_.size(); ++k)
            if (dwell_parts_[k] > 0.0)
                c.ring[static_cast<std::size_t>((c.head + dmin + static_cast<int>(k) - 1) % c.dwell_slots)].push_back(
                    {in.type, dwell_parts_[k]});
    }
    c.incoming.clear();
}

void Cohort::spawn(double count, bool referred) {
    const double room = std::max(0.0, static_cast<double>(scenario_.max_customers) - created_);
    count = std::min(count, room);
    if (!(count > 0.0)) return;
    created_ += count;
    active_ += count;
    totals_.arrivals += count;
    current_.arrivals += count;
    if (referred) {
        totals_.referrals += count;
        current_.referrals += count;
    }
    split(count, segment_p_, segment_parts_);
    for (std::size_t g = 0; g < G_; ++g) {
        const double in_segment = segment_parts_[g];
        if (!(in_segment > 0.0)) continue;
        const Move at = referred ? referred_start_[g] : start_[g];
        const double hi = draw_binomial(in_segment, at.up);
        for (int half = 0; half < 2; ++half) {
            const double k = half ? hi : in_segment - hi;
            if (!(k > 0.0)) continue;
            const int v = at.to + half;
            impression_sum_ += k * values_[static_cast<std::size_t>(v)];
            split(k, entry_.p, entry_parts_);
            for (std::size_t e = 0; e < entry_parts_.size(); ++e)
                if (entry_.to[e] >= 0 && static_cast<std::size_t>(entry_.to[e]) < cache_.size())
                    place(entry_.to[e], type(g, 0, 0, static_cast<std::size_t>(v)), entry_parts_[e], true);
        }
    }
}

// Loyal customers due this tick re-enter at return_to as they left (not arrivals).
void Cohort::come_back() {
    if (waiting_.empty()) return;
    Cells& due = waiting_[static_cast<std::size_t>(tick_) % waiting_.size()];
    if (due.empty()) return;
    merge(due);
    for (const Cell& w : due) {
        waiting_count_ -= w.n;
        if (return_to_.to.empty()) continue;  // nowhere to go: those waiting stay away
        totals_.returns += w.n;
        current_.returns += w.n;
        active_ += w.n;
        impression_sum_ += w.n * values_[w.type % V_];
        split(w.n, return_to_.p, entry_parts_);
        for (std::size_t e = 0; e < entry_parts_.size(); ++e)
            if (return_to_.to[e] >= 0 && static_cast<std::size_t>(return_to_.to[e]) < cache_.size())
                place(return_to_.to[e], w.type, entry_parts_[e], true);
    }
    due.clear();
}

// `count` customers (segment g, purchase class p, memory k, impression v) leave the journey.
// What they counted as at an earlier departure is taken back (each customer counts once, by
// its latest departure); finishers may come back.
void Cohort::leave(int terminal, std::size_t g, std::size_t p, std::size_t k, int v, double count) {
    const bool done = terminal == kDone;
    const auto vi = static_cast<std::size_t>(v);
    active_ -= count;
    if (done) {
        totals_.done += count;
        current_.done += count;
    } else {
        totals_.lost += count;
        current_.lost += count;
    }
    const int before = codes_[k];
    const bool advocate = done && advocate_[vi];
    const bool critic = critic_[vi] != 0;
    if (advocate) {  // counted whatever the referral settings; refers only with a window
        totals_.advocates += count;
        if (scenario_.referral_ticks > 0) advocates_.add(tick_ + scenario_.referral_ticks, count);
    }
    totals_.market_advocates += count * ((advocate ? 1 : 0) - (before & 1));
    totals_.market_critics += count * ((critic ? 1 : 0) - ((before >> 1) & 1));
    const NpsAsked asked = scenario_.nps_asked;
    const bool is_asked =
        asked == NpsAsked::Everyone || (asked == NpsAsked::Buyers && p > 0) || (asked == NpsAsked::Finished && done);
    const int now = is_asked ? group_[vi] + 1 : 0;
    groups_[before >> 2] -= count;
    groups_[now] += count;
    totals_.detractors = groups_[1];
    totals_.passives = groups_[2];
    totals_.promoters = groups_[3];
    if (!done || waiting_.empty()) return;
    // Loyalty: it may come back, remembering what it counts as now (decided after the pass).
    const int code = (advocate ? 1 : 0) | (critic ? 2 : 0) | (now << 2);
    finishers_.push_back({type(g, p, static_cast<std::size_t>(memory_of_[static_cast<std::size_t>(code)]), vi), count});
}

// This tick's finishers draw r(s), then a delay, and wait in the ring until then.
void Cohort::decide_returns() {
    if (finishers_.empty()) return;
    merge(finishers_);
    for (const Cell& f : finishers_) {
        const double back = draw_binomial(f.n, return_p_[f.type % V_]);
        if (!(back > 0.0)) continue;
        split(back, delay_p_, delay_parts_);
        for (std::size_t d = 0; d < delay_parts_.size(); ++d) {
            if (!(delay_parts_[d] > 0.0)) continue;
            const std::size_t at =
                (static_cast<std::size_t>(tick_) + static_cast<std::size_t>(delay_min_) + d) % waiting_.size();
            waiting_[at].push_back({f.type, delay_parts_[d]});
            waiting_count_ += delay_parts_[d];
        }
    }
    finishers_.clear();
}

// ==== The tick ===================================================================================

double Cohort::rating() const { return public_rating(reviews_pos_, reviews_neg_, scenario_.review_prior); }

// `count` customers who finished moment m with `outcome` (positive, neutral or negative) and
// now hold impression v: reviews (by the NPS group of v), then the outcome's route.
void Cohort::route(int m, int outcome, std::size_t g, std::size_t p, std::size_t k, int v, double count) {
    MomentCache& c = cache_[static_cast<std::size_t>(m)];
    CohortMomentStats& st = stats_[static_cast<std::size_t>(m)];
    const auto vi = static_cast<std::size_t>(v);
    const double chance = c.review[group_[vi]];
    if (chance > 0.0) {
        const double posted = draw_binomial(count, chance);
        st.reviews += posted;
        if (review_positive_[vi]) {
            reviews_pos_ += posted;
            totals_.reviews_positive += posted;
            current_.reviews_positive += posted;
        } else {
            reviews_neg_ += posted;
            totals_.reviews_negative += posted;
            current_.reviews_negative += posted;
        }
    }
    const Target& t = c.routes[static_cast<std::size_t>(outcome)];
    split(count, t.p, route_parts_);
    for (std::size_t i = 0; i < route_parts_.size(); ++i) {
        const double x = route_parts_[i];
        if (!(x > 0.0)) continue;
        const int target = t.to[i];
        if (target >= 0 && static_cast<std::size_t>(target) < cache_.size()) {
            impression_sum_ += x * values_[vi];
            place(target, type(g, p, k, vi), x, false);
        } else {
            (target == kDone ? st.done_after : st.lost_after) += x;
            leave(target == kDone ? kDone : kLost, g, p, k, v, x);
        }
    }
}

// Everyone at moment m whose dwell ends now: outcomes, impacts, purchases, then routes.
void Cohort::pass_moment(int m, double gamma_term) {
    const Moment& mo = scenario_.moments[static_cast<std::size_t>(m)];
    MomentCache& c = cache_[static_cast<std::size_t>(m)];
    Cells& due = c.ring[static_cast<std::size_t>(c.head)];
    if (due.empty()) return;
    merge(due);
    if (++odds_epoch_ == 0) {  // (after 2^32 passes)
        std::fill(odds_stamp_.begin(), odds_stamp_.end(), 0);
        odds_epoch_ = 1;
    }
    CohortMomentStats& st = stats_[static_cast<std::size_t>(m)];
    const std::size_t last_class = P_ - 1;
    for (const Cell& cell : due) {
        const double n = cell.n;
        if (!(n > 0.0)) continue;
        std::size_t rest = cell.type;
        const auto v = static_cast<int>(rest % V_);
        rest /= V_;
        const std::size_t k = rest % K_;
        rest /= K_;
        const std::size_t p = rest % P_;
        const std::size_t g = rest / P_;
        impression_sum_ -= n * values_[static_cast<std::size_t>(v)];
        // The odds depend on the segment and the impression only: once per pass of a moment.
        const std::size_t at = g * V_ + static_cast<std::size_t>(v);
        if (odds_stamp_[at] != odds_epoch_) {
            const double z = segment_shift_[g] + scenario_.beta * values_[static_cast<std::size_t>(v)] +
                             (mo.reads_reviews ? gamma_term : 0.0);
            odds_table_[at] = odds_shifted(mo.positive, mo.negative, c.logit_pos, c.logit_neg, z);
            odds_stamp_[at] = odds_epoch_;
        }
        const Odds odds = odds_table_[at];
        odds_.assign({odds.positive, odds.neutral, odds.negative});
        split(n, odds_, outcome_parts_);
        const double pos = outcome_parts_[kPos], neu = outcome_parts_[kNeu], neg = outcome_parts_[kNeg];
        const double magic = mo.magic > 0.0 ? draw_binomial(pos, mo.magic) : 0.0;
        st.positive += pos;
        st.neutral += neu;
        st.negative += neg;
        st.magic += magic;
        current_.magic += magic;
        std::size_t bought_class = p;
        if (mo.purchase) {
            const double bought = pos + neu;
            st.purchases += bought;
            totals_.purchases += bought;
            current_.purchases += bought;
            if (p < 3) totals_.buyers[p] += bought;  // their (p + 1)-th purchase
            bought_class = std::min(p + 1, last_class);
        }
        const double counts[kOutcomeCount] = {pos - magic, neu, neg, magic};
        for (int o = 0; o < kOutcomeCount; ++o) {
            if (!(counts[o] > 0.0)) continue;
            const Move mv = c.move[static_cast<std::size_t>(o)][static_cast<std::size_t>(v)];
            const double hi = draw_binomial(counts[o], mv.up);
            const int r = o == kMagic ? kPos : o;
            const std::size_t pc = o == kNeg ? p : bought_class;
            const auto to = static_cast<std::size_t>(mv.to);
            if (counts[o] - hi > 0.0)
                finished_[static_cast<std::size_t>(r)].push_back({type(g, pc, k, to), counts[o] - hi});
            if (hi > 0.0) finished_[static_cast<std::size_t>(r)].push_back({type(g, pc, k, to + 1), hi});
        }
    }
    due.clear();
    // Those who finished alike (route, segment, purchases, memory, impression) are reviewed and
    // routed together.
    for (int r = 0; r < 3; ++r) {
        Cells& out = finished_[static_cast<std::size_t>(r)];
        merge(out);
        for (const Cell& f : out) {
            std::size_t rest = f.type;
            const auto v = static_cast<int>(rest % V_);
            rest /= V_;
            const std::size_t k = rest % K_;
            rest /= K_;
            route(m, r, rest / P_, rest % P_, k, v, f.n);
        }
        out.clear();
    }
}

void Cohort::step() {
    current_ = CohortTick{};
    current_.tick = tick_;
    advocates_.expire_before(tick_);
    if (advocates_.active() < 1e-9) advocates_.set_active(0.0);  // expected mode: rounding dust

    // Arrivals: the initial crowd, then Poisson arrivals and referrals, or the market's
    // Binomial(U, h) of those who never came; then the loyal customers due back.
    if (tick_ == 0) spawn(static_cast<double>(scenario_.initial), false);
    const Market& market = scenario_.market;
    if (market.enabled) {
        const double h =
            market_hazard(market.advertising, market.word_of_mouth, market.negative, totals_.market_advocates,
                          totals_.market_critics, static_cast<double>(market.size));
        const double never = std::max(0.0, static_cast<double>(market.size) - created_);
        spawn(draw_binomial(never, h), false);
    } else {
        spawn(draw_poisson(scenario_.arrivals_per_tick), false);
        if (scenario_.referral_rate > 0.0 && advocates_.active() > 0.0)
            spawn(draw_poisson(scenario_.referral_rate * advocates_.active()), true);
    }
    come_back();
    current_.advocates = advocates_.active();

    const double r = rating();
    current_.rating = r;
    const double gamma_term = scenario_.gamma * (2.0 * r - 1.0);

    // Occupancy is who is at each moment during this tick (after arrivals, before outcomes), as
    // in the agent engine: everyone who entered minus everyone who finished.
    for (const CohortMomentStats& s : stats_) occupancy_.push_back(s.entered - s.positive - s.neutral - s.negative);

    for (int m = 0; m < static_cast<int>(cache_.size()); ++m) pass_moment(m, gamma_term);

    // The rings turn (everyone is one tick closer to the end of their dwell), then the movers
    // of this tick start their dwell.
    for (MomentCache& c : cache_) {
        c.head = (c.head + 1) % c.dwell_slots;
        settle(c);
    }
    decide_returns();

    reviews_pos_ *= review_decay_;
    reviews_neg_ *= review_decay_;

    // The active count and the impressions' sum are kept by arrivals, moves and departures
    // (whole in stochastic mode); the mean is over those in the journey at the end of the tick.
    // (Expected mode: fewer than 1e-9 of everyone created are rounding dust.)
    const bool empty =
        options_.mode == CohortMode::Expected ? !(active_ > 1e-9 * std::max(1.0, created_)) : !(active_ > 0.0);
    current_.active = active_;
    current_.mean_impression = empty ? 0.0 : impression_sum_ / active_;
    current_.nps = totals_.nps();
    totals_.waiting = current_.waiting = waiting_count_;
    current_.market_advocates = totals_.market_advocates;
    current_.market_critics = totals_.market_critics;
    series_.push_back(current_);
    ++tick_;
}

void Cohort::run(int ticks) {
    for (int t = 0; t < ticks; ++t) step();
}

void Cohort::run_to_end() {
    while (!finished()) step();
}

std::vector<double> Cohort::live_histogram() const {
    std::vector<double> h(kHistogramBins, 0.0);
    for (const MomentCache& c : cache_)
        for (const Cells& slot : c.ring)
            for (const Cell& cell : slot)
                if (cell.n > 0.0) h[static_cast<std::size_t>(histogram_bin(values_[cell.type % V_]))] += cell.n;
    return h;
}

std::size_t Cohort::cells() const {
    std::size_t n = 0;
    for (const MomentCache& c : cache_)
        for (const Cells& slot : c.ring) n += slot.size();
    for (const Cells& slot : waiting_) n += slot.size();
    return n;
}

}  // namespace motsim
