// The cohort engine (see cohort.h). The tick follows Simulation::step() step by step:
// advocates expire, arrivals (initial at tick 0, Poisson, referrals) enter with their dwell,
// the rating of the tick is fixed, then every customer whose dwell ends draws an outcome and
// moves; customers who move during the pass start their next dwell after it.
#include "engine/cohort.h"

#include <algorithm>
#include <cmath>  // std::floor only

#include "engine/odds.h"
#include "engine/metrics.h"  // shared with the agent engine

namespace motsim {

namespace {
constexpr int kPos = 0, kNeu = 1, kNeg = 2, kMagic = 3;
}  // namespace

// ==== Setup ======================================================================================

Cohort::Cohort(const Scenario& scenario, CohortOptions options) : Cohort(scenario, scenario.seed, options) {}

Cohort::Cohort(const Scenario& scenario, std::uint64_t seed, CohortOptions options)
    : scenario_(scenario), options_(options), seed_(seed), rng_(seed) {
    options_.buckets = std::clamp(options_.buckets | 1, 3, 2001);
    B_ = static_cast<std::size_t>(options_.buckets);
    width_ = 2.0 / static_cast<double>(B_ - 1);
    G_ = std::max<std::size_t>(1, scenario_.segments.size());
    stats_.resize(scenario_.moments.size());
    prepare();
}

std::pair<int, double> Cohort::locate(double s) const {
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
    const int last = options_.buckets - 1;
    if (lo >= last) return {last, 0.0};
    if (lo < 0) return {0, 0.0};
    return {lo, f};
}

namespace {
// Normalised route with the model's default when it has no usable weight.
std::vector<double> normalise(const std::vector<double>& w, std::size_t n) {
    std::vector<double> p(n, 0.0);
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) total += i < w.size() && w[i] > 0.0 ? w[i] : 0.0;
    for (std::size_t i = 0; i < n; ++i) p[i] = total > 0.0 && i < w.size() && w[i] > 0.0 ? w[i] / total : 0.0;
    return p;
}
}  // namespace

void Cohort::prepare() {
    const int n = static_cast<int>(scenario_.moments.size());
    cache_.assign(scenario_.moments.size(), MomentCache{});
    std::size_t offset = 0;
    for (int m = 0; m < n; ++m) {
        const Moment& mo = scenario_.moments[static_cast<std::size_t>(m)];
        MomentCache& c = cache_[static_cast<std::size_t>(m)];
        c.logit_pos = safe_logit(mo.positive);
        c.logit_neg = safe_logit(mo.negative);
        const int dmin = std::max(1, mo.dwell_min);
        const int dmax = std::max(dmin, mo.dwell_max);
        c.dwell_slots = dmax;
        c.offset = offset;
        offset += static_cast<std::size_t>(dmax) * G_ * B_;
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
            mv.resize(B_);
            for (std::size_t b = 0; b < B_; ++b)
                mv[b] = locate(bucket_centre(static_cast<int>(b)) + mo.impact[static_cast<std::size_t>(o)]);
        }
    }
    state_.assign(offset, 0.0);
    incoming_.assign(scenario_.moments.size() * G_ * B_, 0.0);
    leaving_.assign(3 * G_ * B_, 0.0);

    double share_total = 0.0;
    for (const Segment& g : scenario_.segments) share_total += g.share > 0.0 ? g.share : 0.0;
    segment_p_.assign(G_, share_total > 0.0 ? 0.0 : 1.0 / static_cast<double>(G_));
    start_bucket_.assign(G_, {0, 0.0});
    referred_bucket_.assign(G_, {0, 0.0});
    for (std::size_t g = 0; g < scenario_.segments.size(); ++g) {
        const Segment& seg = scenario_.segments[g];
        if (share_total > 0.0) segment_p_[g] = seg.share > 0.0 ? seg.share / share_total : 0.0;
        start_bucket_[g] = locate(seg.initial_impression);
        referred_bucket_[g] = locate(std::clamp(seg.initial_impression, -1.0, 1.0) + scenario_.referral_boost);
    }
    if (scenario_.segments.empty()) start_bucket_[0] = referred_bucket_[0] = locate(0.0);
    entry_.to = scenario_.entry.targets;
    entry_.p = normalise(scenario_.entry.weights, entry_.to.size());
    double entry_sum = 0.0;
    for (double w : entry_.p) entry_sum += w;
    if (!(entry_sum > 0.0)) entry_ = Target{{0}, {1.0}};  // the model's default: the first moment
    review_decay_ = review_decay_per_tick(scenario_.review_half_life);
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

