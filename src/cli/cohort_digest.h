// The digest of a cohort run (`motsim run --engine cohort|expected --json`), the counterpart of
// Simulation::digest() for the agent engine: 16 hex digits of FNV-1a over the IEEE 754 bits of
// every number the run produced (totals, per-moment statistics, the per-tick series and the
// occupancy), in a fixed order. Hashing bits, not printed text, makes it portable: natively and
// in WebAssembly (both little-endian) the same run gives the same digest, and any change of any
// number, however small, changes it. tests/digests/digests.txt pins it (docs/determinism.md).
//
// Header-only so that the command line and the unit tests (which do not link the CLI) share it.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>

#include "engine/cohort.h"

namespace motsim::cli {

inline std::string cohort_digest(const Cohort& c) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    auto f64 = [&h](double v) {
        std::uint64_t bits;
        std::memcpy(&bits, &v, sizeof bits);
        for (int k = 0; k < 8; ++k) {  // byte by byte, low byte first: the same on every host
            h ^= (bits >> (8 * k)) & 0xffu;
            h *= 0x100000001b3ULL;
        }
    };
    const CohortTotals& t = c.totals();
    for (double v : {t.arrivals, t.referrals, t.purchases, t.done, t.lost, t.reviews_positive, t.reviews_negative,
                     t.advocates, t.promoters, t.passives, t.detractors})
        f64(v);
    f64(static_cast<double>(c.tick()));
    f64(c.active());
    f64(c.rating());
    for (const CohortMomentStats& m : c.moments())
        for (double v : {m.entered, m.positive, m.neutral, m.negative, m.magic, m.lost_after, m.done_after, m.purchases,
                         m.reviews})
            f64(v);
    for (const CohortTick& s : c.series())
        for (double v :
             {static_cast<double>(s.tick), s.arrivals, s.referrals, s.purchases, s.done, s.lost, s.reviews_positive,
              s.reviews_negative, s.magic, s.active, s.advocates, s.rating, s.nps, s.mean_impression})
            f64(v);
    for (double v : c.occupancy()) f64(v);
    // v2 counts, where a v2 block makes them move (a v1 scenario's digest does not see them).
    if (c.scenario().loyalty.enabled || c.scenario().market.enabled) {
        for (double v :
             {t.returns, t.waiting, t.buyers[0], t.buyers[1], t.buyers[2], t.market_advocates, t.market_critics})
            f64(v);
        for (const CohortTick& s : c.series())
            for (double v : {s.returns, s.waiting, s.market_advocates, s.market_critics}) f64(v);
    }
    static const char* hex = "0123456789abcdef";
    std::string out(16, '0');
    for (int k = 0; k < 16; ++k) out[static_cast<std::size_t>(k)] = hex[(h >> (60 - 4 * k)) & 0xf];
    return out;
}

}  // namespace motsim::cli
