#include "engine/random.h"

#include <cmath>  // std::floor and std::sqrt only: both exactly rounded everywhere

namespace motsim {

double lgamma_portable(double x) {
    // Shift x up to >= 20 where Stirling's series is accurate to double precision; the shift
    // is one log of a product, log Gamma(x) = log Gamma(x + n) - log(x (x+1) ... (x+n-1)).
    double product = 1.0;
    while (x < 20.0) {
        product *= x;
        x += 1.0;
    }
    const double inv = 1.0 / x, inv2 = inv * inv;
    const double series =
        inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 * (1.0 / 1680 - inv2 / 1188))));
    return (x - 0.5) * fmath::log(x) - x + 0.91893853320467274178 + series - fmath::log(product);
}

std::int64_t Random::poisson(double lambda) {
    if (!(lambda > 0.0)) return 0;
    if (lambda < 10.0) {
        const double limit = fmath::exp(-lambda);
        double prod = uniform();
        std::int64_t k = 0;
        while (prod > limit) {
            prod *= uniform();
            ++k;
        }
        return k;
    }
    // PTRS: W. Hormann, "The transformed rejection method for generating Poisson random
    // variables", Insurance: Mathematics and Economics 12 (1993).
    const double slam = std::sqrt(lambda);
    const double loglam = fmath::log(lambda);
    const double b = 0.931 + 2.53 * slam;
    const double a = -0.059 + 0.02483 * b;
    const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    const double vr = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
        const double u = uniform() - 0.5;
        const double v = uniform();
        const double us = 0.5 - (u < 0 ? -u : u);
        const double k = std::floor((2.0 * a / us + b) * u + lambda + 0.43);
        if (us >= 0.07 && v <= vr) return static_cast<std::int64_t>(k);
        if (k < 0.0 || (us < 0.013 && v > us)) continue;
        if (fmath::log(v) + fmath::log(inv_alpha) - fmath::log(a / (us * us) + b) <=
            -lambda + k * loglam - lgamma_portable(k + 1.0))
            return static_cast<std::int64_t>(k);
    }
}

std::int64_t Random::binomial(std::int64_t n, double p) {
    if (n <= 0 || !(p > 0.0)) return 0;
    if (p >= 1.0) return n;
    if (p > 0.5) return n - binomial(n, 1.0 - p);
    const double mean = static_cast<double>(n) * p;
    if (n <= 32) {  // few trials: count them
        std::int64_t k = 0;
        for (std::int64_t i = 0; i < n; ++i) k += uniform() < p;
        return k;
    }
    if (mean < 12.0) {
        // Waiting times between successes are geometric: sum them until past n.
        const double lq = fmath::log(1.0 - p);
        std::int64_t k = 0, pos = 0;
        for (;;) {
            const double g = std::floor(fmath::log(1.0 - uniform()) / lq);  // failures before
            pos += static_cast<std::int64_t>(g) + 1;
            if (pos > n) return k;
            ++k;
        }
    }
    // BTRS (Hormann 1993): transformed rejection, O(1) for large n p.
    const double spq = std::sqrt(mean * (1.0 - p));
    const double b = 1.15 + 2.53 * spq;
    const double a = -0.0873 + 0.0248 * b + 0.01 * p;
    const double c = mean + 0.5;
    const double alpha = (2.83 + 5.1 / b) * spq;
    const double vr = 0.92 - 4.2 / b;
    const double m = std::floor(static_cast<double>(n + 1) * p);
    const double lpq = fmath::log(p / (1.0 - p));
    const double h = lgamma_portable(m + 1.0) + lgamma_portable(static_cast<double>(n) - m + 1.0);
    for (;;) {
        const double u = uniform() - 0.5;
        double v = uniform();
        const double us = 0.5 - (u < 0 ? -u : u);
        const double k = std::floor((2.0 * a / us + b) * u + c);
        if (k < 0.0 || k > static_cast<double>(n)) continue;
        if (us >= 0.07 && v <= vr) return static_cast<std::int64_t>(k);
        v = fmath::log(v * alpha / (a / (us * us) + b));
        if (v <= h - lgamma_portable(k + 1.0) - lgamma_portable(static_cast<double>(n) - k + 1.0) + (k - m) * lpq)
            return static_cast<std::int64_t>(k);
    }
}

}  // namespace motsim
