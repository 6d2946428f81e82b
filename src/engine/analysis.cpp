// The exact analysis of model.md ("Analysis"): the journey as an absorbing Markov chain.
//
// Transient states are the moments, the absorbing ones `lost` and `done`. For one segment,
// P(m -> t) = sum over outcomes o of p_o(m) * route_o(m -> t), with p_o from odds_shifted at
// z = the segment's shift (beta, gamma and referrals are the feedback part of the model and are
// ignored here; the result says so). Magic is a positive outcome: it routes as positive, and
// expected_positive counts it (expected_magic is the subset), the way the simulation counts.
//
// Only row vectors are needed: visits v = start N solves (I - Q)^T v = start, and the value of
// arriving at a moment x = N c solves (I - Q) x = c, both by Gaussian elimination with partial
// pivoting written out here, so the numbers are the same bits on every platform.
//
// The objective of removal and lift is expected purchases when the scenario has a purchase
// moment, otherwise P(done): a journey without a purchase (a hotel stay booked elsewhere, a
// service) is still judged by how many customers complete it.
//
// Lift is exact, not a finite difference: raising p+(k) by e and lowering p0(k) (or p-(k) when
// p0 is 0) changes only row k of Q and the reward c_k, so with dQ, dc that change,
// dE/de = start N (dQ N c + dc) = v_k * (sum_t dQ_kt x_t + dc_k).
//
// Segments: visits, outcomes, purchases, ticks and lift are share-weighted averages of the
// per-segment results (all are linear in the population). The removal effect is one minus the
// ratio of the share-weighted objectives, 1 - avg(P') / avg(P), because that is the share of
// the population's purchases that would be lost, which a simulation of the changed journey
// measures; with one segment it is the same as averaging.
#include "engine/analysis.h"
#include "engine/graph.h"  // kProbabilityTolerance

#include <array>
#include <cmath>  // std::fabs only: exp and log come from fmath
#include <cstddef>
#include <utility>

