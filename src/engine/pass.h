// The agent engine's pass: every customer due this tick draws its outcome, has it applied and is
// routed (pass.cpp). Internal to the engine: Simulation::pass() fills a PassContext and calls
// run_pass(). Also here: the branch-free sort by dwell that arrivals share with the movers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/moment_tables.h"
#include "engine/random.h"
#include "engine/simulation.h"
#include "engine/tally.h"
#include "engine/wheel.h"

namespace motsim {

// Everything the stages read and write; each copies what its loop needs into locals at its top
// (a store into a customer record may alias any member, which would reload them all).
struct PassContext {
    const Scenario& scenario;
    const MomentTables& tables;
    double gamma_term;  // gamma (2R - 1): the rating's pull on odds where reviews are read
    int tick;
    const std::vector<std::uint32_t>& watched;  // ids whose story is kept
    Wheel& wheel;
    std::vector<std::uint32_t>& taken;   // scratch: the due slot's blocks
    std::vector<PendingEvent>& pending;  // scratch
    Batched& rng;
    OddsMemo& memo;
    Tally& tally;
    std::vector<StoryEvent>& events;
};

void run_pass(PassContext& ctx);

// Sorts `count` items (their indices, or 0..count-1 with Identity) by a dwell offset drawn in
// [0, span), span <= 4, without branches: parts[d] of them end up in by[d], in their order. The
// draws are Random::below's (Lemire's, rejection included), read straight from the batch a run
// at a time.
using DwellLists = std::uint16_t[4][Wheel::kBlock];
template <bool Identity>
[[gnu::always_inline]] inline void sort_by_dwell(Batched& rng, std::uint32_t span, const std::uint16_t* items,
                                                 std::size_t count, DwellLists& by, std::size_t (&parts)[4]) {
    std::size_t d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    auto put = [&](std::size_t k, unsigned d) {
        const std::uint16_t item = Identity ? static_cast<std::uint16_t>(k) : items[k];
        by[0][d0] = by[1][d1] = by[2][d2] = by[3][d3] = item;
        d0 += d == 0;
        d1 += d == 1;
        d2 += d == 2;
        d3 += d == 3;
    };
    if (span <= 1) {
        for (std::size_t k = 0; k < count; ++k) put(k, 0);
    } else {
        const std::uint32_t threshold = (0u - span) % span;  // below it a draw is rejected
        for (std::size_t k = 0; k < count;) {
            const std::size_t run = rng.ready(count - k);
            const std::uint64_t* const x = rng.values();
            std::size_t j = 0;
            for (; j < run; ++j, ++k) {
                const std::uint64_t mm = (x[j] >> 32) * span;
                if (static_cast<std::uint32_t>(mm) < threshold) [[unlikely]]
                    break;
                put(k, static_cast<unsigned>(mm >> 32));
            }
            if (j == run) {
                rng.advance(run);
                continue;
            }
            // A rejected value: used up, then fresh ones until one is accepted.
            std::uint64_t mm = (x[j] >> 32) * span;
            rng.advance(j + 1);
            while (static_cast<std::uint32_t>(mm) < threshold) mm = (rng.next() >> 32) * span;
            put(k, static_cast<unsigned>(mm >> 32));
            ++k;
        }
    }
    parts[0] = d0;
    parts[1] = d1;
    parts[2] = d2;
    parts[3] = d3;
}

}  // namespace motsim
