// The arithmetic behind the charts and the crowd's colours: axis ticks, tick labels and the
// impression colour ramp. Header-only and free of ImGui, so the tests check it without a window
// and the build needs no extra source file.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <vector>

namespace motsim::app {

// ==== Axis ticks ===============================================================================
//
// Ticks fall on multiples of a "nice" step, 1, 2 or 5 times a power of ten, as a person would
// label an axis by hand: 0 20 40 60 80 100, never 0 19.4 38.8 ...

// The smallest 1-2-5 step that covers [lo, hi] with at most max_ticks ticks (>= 2 assumed).
// A zero, negative or non-finite span gives 1.
inline double nice_step(double lo, double hi, int max_ticks) {
    const double span = std::fabs(hi - lo);
    if (!(span > 0.0) || !std::isfinite(span)) return 1.0;
    const double raw = span / static_cast<double>(std::max(2, max_ticks) - 1);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double norm = raw / mag;
    // The tolerance absorbs log10 rounding (0.2 / 0.1 is not always exactly 2).
    const double nice = norm <= 1.0 + 1e-9 ? 1.0 : norm <= 2.0 + 1e-9 ? 2.0 : norm <= 5.0 + 1e-9 ? 5.0 : 10.0;
    return nice * mag;
}

// The next step up in the 1-2-5 ladder (2 -> 5, 5 -> 10, 10 -> 20).
inline double next_nice_step(double step) {
    const double mag = std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    const double norm = step / mag;
    return (norm < 1.5 ? 2.0 : norm < 3.5 ? 5.0 : 10.0) * mag;
}

// Multiple k of a 1-2-5 step as the value a person would write: k * 0.1 for k = 3 is
// 0.30000000000000004 in floating point, but 3 / 10 is the double nearest 0.3, so the step is
// split into a small integer and a power of ten and the division goes last. -0 becomes 0.
inline double tick_value(long long k, double step) {
    const int e = static_cast<int>(std::floor(std::log10(step) + 1e-9));
    const double pow10 = std::pow(10.0, std::abs(e));
    const double mant = e < 0 ? step * pow10 : step / pow10;
    double v = static_cast<double>(k) * step;  // fallback for steps off the ladder
    if (std::fabs(mant - std::round(mant)) < 1e-6) {
        const double km = static_cast<double>(k) * std::round(mant);
        v = e < 0 ? km / pow10 : km * pow10;
    }
    return v == 0.0 ? 0.0 : v;
}

// Tick values inside [lo, hi] (order of the arguments does not matter), at most max_ticks
// (clamped to >= 2) of them, ascending. lo == hi gives that one value; non-finite input gives
// none. Use nice_range first when the axis may be widened to whole steps.
inline std::vector<double> nice_ticks(double lo, double hi, int max_ticks) {
    std::vector<double> ticks;
    if (!std::isfinite(lo) || !std::isfinite(hi)) return ticks;
    if (lo > hi) std::swap(lo, hi);
    if (lo == hi) {
        ticks.push_back(lo);
        return ticks;
    }
    max_ticks = std::max(2, max_ticks);
    const double step = nice_step(lo, hi, max_ticks);
    // A relative epsilon keeps end points that rounding puts a hair outside the range.
    const double eps = step * 1e-9;
    const long long first = static_cast<long long>(std::ceil((lo - eps) / step));
    const long long last = static_cast<long long>(std::floor((hi + eps) / step));
    for (long long k = first; k <= last && static_cast<int>(ticks.size()) < max_ticks; ++k)
        ticks.push_back(tick_value(k, step));
    return ticks;
}

struct NiceRange {
    double lo = 0.0;
    double hi = 1.0;
    double step = 1.0;
};

// [lo, hi] widened outwards to whole steps, with at most max_ticks ticks from lo to hi: what
// an axis shows for data in [lo, hi] (0..97 -> 0..100 step 20). A zero span is padded first
// (v -> v-1..v+1 around 0, else +-10 % of |v|), so a flat series still gets an axis.
// max_ticks counts as at least 3: a range that straddles 0 needs -step, 0 and step.
inline NiceRange nice_range(double lo, double hi, int max_ticks) {
    if (!std::isfinite(lo) || !std::isfinite(hi)) return NiceRange{};
    if (lo > hi) std::swap(lo, hi);
    if (hi - lo <= 1e-12 * std::max(1.0, std::fabs(lo))) {
        const double pad = lo == 0.0 ? 1.0 : 0.1 * std::fabs(lo);
        lo -= pad;
        hi += pad;
    }
    max_ticks = std::max(3, max_ticks);
    double step = nice_step(lo, hi, max_ticks);
    for (int guard = 0; guard < 8; ++guard) {  // widening can add a tick; step up until it fits
        // The tolerance only forgives division rounding (0.3 / 0.1 = 2.9999999999999996).
        const double a = std::floor(lo / step + 1e-12), b = std::ceil(hi / step - 1e-12);
        if (b - a + 1.0 <= static_cast<double>(max_ticks) || guard == 7)
            return NiceRange{tick_value(static_cast<long long>(a), step), tick_value(static_cast<long long>(b), step),
                             step};
        step = next_nice_step(step);
    }
    return NiceRange{lo, hi, step};
}

// The ticks of a range from nice_range: every step from lo to hi.
inline std::vector<double> range_ticks(const NiceRange& r) {
    std::vector<double> ticks;
    if (!(r.step > 0.0) || !(r.hi >= r.lo)) return ticks;
    const long long first = static_cast<long long>(std::llround(r.lo / r.step));
    const long long last = static_cast<long long>(std::llround(r.hi / r.step));
    for (long long k = first; k <= last && ticks.size() < 64; ++k) ticks.push_back(tick_value(k, r.step));
    return ticks;
}

// A tick label with just enough decimals for the step ("0.25", "40", "-1.5"); values of
// 10 000 and more are shortened to "12k" / "3.5M" so the y axis stays narrow.
inline void format_tick(char* buf, std::size_t size, double value, double step) {
    if (size == 0) return;
    const double a = std::fabs(value);
    if (a >= 1e6) {
        std::snprintf(buf, size, "%.*fM", std::fmod(value, 1e6) == 0.0 ? 0 : 1, value / 1e6);
        return;
    }
    if (a >= 1e4) {
        std::snprintf(buf, size, "%.*fk", std::fmod(value, 1e3) == 0.0 ? 0 : 1, value / 1e3);
        return;
    }
    int decimals = 0;
    if (step > 0.0 && step < 1.0) decimals = std::min(6, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
    // A step of 0.25 needs two decimals even though log10 says one.
    if (decimals > 0 && decimals < 6) {
        const double scaled = step * std::pow(10.0, decimals);
        if (std::fabs(scaled - std::round(scaled)) > 1e-6) ++decimals;
    }
    std::snprintf(buf, size, "%.*f", decimals, value == 0.0 ? 0.0 : value);
}

// ==== Impression colours =======================================================================
//
// Impression s in [-1, 1] runs red -> neutral grey -> green, linear on each side of 0, so the
// crowd, the histogram and the story panel speak one colour language. The crowd shader uses
// the same formula; keep the two in step:
//
//   const vec3 kRed  = vec3(0.86, 0.22, 0.20);
//   const vec3 kGrey = vec3(0.62, 0.62, 0.62);
//   const vec3 kGreen = vec3(0.20, 0.72, 0.32);
//   vec3 impression_rgb(float s) {
//       s = clamp(s, -1.0, 1.0);
//       return s < 0.0 ? mix(kGrey, kRed, -s) : mix(kGrey, kGreen, s);
//   }

inline constexpr std::array<float, 3> kImpressionRed{0.86f, 0.22f, 0.20f};
inline constexpr std::array<float, 3> kImpressionGrey{0.62f, 0.62f, 0.62f};
inline constexpr std::array<float, 3> kImpressionGreen{0.20f, 0.72f, 0.32f};

// RGB in [0, 1] for an impression; NaN counts as neutral.
inline std::array<float, 3> impression_rgb(float s) {
    if (!(s == s)) s = 0.0f;  // NaN
    s = std::clamp(s, -1.0f, 1.0f);
    const std::array<float, 3>& end = s < 0.0f ? kImpressionRed : kImpressionGreen;
    const float t = std::fabs(s);
    std::array<float, 3> rgb{};
    for (std::size_t i = 0; i < 3; ++i) rgb[i] = kImpressionGrey[i] + (end[i] - kImpressionGrey[i]) * t;
    return rgb;
}

// ==== The Bass model ===========================================================================
//
// The Adoption chart's reference curve: the share of a market reached after t ticks with
// advertising p and word of mouth q, F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}); 0
// without advertising (nobody starts the word of mouth).
inline double bass_share(double p, double q, double t) {
    if (!(p > 0.0) || !(t > 0.0)) return 0.0;
    const double e = std::exp(-(p + q) * t);
    return (1.0 - e) / (1.0 + (q / p) * e);
}

}  // namespace motsim::app