// ==== Customers ==================================================================================

// `count` customers enter moment m in (segment g, bucket b). Arrivals enter before the pass
// (`now`: their dwell counts from this tick), movers after it (their dwell starts next tick).
void Cohort::place(int m, int g, int b, double count, bool now) {
    if (!(count > 0.0)) return;
    stats_[static_cast<std::size_t>(m)].entered += count;
    if (!now) {
        incoming_[(static_cast<std::size_t>(m) * G_ + static_cast<std::size_t>(g)) * B_ +
                  static_cast<std::size_t>(b)] += count;
        return;
    }
    MomentCache& c = cache_[static_cast<std::size_t>(m)];
    const int dmin = c.dwell_slots - static_cast<int>(c.dwell_p.size()) + 1;
    split(count, c.dwell_p, scratch2_);
    for (std::size_t k = 0; k < scratch2_.size(); ++k) {
        if (!(scratch2_[k] > 0.0)) continue;
        const int d = dmin + static_cast<int>(k);  // slot of "finishes in d ticks"
        state_[cell(c, (c.head + d - 1) % c.dwell_slots, g, b)] += scratch2_[k];
    }
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
    std::vector<double> by_segment, by_entry;
    split(count, segment_p_, by_segment);
    for (std::size_t g = 0; g < G_; ++g) {
        if (!(by_segment[g] > 0.0)) continue;
        const auto [b, up] = referred ? referred_bucket_[g] : start_bucket_[g];
        const double hi = draw_binomial(by_segment[g], up);
        const double lo = by_segment[g] - hi;
        for (int half = 0; half < 2; ++half) {
            const double n = half ? hi : lo;
            if (!(n > 0.0)) continue;
            split(n, entry_.p, by_entry);
            for (std::size_t e = 0; e < by_entry.size(); ++e)
                if (entry_.to[e] >= 0 && static_cast<std::size_t>(entry_.to[e]) < cache_.size())
                    place(entry_.to[e], static_cast<int>(g), b + half, by_entry[e], true);
        }
    }
}

void Cohort::leave(int terminal, int b, double count) {
    active_ -= count;
    const double s = bucket_centre(b);
    if (terminal == kLost) {
        totals_.lost += count;
        current_.lost += count;
    } else {
        totals_.done += count;
        current_.done += count;
        if (is_advocate(s, scenario_.advocate_threshold) && scenario_.referral_ticks > 0) {
            totals_.advocates += count;
            advocates_.add(tick_ + scenario_.referral_ticks, count);
        }
    }
    switch (nps_group(nps_score(s))) {
        case NpsGroup::Promoter:
            totals_.promoters += count;
            break;
        case NpsGroup::Detractor:
            totals_.detractors += count;
            break;
        case NpsGroup::Passive:
            totals_.passives += count;
            break;
    }
}

// ==== The tick ===================================================================================

double Cohort::rating() const { return public_rating(reviews_pos_, reviews_neg_, scenario_.review_prior); }