namespace motsim {
namespace {

constexpr int kPos = static_cast<int>(Outcome::Positive);
constexpr int kNeu = static_cast<int>(Outcome::Neutral);
constexpr int kNeg = static_cast<int>(Outcome::Negative);

// A pivot below this means the customers practically never leave some loop: the visit counts
// would be astronomical and meaningless, so the chain is reported as singular instead.
constexpr double kPivotTiny = 1e-12;

// ---- Routes as probabilities --------------------------------------------------------------

// Where one outcome sends a customer: probabilities over moments and the two terminals.
struct Split {
    std::vector<double> to;  // per moment
    double lost = 0.0;
    double done = 0.0;
};

void add_target(Split& s, int target, double p) {
    const int n = static_cast<int>(s.to.size());
    if (target >= 0 && target < n)
        s.to[static_cast<std::size_t>(target)] += p;
    else if (target == kDone)
        s.done += p;
    else  // kLost, or a target the loader should have rejected: never index out of range
        s.lost += p;
}

// Weights normalised per route. A route with no usable weight takes the model's default
// (`fallback`): next moment in file order for positive and neutral, `lost` for negative, the
// first moment for the entry. A missing weight counts as 1.
Split resolve(const Route& r, int n, int fallback) {
    Split s;
    s.to.assign(static_cast<std::size_t>(n), 0.0);
    auto weight = [&](std::size_t i) {
        const double w = i < r.weights.size() ? r.weights[i] : 1.0;
        return (w > 0.0 && w < 1e300) ? w : 0.0;
    };
    double total = 0.0;
    for (std::size_t i = 0; i < r.targets.size(); ++i) total += weight(i);
    if (!(total > 0.0)) {
        add_target(s, fallback, 1.0);
        return s;
    }
    for (std::size_t i = 0; i < r.targets.size(); ++i) add_target(s, r.targets[i], weight(i) / total);
    return s;
}

// The segment-independent part: every route resolved once.
struct Journey {
    int n = 0;
    std::vector<std::array<Split, 3>> next;  // per moment, indexed by kPos, kNeu, kNeg
    Split entry;
    bool purchases = false;  // objective: purchases (true) or P(done)
};

Journey resolve_journey(const Scenario& s) {
    Journey j;
    j.n = static_cast<int>(s.moments.size());
    j.next.resize(s.moments.size());
    for (int m = 0; m < j.n; ++m) {
        const Moment& mo = s.moments[static_cast<std::size_t>(m)];
        const int forward = m + 1 < j.n ? m + 1 : kDone;
        j.next[static_cast<std::size_t>(m)] = {resolve(mo.next[kPos], j.n, forward),
                                               resolve(mo.next[kNeu], j.n, forward),
                                               resolve(mo.next[kNeg], j.n, kLost)};
        if (mo.purchase) j.purchases = true;
    }
    j.entry = resolve(s.entry, j.n, 0);
    return j;
}

// What one outcome at moment m is worth right away under the objective: a purchase, or the
// probability of stepping straight into `done`.
double outcome_reward(const Journey& j, const Scenario& s, int m, int o) {
    if (j.purchases) return (s.moments[static_cast<std::size_t>(m)].purchase && o != kNeg) ? 1.0 : 0.0;
    return j.next[static_cast<std::size_t>(m)][static_cast<std::size_t>(o)].done;
}

// ---- The chain of one segment -------------------------------------------------------------

struct Chain {
    int n = 0;
    std::vector<Odds> odds;          // per moment, this segment's outcome probabilities
    std::vector<double> q;           // n * n row-major: P(m -> t) between moments
    std::vector<double> lost, done;  // P(m -> terminal)
    std::vector<double> reward;      // c: expected immediate objective per visit
    std::vector<double> start;       // entry distribution over moments
    double start_lost = 0.0, start_done = 0.0;
    double& at(int r, int c) { return q[static_cast<std::size_t>(r * n + c)]; }
    double at(int r, int c) const { return q[static_cast<std::size_t>(r * n + c)]; }
};

Chain build_chain(const Journey& j, const Scenario& s, double z) {
    Chain c;
    c.n = j.n;
    const auto n = static_cast<std::size_t>(j.n);
    c.odds.resize(n);
    c.q.assign(n * n, 0.0);
    c.lost.assign(n, 0.0);
    c.done.assign(n, 0.0);
    c.reward.assign(n, 0.0);
    for (int m = 0; m < j.n; ++m) {
        const auto mi = static_cast<std::size_t>(m);
        const Moment& mo = s.moments[mi];
        const Odds o = odds_shifted(mo.positive, mo.negative, safe_logit(mo.positive),
                                    safe_logit(mo.negative), z);
        c.odds[mi] = o;
        const std::array<double, 3> p{o.positive, o.neutral, o.negative};
        for (int k = 0; k < 3; ++k) {
            const Split& sp = j.next[mi][static_cast<std::size_t>(k)];
            const double pk = p[static_cast<std::size_t>(k)];
            for (int t = 0; t < j.n; ++t) c.at(m, t) += pk * sp.to[static_cast<std::size_t>(t)];
            c.lost[mi] += pk * sp.lost;
            c.done[mi] += pk * sp.done;
            c.reward[mi] += pk * outcome_reward(j, s, m, k);
        }
    }
    c.start = j.entry.to;
    c.start_lost = j.entry.lost;
    c.start_done = j.entry.done;
    return c;
}

// The removal experiment: every route (and the entry) into moment m leads to `lost` instead.
Chain without(const Chain& c, int m) {
    Chain r = c;
    for (int row = 0; row < r.n; ++row) {
        r.lost[static_cast<std::size_t>(row)] += r.at(row, m);
        r.at(row, m) = 0.0;
    }
    r.start_lost += r.start[static_cast<std::size_t>(m)];
    r.start[static_cast<std::size_t>(m)] = 0.0;
    return r;
}

// ---- Linear algebra ---------------------------------------------------------------------------

// Solves a x = b (a is n * n row-major, both overwritten; x is returned in b). Gaussian
// elimination with partial pivoting in a fixed order: deterministic, no library.
bool gauss(std::vector<double>& a, std::vector<double>& b, int n) {
    auto A = [&](int r, int c) -> double& { return a[static_cast<std::size_t>(r * n + c)]; };
    auto B = [&](int r) -> double& { return b[static_cast<std::size_t>(r)]; };
    for (int col = 0; col < n; ++col) {
        int piv = col;
        for (int r = col + 1; r < n; ++r)
            if (std::fabs(A(r, col)) > std::fabs(A(piv, col))) piv = r;
        if (!(std::fabs(A(piv, col)) >= kPivotTiny)) return false;  // also catches NaN
        if (piv != col) {
            for (int c = 0; c < n; ++c) std::swap(A(piv, c), A(col, c));
            std::swap(B(piv), B(col));
        }
        for (int r = col + 1; r < n; ++r) {
            const double f = A(r, col) / A(col, col);
            if (f == 0.0) continue;
            for (int c = col; c < n; ++c) A(r, c) -= f * A(col, c);
            B(r) -= f * B(col);
        }
    }
    for (int r = n - 1; r >= 0; --r) {
        double sum = B(r);
        for (int c = r + 1; c < n; ++c) sum -= A(r, c) * B(c);
        B(r) = sum / A(r, r);
    }
    return true;
}

struct Solution {
    bool ok = true;
    int trapped = -1;        // a reachable moment customers never leave, when !ok
    std::vector<double> v;   // expected visits: start N
    std::vector<double> x;   // value of arriving at each moment: N c
    std::vector<bool> closed;  // moments from which no terminal can be reached
};

// Visits (and, when asked, values) of a chain. A closed loop that customers can reach makes
// I - Q singular: that is found on the graph first, so the message can name a moment. Closed
// loops nobody reaches are harmless: their rows are dropped (made absorbing) before solving.
Solution solve_chain(const Chain& c, bool want_values) {
    Solution s;
    const int n = c.n;
    const auto nn = static_cast<std::size_t>(n);
    // Moments that can reach a terminal, by walking edges backwards from the exits.
    s.closed.assign(nn, true);
    std::vector<int> stack;
    for (int m = 0; m < n; ++m)
        if (c.lost[static_cast<std::size_t>(m)] > 0.0 || c.done[static_cast<std::size_t>(m)] > 0.0) {
            s.closed[static_cast<std::size_t>(m)] = false;
            stack.push_back(m);
        }
    while (!stack.empty()) {
        const int t = stack.back();
        stack.pop_back();
        for (int m = 0; m < n; ++m)
            if (s.closed[static_cast<std::size_t>(m)] && c.at(m, t) > 0.0) {
                s.closed[static_cast<std::size_t>(m)] = false;
                stack.push_back(m);
            }
    }
    // Moments customers can reach from the entry.
    std::vector<bool> reached(nn, false);
    for (int m = 0; m < n; ++m)
        if (c.start[static_cast<std::size_t>(m)] > 0.0) {
            reached[static_cast<std::size_t>(m)] = true;
            stack.push_back(m);
        }
    while (!stack.empty()) {
        const int m = stack.back();
        stack.pop_back();
        for (int t = 0; t < n; ++t)
            if (!reached[static_cast<std::size_t>(t)] && c.at(m, t) > 0.0) {
                reached[static_cast<std::size_t>(t)] = true;
                stack.push_back(t);
            }
    }
    for (int m = 0; m < n; ++m)
        if (reached[static_cast<std::size_t>(m)] && s.closed[static_cast<std::size_t>(m)]) {
            s.ok = false;
            s.trapped = m;
            return s;
        }
    // I - Q with the rows of closed moments emptied: every remaining moment leaks to a terminal
    // or to an emptied row, so the matrix is invertible.
    std::vector<double> a(nn * nn, 0.0), at(nn * nn, 0.0);
    for (int r = 0; r < n; ++r)
        for (int col = 0; col < n; ++col) {
            const double qv = s.closed[static_cast<std::size_t>(r)] ? 0.0 : c.at(r, col);
            const double e = (r == col ? 1.0 : 0.0) - qv;
            a[static_cast<std::size_t>(r * n + col)] = e;
            at[static_cast<std::size_t>(col * n + r)] = e;
        }
    s.v = c.start;
    if (!gauss(at, s.v, n)) {
        s.ok = false;
        return s;
    }
    if (want_values) {
        s.x = c.reward;
        if (!gauss(a, s.x, n)) {
            s.ok = false;
            return s;
        }
    }
    return s;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double sum = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
    return sum;
}

// The objective (purchases or P(done)) of a solved chain.
double objective(const Journey& j, const Chain& c, const Solution& s) {
    return (j.purchases ? 0.0 : c.start_done) + dot(s.v, c.reward);
}

void append(std::string& message, const std::string& note) {
    if (!message.empty()) message += ' ';
    message += note;
}

}  // namespace

// ---- analyze ------------------------------------------------------------------------------------

Analysis analyze(const Scenario& s) {
    Analysis out;
    const int n = static_cast<int>(s.moments.size());
    const auto nn = static_cast<std::size_t>(n);
    for (auto* v : {&out.expected_visits, &out.removal_effect, &out.lift, &out.expected_positive,
                    &out.expected_neutral, &out.expected_negative, &out.expected_magic,
                    &out.expected_lost_after})
        v->assign(nn, 0.0);
    if (!s.memoryless()) {
        out.ignores_feedback = true;
        append(out.message,
               "The exact analysis ignores impression carry-over (beta), reviews (gamma) and "
               "referrals: it describes the journey without its feedback loops.");
    }
    if (n == 0) {
        out.ok = false;
        append(out.message, "The journey has no moments to analyse.");
        return out;
    }

    // Segment weights; without a positive share anywhere, one unshifted segment stands in.
    std::vector<std::pair<double, double>> segs;  // (weight, shift)
    double total_share = 0.0;
    for (const Segment& g : s.segments)
        if (g.share > 0.0) total_share += g.share;
    for (const Segment& g : s.segments)
        if (g.share > 0.0) segs.emplace_back(g.share / total_share, g.shift);
    if (segs.empty()) segs.emplace_back(1.0, 0.0);

    const Journey j = resolve_journey(s);
    double p_all = 0.0;                   // share-weighted objective
    std::vector<double> p_removed(nn, 0.0);  // share-weighted objective without moment m
    bool lift_undefined_noted = false;

    for (const auto& [w, z] : segs) {
        const Chain c = build_chain(j, s, z);
        const Solution sol = solve_chain(c, true);
        if (!sol.ok) {
            out.ok = false;
            if (sol.trapped >= 0)
                append(out.message, "Moment '" + s.moments[static_cast<std::size_t>(sol.trapped)].id +
                                        "' is in a closed loop: customers who reach it never "
                                        "leave (no way on to done or lost).");
            else
                append(out.message, "The journey's chain is singular: customers practically "
                                    "never leave a loop.");
            return out;
        }
        out.done += w * (c.start_done + dot(sol.v, c.done));
        out.lost += w * (c.start_lost + dot(sol.v, c.lost));
        p_all += w * objective(j, c, sol);
        for (int m = 0; m < n; ++m) {
            const auto mi = static_cast<std::size_t>(m);
            const Moment& mo = s.moments[mi];
            const Odds& o = c.odds[mi];
            const double v = sol.v[mi];
            out.expected_visits[mi] += w * v;
            out.expected_positive[mi] += w * v * o.positive;
            out.expected_neutral[mi] += w * v * o.neutral;
            out.expected_negative[mi] += w * v * o.negative;
            out.expected_magic[mi] += w * v * o.positive * mo.magic;
            out.expected_lost_after[mi] += w * v * c.lost[mi];
            if (mo.purchase) out.expected_purchases += w * v * (o.positive + o.neutral);
            out.expected_ticks += w * v * 0.5 * (mo.dwell_min + mo.dwell_max);

            // Lift: p+ gains what p0 (or, with p0 = 0, p-) loses; see the top of the file.
            if (o.positive >= 1.0 || v == 0.0) continue;
            // p0 = 1 - p+ - p- leaves rounding dust (1 - .7 - .3 = 5.6e-17) where p+ + p- = 1:
            // that is no neutral outcome to take from (same tolerance as the graph checks).
            const int from = o.neutral > kProbabilityTolerance ? kNeu : kNeg;
            const Split& up = j.next[mi][kPos];
            const Split& down = j.next[mi][static_cast<std::size_t>(from)];
            double d = outcome_reward(j, s, m, kPos) - outcome_reward(j, s, m, from);
            bool defined = true;
            for (int t = 0; t < n; ++t) {
                const auto ti = static_cast<std::size_t>(t);
                const double dq = up.to[ti] - down.to[ti];
                if (dq == 0.0) continue;
                // A better outcome that leads into a loop nobody leaves has no finite effect.
                if (dq > 0.0 && sol.closed[ti]) defined = false;
                d += dq * sol.x[ti];
            }
            if (!defined) {
                if (!lift_undefined_noted)
                    append(out.message, "The lift of moment '" + mo.id +
                                            "' is undefined (a better outcome there leads into a "
                                            "closed loop) and is shown as 0.");
                lift_undefined_noted = true;
                continue;
            }
            out.lift[mi] += w * v * d;
        }
        // Removal: the objective with all routes into m sent to `lost`. Removing a moment only
        // adds exits, so these chains are never singular when the full one is not.
        for (int m = 0; m < n; ++m) {
            const Chain r = without(c, m);
            const Solution rs = solve_chain(r, false);
            if (rs.ok) p_removed[static_cast<std::size_t>(m)] += w * objective(j, r, rs);
        }
    }
    for (std::size_t m = 0; m < nn; ++m)
        out.removal_effect[m] = p_all > 0.0 ? 1.0 - p_removed[m] / p_all : 0.0;
    return out;
}

}  // namespace motsim
