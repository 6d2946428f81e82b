// Portable transcendental functions built only from + - * / and sqrt, which IEEE 754 rounds the
// same way everywhere. The C library's exp/log differ in the last bits between glibc (native)
// and musl (WebAssembly); anything that feeds the simulation uses these instead, so the same
// seed gives the same numbers bit for bit on both. Compile with -ffp-contract=off.
#pragma once
#include <cstdint>
#include <cstring>

namespace motsim::fmath {

inline constexpr double kLn2 = 0.693147180559945309417232121458;

// 2^k for integer k in the normal range, built from the exponent bits (exact).
inline double pow2i(int k) {
    if (k < -1022) k = -1022;
    if (k > 1023) k = 1023;
    std::uint64_t bits = static_cast<std::uint64_t>(k + 1023) << 52;
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}

// Rounds to nearest integer without the C library (|x| < 2^52 assumed by callers).
inline double round_half_away(double x) {
    double t = static_cast<double>(static_cast<std::int64_t>(x));  // truncation is exact
    double f = x - t;
    if (f >= 0.5) return t + 1.0;
    if (f <= -0.5) return t - 1.0;
    return t;
}

// e^x. Relative error about 1e-16; saturates outside [-708, 709].
inline double exp(double x) {
    if (x != x) return x;
    if (x > 709.0) x = 709.0;
    if (x < -708.0) return 0.0;
    const double k = round_half_away(x / kLn2);
    // Cody-Waite split of ln 2 keeps r exact enough.
    const double ln2_hi = 6.93147180369123816490e-01;
    const double ln2_lo = 1.90821492927058770002e-10;
    const double r = (x - k * ln2_hi) - k * ln2_lo;  // |r| <= 0.347
    // Taylor series to r^17/17!: the tail is below 1e-19 on this interval.
    double term = 1.0, sum = 1.0;
    for (int n = 1; n <= 17; ++n) {
        term = term * r / n;
        sum += term;
    }
    const int ki = static_cast<int>(k);
    // Two steps so 2^k cannot overflow on its own near the ends of the range.
    const int k1 = ki / 2;
    return sum * pow2i(k1) * pow2i(ki - k1);
}

// Natural logarithm for x > 0; -inf-like large negative for x <= 0.
inline double log(double x) {
    if (x != x) return x;
    if (x <= 0.0) return -1.0e300;
    // x = m * 2^e with m in [sqrt(1/2), sqrt(2)): read the exponent bits.
    std::uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    int e = static_cast<int>((bits >> 52) & 0x7ff);
    if (e == 0) {  // subnormal: scale into the normal range first
        return log(x * 18014398509481984.0) - 54.0 * kLn2;
    }
    e -= 1023;
    bits = (bits & 0x000fffffffffffffULL) | (static_cast<std::uint64_t>(1023) << 52);
    double m;
    std::memcpy(&m, &bits, sizeof m);
    if (m > 1.4142135623730951) {
        m *= 0.5;
        e += 1;
    }
    // log m = 2 atanh(t), t = (m-1)/(m+1), |t| < 0.172: series in t^2.
    const double t = (m - 1.0) / (m + 1.0);
    const double t2 = t * t;
    double term = t, sum = 0.0;
    for (int n = 1; n <= 41; n += 2) {
        sum += term / n;
        term *= t2;
    }
    return 2.0 * sum + e * kLn2;
}

inline double sigmoid(double z) {
    if (z >= 0.0) return 1.0 / (1.0 + exp(-z));
    const double ez = exp(z);
    return ez / (1.0 + ez);
}

// logit(p) for p in (0, 1). Callers keep p = 0 and p = 1 exact on their own (see odds).
inline double logit(double p) { return log(p / (1.0 - p)); }

// x^y for x > 0.
inline double pow(double x, double y) { return exp(y * log(x)); }

}  // namespace motsim::fmath