// Everyone at moment m whose dwell ends now: outcomes, impacts, reviews, routes.
void Cohort::pass_moment(int m, double gamma_term) {
    const Moment& mo = scenario_.moments[static_cast<std::size_t>(m)];
    MomentCache& c = cache_[static_cast<std::size_t>(m)];
    CohortMomentStats& st = stats_[static_cast<std::size_t>(m)];
    std::fill(leaving_.begin(), leaving_.end(), 0.0);
    bool any = false;
    std::vector<double>& p = scratch_;
    std::vector<double> parts;
    for (std::size_t g = 0; g < G_; ++g) {
        const double shift = g < scenario_.segments.size() ? scenario_.segments[g].shift : 0.0;
        for (std::size_t b = 0; b < B_; ++b) {
            double& slot = state_[cell(c, c.head, static_cast<int>(g), static_cast<int>(b))];
            const double n = slot;
            if (!(n > 0.0)) continue;
            slot = 0.0;
            any = true;
            const double z =
                shift + scenario_.beta * bucket_centre(static_cast<int>(b)) + (mo.reads_reviews ? gamma_term : 0.0);
            const Odds odds = odds_shifted(mo.positive, mo.negative, c.logit_pos, c.logit_neg, z);
            p.assign({odds.positive, odds.neutral, odds.negative});
            split(n, p, parts);
            const double magic = mo.magic > 0.0 ? draw_binomial(parts[kPos], mo.magic) : 0.0;
            st.positive += parts[kPos];
            st.neutral += parts[kNeu];
            st.negative += parts[kNeg];
            st.magic += magic;
            current_.magic += magic;
            if (mo.purchase) {
                const double bought = parts[kPos] + parts[kNeu];
                st.purchases += bought;
                totals_.purchases += bought;
                current_.purchases += bought;
            }
            const double counts[kOutcomeCount] = {parts[kPos] - magic, parts[kNeu], parts[kNeg], magic};
            for (int o = 0; o < kOutcomeCount; ++o) {
                if (!(counts[o] > 0.0)) continue;
                const auto [to, up] = c.move[static_cast<std::size_t>(o)][b];
                const double hi = draw_binomial(counts[o], up);
                const int route = o == kMagic ? kPos : o;
                const std::size_t base = (static_cast<std::size_t>(route) * G_ + g) * B_;
                leaving_[base + static_cast<std::size_t>(to)] += counts[o] - hi;
                if (hi > 0.0) leaving_[base + static_cast<std::size_t>(to) + 1] += hi;
            }
        }
    }
    if (!any) return;
    for (int route = 0; route < 3; ++route) {
        const Target& t = c.routes[static_cast<std::size_t>(route)];
        for (std::size_t g = 0; g < G_; ++g)
            for (std::size_t b = 0; b < B_; ++b) {
                const double n = leaving_[(static_cast<std::size_t>(route) * G_ + g) * B_ + b];
                if (!(n > 0.0)) continue;
                if (mo.review > 0.0) {  // reviews carry the impression after the impact
                    const double k = draw_binomial(n, mo.review);
                    st.reviews += k;
                    if (review_is_positive(bucket_centre(static_cast<int>(b)))) {
                        reviews_pos_ += k;
                        totals_.reviews_positive += k;
                        current_.reviews_positive += k;
                    } else {
                        reviews_neg_ += k;
                        totals_.reviews_negative += k;
                        current_.reviews_negative += k;
                    }
                }
                split(n, t.p, parts);
                for (std::size_t k = 0; k < parts.size(); ++k) {
                    if (!(parts[k] > 0.0)) continue;
                    const int target = t.to[k];
                    if (target >= 0 && static_cast<std::size_t>(target) < cache_.size()) {
                        place(target, static_cast<int>(g), static_cast<int>(b), parts[k], false);
                    } else {
                        if (target == kDone)
                            st.done_after += parts[k];
                        else
                            st.lost_after += parts[k];
                        leave(target == kDone ? kDone : kLost, static_cast<int>(b), parts[k]);
                    }
                }
            }
    }
}

