// The project's own portable random numbers: xoshiro256** seeded through splitmix64, and
// samplers written here (the standard library's distributions differ between implementations,
// so std::poisson_distribution would break "same seed, same numbers" across native and wasm).
#pragma once
#include <cstdint>
#include <vector>

#include "engine/fmath.h"

namespace motsim {

inline std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Derives an independent seed for stream `index` of a master seed (replications, sweeps):
// the same whatever order or thread asks for it.
inline std::uint64_t derive_seed(std::uint64_t master, std::uint64_t index) {
    std::uint64_t s = master ^ (0xd1b54a32d192ed03ULL * (index + 1));
    splitmix64(s);
    return splitmix64(s);
}

class Random {
public:
    explicit Random(std::uint64_t seed = 1) { reseed(seed); }

    void reseed(std::uint64_t seed) {
        drawn_ = 0;
        std::uint64_t s = seed;
        for (auto& w : state_) w = splitmix64(s);
    }

    std::uint64_t next() noexcept {
        ++drawn_;
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    // Uniform in [0, 1) with 53 random bits.
    double uniform() noexcept { return to_unit(next()); }
    static double to_unit(std::uint64_t x) noexcept { return static_cast<double>(x >> 11) * 0x1.0p-53; }

    // Uniform integer in [0, n) without modulo bias (n > 0).
    std::uint64_t below(std::uint64_t n) noexcept { return bounded(*this, n); }

    // Uniform integer in [lo, hi].
    int between(int lo, int hi) noexcept {
        if (hi <= lo) return lo;
        return lo + static_cast<int>(below(static_cast<std::uint64_t>(hi - lo) + 1));
    }

    // Small ranges (dwell, picks) use Lemire's multiply-and-shift on 32 random bits, which needs
    // a division only on the rare rejection path; large ones the classic modulo rejection. Any
    // source of 64-bit values with next() will do (the generator, or its batches).
    // (Never throws, always inlined: in WebAssembly with exceptions on, a call that might
    // throw goes through a JavaScript trampoline, which cost more than the engine's work.)
    template <class Source>
    [[gnu::always_inline]] static std::uint64_t bounded(Source& g, std::uint64_t n) noexcept {
        if (n <= 0xffffffffULL) {
            const std::uint32_t n32 = static_cast<std::uint32_t>(n);
            std::uint64_t m = (g.next() >> 32) * n32;
            if (static_cast<std::uint32_t>(m) < n32) {
                const std::uint32_t threshold = (0u - n32) % n32;
                while (static_cast<std::uint32_t>(m) < threshold) m = (g.next() >> 32) * n32;
            }
            return m >> 32;
        }
        const std::uint64_t limit = (0 - n) % n;  // values below this would be over-represented
        for (;;) {
            const std::uint64_t x = g.next();
            if (x >= limit) return x % n;
        }
    }

    bool bernoulli(double p) { return p > 0.0 && (p >= 1.0 || uniform() < p); }

    // Poisson(lambda). Small means multiply uniforms (Knuth); larger means use Hormann's
    // transformed rejection (PTRS), exact and O(1), with our own exp/log/lgamma.
    std::int64_t poisson(double lambda);

    // Binomial(n, p): the count of successes in n trials (used by the cohort engine).
    std::int64_t binomial(std::int64_t n, double p);

    std::uint64_t state_word(int i) const { return state_[i]; }
    std::uint64_t drawn() const { return drawn_; }  // values drawn since seeding

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t state_[4]{};
    std::uint64_t drawn_ = 0;
};

// The generator's values in batches of 256, in the generator's order. A batch is made in a
// tight loop that keeps the generator's four words in registers; a busy loop that takes one
// value at a time (the engine's pass) then holds only an index, not the generator. Copy it
// into a local for such a loop and back afterwards.
class Batched {
public:
    static constexpr unsigned kSize = 256;
    explicit Batched(std::uint64_t seed = 1) : rng_(seed) {}

    [[gnu::always_inline]] std::uint64_t next() noexcept {
        if (pos_ == kSize) refill();
        return buf_[pos_++];
    }
    [[gnu::always_inline]] double uniform() noexcept { return Random::to_unit(next()); }
    [[gnu::always_inline]] std::uint64_t below(std::uint64_t n) noexcept { return Random::bounded(*this, n); }
    // Up to `want` values in a row without a check each: use them, then advance(count).
    std::size_t ready(std::size_t want) noexcept {
        if (pos_ == kSize) refill();
        return want < kSize - pos_ ? want : kSize - pos_;
    }
    const std::uint64_t* values() const noexcept { return buf_ + pos_; }
    void advance(std::size_t count) noexcept { pos_ += static_cast<unsigned>(count); }

    // The generator itself, for samplers that draw directly (Poisson): its values come after
    // the batch's.
    Random& generator() { return rng_; }
    // Values used so far (made but not yet used are not counted).
    std::uint64_t drawn() const { return rng_.drawn() - (kSize - pos_); }

private:
    [[gnu::noinline]] void refill() noexcept {
        Random g = rng_;  // a local copy: the stores into the batch cannot touch its state
        for (unsigned k = 0; k < kSize; ++k) buf_[k] = g.next();
        rng_ = g;
        pos_ = 0;
    }
    Random rng_;
    std::uint64_t buf_[kSize]{};
    unsigned pos_ = kSize;
};

// log Gamma(x) for x > 0 with our own log (Stirling series after shifting x above 10).
double lgamma_portable(double x);

// Picks an index with probability proportional to weights[i] (weights >= 0, some > 0).
// `total` is their sum; one uniform draw, a linear scan (routes have a handful of targets).
// Always inlined: a caller's local generator must not have its address taken.
template <class Source>
[[gnu::always_inline]] inline int pick_weighted(Source& rng, const std::vector<double>& weights,
                                                double total) noexcept {
    const std::size_t n = weights.size();
    if (n == 1) return 0;
    double u = rng.uniform() * total;
    for (std::size_t i = 0; i + 1 < n; ++i) {
        if (u < weights[i]) return static_cast<int>(i);
        u -= weights[i];
    }
    return static_cast<int>(n - 1);
}

}  // namespace motsim
