// What both engines measure, defined once: the NPS score and groups, the impression histogram,
// a review's sign and the public rating, advocates and their referral windows. The agent engine
// (simulation.h) counts customers one by one, the cohort engine (cohort.h) counts cells of them
// (whole or fractional): the definitions here are what makes their numbers comparable.
#pragma once
#include <algorithm>
#include <deque>
#include <limits>
#include <utility>

#include "engine/fmath.h"

namespace motsim {

inline constexpr int kHistogramBins = 20;  // impression histogram over [-1, 1]

// Impressions are sums of decimal impacts kept as floats (about seven digits): one within
// kImpressionEdge of a threshold counts as on it, so that 0.15 + 0.15 is 0.3 for the NPS
// rounding, the advocate threshold and a review's sign, as in the exact analysis and the
// cohort engine (a float 0.29999998 would otherwise make a detractor of a passive).
inline constexpr double kImpressionEdge = 1e-6;
inline bool is_advocate(double s, double threshold) { return s >= threshold - kImpressionEdge; }
inline bool review_is_positive(double s) { return s > kImpressionEdge; }

// NPS score 0..10 of an impression s in [-1, 1]: round(5 (s + 1)), halves up.
inline int nps_score(double s) {
    const double v = 5.0 * (s + kImpressionEdge + 1.0) + 0.5;
    const int score = static_cast<int>(v);  // v >= 0.5 so truncation is floor
    return std::clamp(score, 0, 10);
}
// The NPS group of a score: promoters score 9-10, detractors 0-6, passives 7-8.
enum class NpsGroup { Detractor, Passive, Promoter };
inline NpsGroup nps_group(int score) {
    return score >= 9 ? NpsGroup::Promoter : score <= 6 ? NpsGroup::Detractor : NpsGroup::Passive;
}
// Net promoter score in [-100, 100] of the customers asked (counts or fractional counts); NaN
// (undefined: shown as "-", null in JSON) when nobody was asked.
template <class Count>
double nps_of(Count promoters, Count passives, Count detractors) {
    const Count n = promoters + passives + detractors;
    return static_cast<double>(n) > 1e-9 ? 100.0 * static_cast<double>(promoters - detractors) / static_cast<double>(n)
                           : std::numeric_limits<double>::quiet_NaN();
}
// A critic (for the market's negative word of mouth): left with s <= the critic threshold.
inline bool is_critic(double s, double threshold) { return s <= threshold + kImpressionEdge; }
// The chance that a customer who reached done with impression s comes back (v2 loyalty):
// sigmoid(logit(base) + k s); base 0 and 1 are exact.
inline double return_probability(double base, double k, double s) {
    if (!(base > 0.0)) return 0.0;
    if (base >= 1.0) return 1.0;
    const double z = fmath::log(base / (1.0 - base)) + k * s;
    return 1.0 / (1.0 + fmath::exp(-z));
}
// The Bass hazard of one tick: clamp(p + q A / M - r D / M, 0, 1).
inline double market_hazard(double p, double q, double r, double advocates, double critics, double size) {
    if (!(size > 0.0)) return 0.0;
    return std::clamp(p + q * advocates / size - r * critics / size, 0.0, 1.0);
}

// The bin of an impression in the histogram of kHistogramBins over [-1, 1].
inline int histogram_bin(double s) {
    const int b = static_cast<int>((s + kImpressionEdge + 1.0) * 0.5 * kHistogramBins);
    return std::clamp(b, 0, kHistogramBins - 1);
}

// The public rating R a reading customer sees: positive reviews' share, with `prior` reviews of
// each kind assumed (a new product is rated 0.5, not 0 or 1 after its first review).
inline double public_rating(double positive, double negative, double prior) {
    return (positive + prior) / (positive + negative + 2.0 * prior);
}
// The factor reviews' weight decays by each tick (a half-life in ticks; 0 = no decay).
inline double review_decay_per_tick(double half_life) { return half_life > 0 ? fmath::pow(0.5, 1.0 / half_life) : 1.0; }

// Advocates refer for a window of ticks: a count per closing tick, oldest first.
template <class Count>
class AdvocatePool {
public:
    // Advocates whose window closed before `tick` stop referring.
    void expire_before(int tick) {
        while (!batches_.empty() && batches_.front().first < tick) {
            active_ -= batches_.front().second;
            batches_.pop_front();
        }
    }
    // `count` new advocates refer up to tick `until`.
    void add(int until, Count count) {
        active_ += count;
        if (!batches_.empty() && batches_.back().first == until)
            batches_.back().second += count;
        else
            batches_.emplace_back(until, count);
    }
    Count active() const { return active_; }
    void set_active(Count n) { active_ = n; }  // (the cohort engine clears rounding dust)

private:
    std::deque<std::pair<int, Count>> batches_;
    Count active_{};
};

}  // namespace motsim