void Cohort::step() {
    current_ = CohortTick{};
    current_.tick = tick_;
    advocates_.expire_before(tick_);
    if (advocates_.active() < 1e-9) advocates_.set_active(0.0);  // expected mode: rounding dust

    if (tick_ == 0) spawn(static_cast<double>(scenario_.initial), false);
    spawn(draw_poisson(scenario_.arrivals_per_tick), false);
    if (scenario_.referral_rate > 0.0 && advocates_.active() > 0.0)
        spawn(draw_poisson(scenario_.referral_rate * advocates_.active()), true);
    current_.advocates = advocates_.active();

    const double r = rating();
    current_.rating = r;
    const double gamma_term = scenario_.gamma * (2.0 * r - 1.0);

    // Occupancy is who is at each moment during this tick (after arrivals, before outcomes), as
    // in the agent engine: a one-tick stay counts once, and the steady state is arrivals x
    // visits x dwell, the exact analysis' prediction.
    const std::size_t nm = cache_.size();
    const std::size_t base = occupancy_.size();
    occupancy_.resize(base + nm, 0.0);
    for (std::size_t m = 0; m < nm; ++m) {
        const MomentCache& c = cache_[m];
        const std::size_t size = static_cast<std::size_t>(c.dwell_slots) * G_ * B_;
        double occ = 0.0;
        for (std::size_t k = 0; k < size; ++k) occ += state_[c.offset + k];
        occupancy_[base + m] = occ;
    }

    for (int m = 0; m < static_cast<int>(cache_.size()); ++m) pass_moment(m, gamma_term);

    // The rings turn (everyone is one tick closer to the end of their dwell), then the movers
    // of this tick start their dwell.
    for (MomentCache& c : cache_) c.head = (c.head + 1) % c.dwell_slots;
    for (std::size_t m = 0; m < cache_.size(); ++m) {
        MomentCache& c = cache_[m];
        const int dmin = c.dwell_slots - static_cast<int>(c.dwell_p.size()) + 1;
        for (std::size_t g = 0; g < G_; ++g)
            for (std::size_t b = 0; b < B_; ++b) {
                double& in = incoming_[(m * G_ + g) * B_ + b];
                if (!(in > 0.0)) continue;
                split(in, c.dwell_p, scratch2_);
                in = 0.0;
                for (std::size_t k = 0; k < scratch2_.size(); ++k)
                    if (scratch2_[k] > 0.0)
                        state_[cell(c, (c.head + dmin + static_cast<int>(k) - 1) % c.dwell_slots, static_cast<int>(g),
                                    static_cast<int>(b))] += scratch2_[k];
            }
    }

    reviews_pos_ *= review_decay_;
    reviews_neg_ *= review_decay_;

    // Per-tick record: the mean impression of those in the journey at the end of the tick.
    double total = 0.0, weighted = 0.0;
    for (std::size_t m = 0; m < nm; ++m) {
        const MomentCache& c = cache_[m];
        const std::size_t size = static_cast<std::size_t>(c.dwell_slots) * G_ * B_;
        for (std::size_t k = 0; k < size; ++k) {
            const double n = state_[c.offset + k];
            if (n == 0.0) continue;
            total += n;
            weighted += n * bucket_centre(static_cast<int>(k % B_));
        }
    }
    // The active count is kept by arrivals and departures (exact in stochastic mode); the sum
    // over cells is only used for the mean impression.
    current_.active = active_;
    current_.mean_impression = total > 0.0 ? weighted / total : 0.0;
    current_.nps = totals_.nps();
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
    for (std::size_t k = 0; k < state_.size(); ++k)
        if (state_[k] > 0.0) {
            // Cells of every moment are laid out with the bucket innermost.
            const int b = static_cast<int>(k % B_);
            h[static_cast<std::size_t>(histogram_bin(bucket_centre(b)))] += state_[k];
        }
    return h;
}

}  // namespace motsim
