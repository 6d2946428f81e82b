// Numbers as people read them: "8.07 M" customers, "56.7 %" of arrivals, "+12" NPS, "-" when a
// value is undefined. Every window formats through these, so a number reads the same everywhere.
#pragma once
#include <cmath>
#include <cstdio>
#include <string>

namespace motsim::app {

// A count: whole below 10,000 ("9,876"), then with k / M / bn and three significant digits
// ("12.3 k", "8.07 M"). Fractions (expected values) below 100 keep one decimal ("2.5").
inline std::string human_count(double x) {
    if (!std::isfinite(x)) return "-";
    char buf[48];
    const double a = std::fabs(x);
    if (a >= 1e9)
        std::snprintf(buf, sizeof buf, "%.3g bn", x / 1e9);
    else if (a >= 1e6)
        std::snprintf(buf, sizeof buf, "%.3g M", x / 1e6);
    else if (a >= 1e4)
        std::snprintf(buf, sizeof buf, "%.3g k", x / 1e3);
    else if (a != std::floor(a) && a < 100)
        std::snprintf(buf, sizeof buf, "%.1f", x);
    else {
        const long long n = std::llround(x);
        const long long u = n < 0 ? -n : n;
        if (u >= 1000)
            std::snprintf(buf, sizeof buf, "%s%lld,%03lld", n < 0 ? "-" : "", u / 1000, u % 1000);
        else
            std::snprintf(buf, sizeof buf, "%lld", n);
    }
    return buf;
}

// A share in [0, 1] as a percentage with one decimal: "56.7 %".
inline std::string percent(double share) {
    if (!std::isfinite(share)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %%", 100.0 * share);
    return buf;
}

// A score that may be undefined (NaN): NPS as "+12" / "-5", or "-" when nobody was asked.
inline std::string signed_score(double v) {
    if (!std::isfinite(v)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.0f", v);
    return buf;
}

// Money or any other amount with its unit: "1.23 M EUR", "950 EUR".
inline std::string human_amount(double x, const std::string& unit) {
    return unit.empty() ? human_count(x) : human_count(x) + " " + unit;
}

}  // namespace motsim::app
