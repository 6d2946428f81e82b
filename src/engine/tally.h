// What one tick of the agent engine counts, written by the arrivals and the pass only, then
// turned into statistics by Simulation::commit() alone (and cleared for the next tick).
// Internal to the engine.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "engine/metrics.h"
#include "engine/scenario.h"
#include "engine/wheel.h"

namespace motsim {

// Entries by target, where a target is a moment (>= 0) or kDone or kLost (< 0): one array with
// the two leaving targets first, so that the hot loop counts an entry without a branch.
class EntryCounts {
public:
    static constexpr int kLowest = kDone < kLost ? kDone : kLost;
    static_assert((kDone == -1 || kDone == -2) && (kLost == -1 || kLost == -2) && kDone != kLost,
                  "the targets below 0 are exactly done and lost");
    void resize(std::size_t moments) { counts_.assign(moments - kLowest, 0); }
    void clear() { std::fill(counts_.begin(), counts_.end(), 0); }
    std::int64_t* by_target() { return counts_.data() - kLowest; }  // [target], kLowest <= target
    std::int64_t operator[](int target) const { return counts_[static_cast<std::size_t>(target - kLowest)]; }

private:
    std::vector<std::int64_t> counts_;
};

// One moment's counts this tick.
struct MomentTally {
    std::array<std::int64_t, 3> outcomes{};  // positive (magic included), neutral, negative
    std::int64_t magic = 0, lost_after = 0, done_after = 0, reviews = 0;
    std::vector<std::int64_t> causes;  // negative outcomes per cause
};

struct Tally {
    EntryCounts entered;               // arrivals and moves, by target
    std::vector<MomentTally> moments;  // by moment
    // Arrivals.
    std::int64_t arrivals = 0, referrals = 0, returns = 0;  // returns: loyal customers back
    std::int64_t arrival_impressions = 0;  // their impressions' sum in 2^-32 units
    // The pass. The impressions' change is added up in a double (floats differ by an exact
    // double) and rounded into the fixed-point sum once per tick, in the order the customers
    // were drawn.
    double impression_change = 0;
    std::int64_t magic = 0, reviews_positive = 0, reviews_negative = 0;
    // Who left: advocates, NPS groups, purchases, and the exit histogram in four lanes taken in
    // turn (a counter in memory hit again and again waits for its own last store each time).
    std::int64_t advocates = 0, purchases_sq = 0, with_purchase = 0;
    // NPS groups by index 1 detractor, 2 passive, 3 promoter (0: not asked), as changes: a
    // returner's earlier answer is taken back when it leaves again. Likewise the market's
    // advocates and critics by latest departure.
    std::int64_t groups[4] = {0, 0, 0, 0};
    std::int64_t market_advocates = 0, market_critics = 0;
    std::int64_t buyers[4] = {0, 0, 0, 0};  // purchases that were a customer's 1st, 2nd, 3rd, later
    std::vector<Customer>* finishers = nullptr;  // loyalty: who reached done (else not kept)
    std::int64_t exit_bins[4][kHistogramBins] = {};
    std::size_t lane = 0;

    // Empty, for a scenario's moments.
    void reset(const Scenario& s) {
        *this = Tally{};
        entered.resize(s.moments.size());
        moments.resize(s.moments.size());
        for (std::size_t m = 0; m < moments.size(); ++m) moments[m].causes.assign(s.moments[m].causes.size(), 0);
    }
    // Zero for the next tick, keeping the shapes.
    void clear() {
        EntryCounts e = std::move(entered);
        std::vector<MomentTally> ms = std::move(moments);
        std::vector<Customer>* keep = finishers;
        *this = Tally{};
        finishers = keep;
        e.clear();
        for (MomentTally& m : ms) {
            std::vector<std::int64_t> c = std::move(m.causes);
            std::fill(c.begin(), c.end(), 0);
            m = MomentTally{};
            m.causes = std::move(c);
        }
        entered = std::move(e);
        moments = std::move(ms);
    }
};

// What a watched customer's story event waits with, from the outcome loop of a one-moment block
// to the routing (the pass's scratch, not a count).
struct PendingEvent {
    std::uint16_t index;  // in the block
    bool magic, reviewed;
    int cause;
};

}  // namespace motsim
