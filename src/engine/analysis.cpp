// The exact analysis of model.md ("Analysis"): the journey as an absorbing Markov chain.
//
// Transient states are the moments, the absorbing ones `lost` and `done`. For one segment,
// P(m -> t) = sum over outcomes o of p_o(m) * route_o(m -> t), with p_o from odds_shifted at
// z = the segment's shift (beta, gamma and referrals are the feedback part of the model and are
// ignored here; the result says so). Magic is a positive outcome: it routes as positive, and
// expected_positive counts it (expected_magic is the subset), the way the simulation counts.
//
// Only row vectors are needed: visits v = start N solve (I - Q)^T v = start, and the value of
// arriving at a moment x = N c solves (I - Q) x = c, with N = (I - Q)^-1.
//
// The objective of removal and lift is expected purchases when the scenario has a purchase
// moment, otherwise P(done): a journey without a purchase (a hotel stay booked elsewhere, a
// service) is still judged by how many customers complete it.
//
// Removal without re-solving: sending every route into m to `lost` takes from the objective
// exactly what customers would have earned from their first arrival at m on, so
// P(without m) = P - h_m x_m, where h_m = v_m / N_mm is the probability of ever reaching m
// (v_m visits, N_mm of them per customer who gets there). One factorisation serves every m.
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
//
// Cost. Q is sparse (a moment leads to a few others) and mostly flows one way: the moments
// fall into blocks that lead back to each other (strongly connected components of the routes),
// and between blocks customers only move forwards. Visits are solved block by block in that
// order, values in the reverse order, each block by dense Gaussian elimination with partial
// pivoting written out here (so the numbers are the same bits on every platform). A journey
// without loops costs a few operations per route; a loop of k moments costs about 4/3 k^3 per
// segment (its factorisation and the diagonal of its inverse, for h). Journeys whose loops would
// cost more than kMaxWork are refused with a message instead (ok = false): nothing the loader
// accepts (1000 moments, 64 segments) makes analyze() run longer than about a tenth of a second.
#include "engine/analysis.h"
#include "engine/graph.h"  // kProbabilityTolerance

#include <algorithm>
#include <array>
#include <cmath>  // std::fabs only: exp and log come from fmath
#include <cstddef>
#include <cstdio>
#include <utility>

namespace motsim {
namespace {

constexpr int kPos = static_cast<int>(Outcome::Positive);
constexpr int kNeu = static_cast<int>(Outcome::Neutral);
constexpr int kNeg = static_cast<int>(Outcome::Negative);

// A pivot below this means the customers practically never leave some loop: the visit counts
// would be astronomical and meaningless, so the chain is reported as singular instead.
constexpr double kPivotTiny = 1e-12;

// The most work (multiply-adds, see Journey::work) one analysis may take. Measured with
// bench/analysis_bench.cpp on the project's shared 2-core machine, fastest of 7 runs: a journey
// at the bound took 20-45 ms natively and 22-46 ms in WebAssembly under Node (the spread is the
// machine's load), so analyze() stays under 100 ms in a browser. The bound admits a loop of
// 281 moments in one segment, 69 in 64 segments, and any journey without loops.
constexpr double kMaxWork = 3e7;

// ---- Routes as probabilities --------------------------------------------------------------

// Where one outcome sends a customer: probabilities over moments (each moment once, in the
// order the route first names it) and the two terminals.
struct Split {
    std::vector<std::pair<int, double>> to;
    double lost = 0.0;
    double done = 0.0;    // leaves for good after done (loyalty: the share that does not return)
    double finish = 0.0;  // reaches done, whether it comes back or not (done without loyalty)
};

// Weights normalised per route. A route with no usable weight takes the model's default
// (`fallback`): next moment in file order for positive and neutral, `lost` for negative, the
// first moment for the entry. A missing weight counts as 1. `where` is scratch: n entries of
// -1, left so.
Split resolve(const Route& r, int n, int fallback, std::vector<int>& where) {
    Split s;
    auto add = [&](int target, double p) {
        if (target >= 0 && target < n) {
            int& w = where[static_cast<std::size_t>(target)];
            if (w < 0) {
                w = static_cast<int>(s.to.size());
                s.to.emplace_back(target, 0.0);
            }
            s.to[static_cast<std::size_t>(w)].second += p;
        } else if (target == kDone) {
            s.done += p;
        } else {  // kLost, or a target the loader should have rejected: never index out of range
            s.lost += p;
        }
    };
    auto weight = [&](std::size_t i) {
        const double w = i < r.weights.size() ? r.weights[i] : 1.0;
        return (w > 0.0 && w < 1e300) ? w : 0.0;
    };
    double total = 0.0;
    for (std::size_t i = 0; i < r.targets.size(); ++i) total += weight(i);
    if (!(total > 0.0))
        add(fallback, 1.0);
    else
        for (std::size_t i = 0; i < r.targets.size(); ++i) add(r.targets[i], weight(i) / total);
    for (const auto& [t, p] : s.to) where[static_cast<std::size_t>(t)] = -1;
    s.finish = s.done;
    return s;
}

// v2 loyalty: of the share that reaches done, `base` comes back into the return route `back`
// (a move of the chain like any other) and the rest leaves for good.
void fold_returns(Split& s, double base, const Split& back) {
    const double again = s.done * base;
    if (!(again > 0.0)) return;
    s.done -= again;
    s.done += again * back.done;  // (a return route into done itself: the loader forbids it)
    s.lost += again * back.lost;
    for (const auto& [t, p] : back.to) {
        bool merged = false;
        for (auto& [u, q] : s.to)
            if (u == t) {
                q += again * p;
                merged = true;
            }
        if (!merged) s.to.emplace_back(t, again * p);
    }
}

// The segment-independent part: every route resolved once, the shape of Q and its blocks.
struct Journey {
    int n = 0;
    std::vector<std::array<Split, 3>> next;  // per moment, indexed by kPos, kNeu, kNeg
    Split entry;
    std::vector<double> start;                 // the entry's probabilities over moments
    bool purchases = false;                    // objective: purchases (true) or P(done)
    bool returns = false;                      // v2 loyalty folded into the routes
    std::vector<std::array<double, 2>> logit;  // per moment: logit(p+), logit(p-), for the shifts

    // Q in compressed rows: row m holds an entry for every moment some outcome of m can lead
    // to, in ascending order, with the share of each outcome's route that goes there.
    std::vector<int> row_begin;    // n + 1
    std::vector<int> col, row_of;  // per entry: its column (target) and its row
    std::vector<std::array<double, 3>> share;
    // The same entries by column: entries_into[into_begin[t] .. into_begin[t + 1]) lead to t.
    std::vector<int> into_begin, entries_into;

    // Blocks (strongly connected components of Q's shape) in topological order: routes lead
    // from a block only to itself and to later blocks. Members ascending within a block.
    std::vector<int> block_begin;  // blocks + 1, into members
    std::vector<int> members;
    std::vector<int> block_of, local;  // per moment: its block and its index there
    std::size_t lu_size = 0;           // sum of k * k over the blocks
    double work = 0.0;                 // multiply-adds per segment, about
    int largest_block = 0;
};

// Tarjan's strongly connected components, without recursion (a 1000-moment chain would be a
// deep recursion on WebAssembly's small stack). Components come out sinks first.
void find_blocks(Journey& j) {
    const int n = j.n;
    std::vector<int> index(static_cast<std::size_t>(n), -1), low(static_cast<std::size_t>(n), 0);
    std::vector<int> edge(static_cast<std::size_t>(n), 0);  // next entry of the row to follow
    std::vector<char> on_stack(static_cast<std::size_t>(n), 0);
    std::vector<int> stack, path;
    std::vector<std::vector<int>> found;
    int counter = 0;
    for (int root = 0; root < n; ++root) {
        if (index[static_cast<std::size_t>(root)] >= 0) continue;
        path.push_back(root);
        while (!path.empty()) {
            const int m = path.back();
            const auto mi = static_cast<std::size_t>(m);
            if (index[mi] < 0) {
                index[mi] = low[mi] = counter++;
                edge[mi] = j.row_begin[mi];
                stack.push_back(m);
                on_stack[mi] = 1;
            }
            if (edge[mi] < j.row_begin[mi + 1]) {
                const int t = j.col[static_cast<std::size_t>(edge[mi]++)];
                const auto ti = static_cast<std::size_t>(t);
                if (index[ti] < 0)
                    path.push_back(t);
                else if (on_stack[ti])
                    low[mi] = std::min(low[mi], index[ti]);
                continue;
            }
            path.pop_back();
            if (!path.empty()) {
                const auto up = static_cast<std::size_t>(path.back());
                low[up] = std::min(low[up], low[mi]);
            }
            if (low[mi] == index[mi]) {
                std::vector<int> block;
                int t;
                do {
                    t = stack.back();
                    stack.pop_back();
                    on_stack[static_cast<std::size_t>(t)] = 0;
                    block.push_back(t);
                } while (t != m);
                std::sort(block.begin(), block.end());
                found.push_back(std::move(block));
            }
        }
    }
    std::reverse(found.begin(), found.end());  // sources first
    j.block_of.assign(static_cast<std::size_t>(n), 0);
    j.local.assign(static_cast<std::size_t>(n), 0);
    j.block_begin.assign(1, 0);
    for (const std::vector<int>& block : found) {
        const int b = static_cast<int>(j.block_begin.size()) - 1;
        const double k = static_cast<double>(block.size());
        for (std::size_t i = 0; i < block.size(); ++i) {
            j.block_of[static_cast<std::size_t>(block[i])] = b;
            j.local[static_cast<std::size_t>(block[i])] = static_cast<int>(i);
            j.members.push_back(block[i]);
        }
        j.block_begin.push_back(static_cast<int>(j.members.size()));
        j.lu_size += block.size() * block.size();
        // Factorisation k^3 / 3, diagonal of the inverse k^3, the matrix and two solves 3 k^2.
        j.work += 4.0 / 3.0 * k * k * k + 3.0 * k * k;
        j.largest_block = std::max(j.largest_block, static_cast<int>(block.size()));
    }
}

// Loyalty that the chain can hold: on, a base above 0 and somewhere to come back to.
bool loyalty_in_chain(const Scenario& s) {
    return s.loyalty.enabled && s.loyalty.base > 0.0 && !s.loyalty.return_to.targets.empty();
}

Journey resolve_journey(const Scenario& s, bool with_returns) {
    Journey j;
    j.n = static_cast<int>(s.moments.size());
    const auto n = static_cast<std::size_t>(j.n);
    std::vector<int> where(n, -1);
    j.next.resize(n);
    for (int m = 0; m < j.n; ++m) {
        const Moment& mo = s.moments[static_cast<std::size_t>(m)];
        const int forward = m + 1 < j.n ? m + 1 : kDone;
        j.next[static_cast<std::size_t>(m)] = {resolve(mo.next[kPos], j.n, forward, where),
                                               resolve(mo.next[kNeu], j.n, forward, where),
                                               resolve(mo.next[kNeg], j.n, kLost, where)};
        if (mo.purchase) j.purchases = true;
    }
    j.entry = resolve(s.entry, j.n, 0, where);
    if (with_returns && loyalty_in_chain(s)) {
        j.returns = true;
        const double base = std::min(1.0, s.loyalty.base);
        const Split back = resolve(s.loyalty.return_to, j.n, 0, where);
        for (auto& splits : j.next)
            for (Split& sp : splits) fold_returns(sp, base, back);
        fold_returns(j.entry, base, back);
    }
    j.logit.resize(n);
    for (std::size_t m = 0; m < n; ++m)
        j.logit[m] = {safe_logit(s.moments[m].positive), safe_logit(s.moments[m].negative)};
    j.start.assign(n, 0.0);
    for (const auto& [t, p] : j.entry.to) j.start[static_cast<std::size_t>(t)] = p;

    // Rows of Q: the union of the three routes' targets, ascending.
    j.row_begin.assign(1, 0);
    std::vector<int> targets;
    for (std::size_t m = 0; m < n; ++m) {
        targets.clear();
        for (int k = 0; k < 3; ++k)
            for (const auto& [t, p] : j.next[m][static_cast<std::size_t>(k)].to) {
                int& w = where[static_cast<std::size_t>(t)];
                if (w < 0) {
                    w = 0;
                    targets.push_back(t);
                }
            }
        std::sort(targets.begin(), targets.end());
        const std::size_t first = j.col.size();
        for (int t : targets) {
            where[static_cast<std::size_t>(t)] = static_cast<int>(j.col.size());
            j.col.push_back(t);
            j.row_of.push_back(static_cast<int>(m));
            j.share.push_back({0.0, 0.0, 0.0});
        }
        for (int k = 0; k < 3; ++k)
            for (const auto& [t, p] : j.next[m][static_cast<std::size_t>(k)].to)
                j.share[static_cast<std::size_t>(where[static_cast<std::size_t>(t)])][static_cast<std::size_t>(k)] = p;
        for (std::size_t e = first; e < j.col.size(); ++e) where[static_cast<std::size_t>(j.col[e])] = -1;
        j.row_begin.push_back(static_cast<int>(j.col.size()));
    }
    // The same entries by column.
    j.into_begin.assign(n + 1, 0);
    for (int t : j.col) ++j.into_begin[static_cast<std::size_t>(t) + 1];
    for (std::size_t t = 0; t < n; ++t) j.into_begin[t + 1] += j.into_begin[t];
    j.entries_into.assign(j.col.size(), 0);
    std::vector<int> fill(j.into_begin.begin(), j.into_begin.end() - 1);
    for (std::size_t e = 0; e < j.col.size(); ++e)
        j.entries_into[static_cast<std::size_t>(fill[static_cast<std::size_t>(j.col[e])]++)] = static_cast<int>(e);

    find_blocks(j);
    // Per route entry a few passes; per moment its odds (two sigmoids under a shift, about 100
    // multiply-adds' time) and the bookkeeping of every step.
    j.work += 8.0 * static_cast<double>(j.col.size()) + 150.0 * static_cast<double>(n);
    return j;
}

// What one outcome at moment m is worth right away under the objective: a purchase, or the
// probability of stepping straight into `done`.
double outcome_reward(const Journey& j, const Scenario& s, int m, int o) {
    if (j.purchases) return (s.moments[static_cast<std::size_t>(m)].purchase && o != kNeg) ? 1.0 : 0.0;
    return j.next[static_cast<std::size_t>(m)][static_cast<std::size_t>(o)].finish;
}

// ---- The chain of one segment -------------------------------------------------------------

struct Chain {
    std::vector<Odds> odds;          // per moment, this segment's outcome probabilities
    std::vector<double> q;           // per entry of the journey's rows: P(m -> t)
    std::vector<double> lost, done;  // P(m -> terminal)
    std::vector<double> finish;      // P(m -> done), returning or not
    std::vector<double> reward;      // c: expected immediate objective per visit
};

Chain build_chain(const Journey& j, const Scenario& s, double z) {
    Chain c;
    const auto n = static_cast<std::size_t>(j.n);
    c.odds.resize(n);
    c.q.assign(j.col.size(), 0.0);
    c.lost.assign(n, 0.0);
    c.done.assign(n, 0.0);
    c.finish.assign(n, 0.0);
    c.reward.assign(n, 0.0);
    for (int m = 0; m < j.n; ++m) {
        const auto mi = static_cast<std::size_t>(m);
        const Moment& mo = s.moments[mi];
        const Odds o = odds_shifted(mo.positive, mo.negative, j.logit[mi][0], j.logit[mi][1], z);
        c.odds[mi] = o;
        const std::array<double, 3> p{o.positive, o.neutral, o.negative};
        for (int k = 0; k < 3; ++k) {
            const Split& sp = j.next[mi][static_cast<std::size_t>(k)];
            const double pk = p[static_cast<std::size_t>(k)];
            for (int e = j.row_begin[mi]; e < j.row_begin[mi + 1]; ++e)
                c.q[static_cast<std::size_t>(e)] +=
                    pk * j.share[static_cast<std::size_t>(e)][static_cast<std::size_t>(k)];
            c.lost[mi] += pk * sp.lost;
            c.done[mi] += pk * sp.done;
            c.finish[mi] += pk * sp.finish;
            c.reward[mi] += pk * outcome_reward(j, s, m, k);
        }
    }
    return c;
}

// ---- Linear algebra ---------------------------------------------------------------------------

// PA = LU of a k * k row-major matrix in place (L's multipliers below the diagonal, U on and
// above), row swaps in `swaps` (at step c, rows c and swaps[c]). Partial pivoting in a fixed
// order: deterministic, no library. False if a pivot is tiny (or NaN).
bool factor(double* a, int* swaps, int k) {
    auto A = [&](int r, int c) -> double& {
        return a[static_cast<std::size_t>(r) * static_cast<std::size_t>(k) + static_cast<std::size_t>(c)];
    };
    for (int col = 0; col < k; ++col) {
        int piv = col;
        for (int r = col + 1; r < k; ++r)
            if (std::fabs(A(r, col)) > std::fabs(A(piv, col))) piv = r;
        if (!(std::fabs(A(piv, col)) >= kPivotTiny)) return false;
        swaps[col] = piv;
        if (piv != col)
            for (int c = 0; c < k; ++c) std::swap(A(piv, c), A(col, c));
        for (int r = col + 1; r < k; ++r) {
            const double f = A(r, col) / A(col, col);
            A(r, col) = f;
            if (f == 0.0) continue;
            for (int c = col + 1; c < k; ++c) A(r, c) -= f * A(col, c);
        }
    }
    return true;
}

// Solves A y = b (y returned in b) with the factors of A.
void solve(const double* a, const int* swaps, int k, double* b) {
    auto A = [&](int r, int c) {
        return a[static_cast<std::size_t>(r) * static_cast<std::size_t>(k) + static_cast<std::size_t>(c)];
    };
    for (int c = 0; c < k; ++c) std::swap(b[c], b[swaps[c]]);
    for (int r = 1; r < k; ++r) {
        double sum = b[r];
        for (int c = 0; c < r; ++c) sum -= A(r, c) * b[c];
        b[r] = sum;
    }
    for (int r = k - 1; r >= 0; --r) {
        double sum = b[r];
        for (int c = r + 1; c < k; ++c) sum -= A(r, c) * b[c];
        b[r] = sum / A(r, r);
    }
}

// Solves A^T y = b (y returned in b): A^T = U^T L^T P, so U^T, then L^T, then the swaps undone.
void solve_transposed(const double* a, const int* swaps, int k, double* b) {
    auto A = [&](int r, int c) {
        return a[static_cast<std::size_t>(r) * static_cast<std::size_t>(k) + static_cast<std::size_t>(c)];
    };
    for (int r = 0; r < k; ++r) {
        double sum = b[r];
        for (int c = 0; c < r; ++c) sum -= A(c, r) * b[c];
        b[r] = sum / A(r, r);
    }
    for (int r = k - 2; r >= 0; --r) {
        double sum = b[r];
        for (int c = r + 1; c < k; ++c) sum -= A(c, r) * b[c];
        b[r] = sum;
    }
    for (int c = k - 1; c >= 0; --c) std::swap(b[c], b[swaps[c]]);
}

struct Solution {
    bool ok = true;
    int trapped = -1;           // a reachable moment customers never leave, when !ok
    std::vector<double> v;      // expected visits: start N
    std::vector<double> x;      // value of arriving at each moment: N c
    std::vector<double> reach;  // P(a customer ever reaches the moment) = v_m / N_mm
    std::vector<bool> closed;   // moments from which no terminal can be reached
};

// Visits, values and reach of a chain. A closed loop that customers can reach makes I - Q
// singular: that is found on the graph first, so the message can name a moment. Closed loops
// nobody reaches are harmless: their rows are dropped (made absorbing) before solving.
Solution solve_chain(const Journey& j, const Chain& c) {
    Solution s;
    const int n = j.n;
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
        const auto t = static_cast<std::size_t>(stack.back());
        stack.pop_back();
        for (int i = j.into_begin[t]; i < j.into_begin[t + 1]; ++i) {
            const auto e = static_cast<std::size_t>(j.entries_into[static_cast<std::size_t>(i)]);
            const int m = j.row_of[e];
            if (s.closed[static_cast<std::size_t>(m)] && c.q[e] > 0.0) {
                s.closed[static_cast<std::size_t>(m)] = false;
                stack.push_back(m);
            }
        }
    }
    // Moments customers can reach from the entry.
    std::vector<bool> reached(nn, false);
    for (int m = 0; m < n; ++m)
        if (j.start[static_cast<std::size_t>(m)] > 0.0) {
            reached[static_cast<std::size_t>(m)] = true;
            stack.push_back(m);
        }
    while (!stack.empty()) {
        const auto m = static_cast<std::size_t>(stack.back());
        stack.pop_back();
        for (int e = j.row_begin[m]; e < j.row_begin[m + 1]; ++e) {
            const auto t = static_cast<std::size_t>(j.col[static_cast<std::size_t>(e)]);
            if (!reached[t] && c.q[static_cast<std::size_t>(e)] > 0.0) {
                reached[t] = true;
                stack.push_back(static_cast<int>(t));
            }
        }
    }
    for (int m = 0; m < n; ++m)
        if (reached[static_cast<std::size_t>(m)] && s.closed[static_cast<std::size_t>(m)]) {
            s.ok = false;
            s.trapped = m;
            return s;
        }

    // Each block's I - Q restricted to it, with the rows of closed moments emptied: every
    // remaining moment leaks to a terminal, a later block or an emptied row, so it is invertible.
    const int blocks = static_cast<int>(j.block_begin.size()) - 1;
    std::vector<double> lu(j.lu_size, 0.0);
    std::vector<int> swaps(nn, 0);
    std::vector<std::size_t> lu_at(static_cast<std::size_t>(blocks), 0);
    std::size_t at = 0;
    for (int b = 0; b < blocks; ++b) {
        const int first = j.block_begin[static_cast<std::size_t>(b)];
        const int k = j.block_begin[static_cast<std::size_t>(b) + 1] - first;
        lu_at[static_cast<std::size_t>(b)] = at;
        double* a = lu.data() + at;
        for (int i = 0; i < k; ++i) {
            const auto m = static_cast<std::size_t>(j.members[static_cast<std::size_t>(first + i)]);
            a[static_cast<std::size_t>(i) * static_cast<std::size_t>(k) + static_cast<std::size_t>(i)] = 1.0;
            if (s.closed[m]) continue;
            for (int e = j.row_begin[m]; e < j.row_begin[m + 1]; ++e) {
                const auto t = static_cast<std::size_t>(j.col[static_cast<std::size_t>(e)]);
                if (j.block_of[t] != b) continue;
                a[static_cast<std::size_t>(i) * static_cast<std::size_t>(k) + static_cast<std::size_t>(j.local[t])] -=
                    c.q[static_cast<std::size_t>(e)];
            }
        }
        if (!factor(a, swaps.data() + first, k)) {
            s.ok = false;
            return s;
        }
        at += static_cast<std::size_t>(k) * static_cast<std::size_t>(k);
    }

    // Visits, sources first: what flows into a block from earlier ones, then the block's own
    // solve; ever reaching a moment: its visits over the visits of one who starts there.
    s.v.assign(nn, 0.0);
    s.reach.assign(nn, 0.0);
    std::vector<double> inflow = j.start, rhs, unit;
    for (int b = 0; b < blocks; ++b) {
        const int first = j.block_begin[static_cast<std::size_t>(b)];
        const int k = j.block_begin[static_cast<std::size_t>(b) + 1] - first;
        const double* a = lu.data() + lu_at[static_cast<std::size_t>(b)];
        const int* sw = swaps.data() + first;
        rhs.assign(static_cast<std::size_t>(k), 0.0);
        bool any = false;
        for (int i = 0; i < k; ++i) {
            rhs[static_cast<std::size_t>(i)] =
                inflow[static_cast<std::size_t>(j.members[static_cast<std::size_t>(first + i)])];
            any = any || rhs[static_cast<std::size_t>(i)] != 0.0;
        }
        if (!any) continue;  // nobody comes here: no visits (exactly 0, as the solve would give)
        solve_transposed(a, sw, k, rhs.data());
        for (int i = 0; i < k; ++i) {
            const auto m = static_cast<std::size_t>(j.members[static_cast<std::size_t>(first + i)]);
            const double v = rhs[static_cast<std::size_t>(i)];
            s.v[m] = v;
            if (v == 0.0) continue;
            // N_mm: the diagonal of this block's inverse (paths from m back to m stay in it).
            unit.assign(static_cast<std::size_t>(k), 0.0);
            unit[static_cast<std::size_t>(i)] = 1.0;
            solve(a, sw, k, unit.data());
            s.reach[m] = v / unit[static_cast<std::size_t>(i)];
            if (s.closed[m]) continue;
            for (int e = j.row_begin[m]; e < j.row_begin[m + 1]; ++e) {
                const auto t = static_cast<std::size_t>(j.col[static_cast<std::size_t>(e)]);
                if (j.block_of[t] != b) inflow[t] += v * c.q[static_cast<std::size_t>(e)];
            }
        }
    }

    // Values, sinks first: a moment's reward plus what its routes out of the block lead to.
    s.x.assign(nn, 0.0);
    for (int b = blocks - 1; b >= 0; --b) {
        const int first = j.block_begin[static_cast<std::size_t>(b)];
        const int k = j.block_begin[static_cast<std::size_t>(b) + 1] - first;
        rhs.assign(static_cast<std::size_t>(k), 0.0);
        for (int i = 0; i < k; ++i) {
            const auto m = static_cast<std::size_t>(j.members[static_cast<std::size_t>(first + i)]);
            double sum = c.reward[m];
            if (!s.closed[m])
                for (int e = j.row_begin[m]; e < j.row_begin[m + 1]; ++e) {
                    const auto t = static_cast<std::size_t>(j.col[static_cast<std::size_t>(e)]);
                    if (j.block_of[t] != b) sum += c.q[static_cast<std::size_t>(e)] * s.x[t];
                }
            rhs[static_cast<std::size_t>(i)] = sum;
        }
        solve(lu.data() + lu_at[static_cast<std::size_t>(b)], swaps.data() + first, k, rhs.data());
        for (int i = 0; i < k; ++i)
            s.x[static_cast<std::size_t>(j.members[static_cast<std::size_t>(first + i)])] =
                rhs[static_cast<std::size_t>(i)];
    }
    return s;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double sum = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
    return sum;
}

void append(std::string& message, const std::string& note) {
    if (!message.empty()) message += ' ';
    message += note;
}

}  // namespace

// ---- analyze ------------------------------------------------------------------------------------

namespace {

// The chain's numbers, with loyalty's returns folded into the routes or not; `out` arrives with
// the notes on what is ignored. True when it failed because customers never leave a loop (a
// closed or singular chain), not because the journey is empty or too large.
bool analyze_chain(const Scenario& s, bool with_returns, Analysis& out) {
    const int n = static_cast<int>(s.moments.size());
    const auto nn = static_cast<std::size_t>(n);
    for (auto* v : {&out.expected_visits, &out.removal_effect, &out.lift, &out.expected_positive, &out.expected_neutral,
                    &out.expected_negative, &out.expected_magic, &out.expected_lost_after})
        v->assign(nn, 0.0);
    if (n == 0) {
        out.ok = false;
        append(out.message, "The journey has no moments to analyse.");
        return false;
    }

    // Segment weights; without a positive share anywhere, one unshifted segment stands in.
    std::vector<std::pair<double, double>> segs;  // (weight, shift)
    double total_share = 0.0;
    for (const Segment& g : s.segments)
        if (g.share > 0.0) total_share += g.share;
    for (const Segment& g : s.segments)
        if (g.share > 0.0) segs.emplace_back(g.share / total_share, g.shift);
    if (segs.empty()) segs.emplace_back(1.0, 0.0);

    const Journey j = resolve_journey(s, with_returns);
    out.loyalty = j.returns;
    const double work = j.work * static_cast<double>(segs.size());
    if (work > kMaxWork) {
        out.ok = false;
        char text[400];
        std::snprintf(text, sizeof text,
                      "The journey is too large for the exact analysis: %d moments lead back to each "
                      "other (its largest loop)%s, about %.*f million steps; the limit is %.0f "
                      "million. The simulation still runs; shorten the loop%s to analyse it.",
                      j.largest_block,
                      segs.size() > 1 ? (" in each of " + std::to_string(segs.size()) + " segments").c_str() : "",
                      work < 1e8 ? 1 : 0, work / 1e6, kMaxWork / 1e6, segs.size() > 1 ? " or use fewer segments" : "");
        append(out.message, text);
        return false;
    }
    double p_all = 0.0;                      // share-weighted objective
    std::vector<double> p_removed(nn, 0.0);  // share-weighted objective without moment m
    bool lift_undefined_noted = false;

    for (const auto& [w, z] : segs) {
        const Chain c = build_chain(j, s, z);
        const Solution sol = solve_chain(j, c);
        if (!sol.ok) {
            out.ok = false;
            if (sol.trapped >= 0)
                append(out.message, "Moment '" + s.moments[static_cast<std::size_t>(sol.trapped)].id +
                                        "' is in a closed loop: customers who reach it never "
                                        "leave (no way on to done or lost).");
            else
                append(out.message,
                       "The journey's chain is singular: customers practically "
                       "never leave a loop.");
            return true;
        }
        const double objective = (j.purchases ? 0.0 : j.entry.finish) + dot(sol.v, c.reward);
        out.done += w * (j.entry.done + dot(sol.v, c.done));
        out.expected_completions += w * (j.entry.finish + dot(sol.v, c.finish));
        out.lost += w * (j.entry.lost + dot(sol.v, c.lost));
        p_all += w * objective;
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

            // Removal: everyone who would reach m is lost there, with what they would have
            // earned from it on (see the top of the file). Never below 0, whatever the rounding.
            p_removed[mi] += w * std::max(0.0, objective - sol.reach[mi] * sol.x[mi]);

            // Lift: p+ gains what p0 (or, with p0 = 0, p-) loses; see the top of the file.
            if (o.positive >= 1.0 || v == 0.0) continue;
            // p0 = 1 - p+ - p- leaves rounding dust (1 - .7 - .3 = 5.6e-17) where p+ + p- = 1:
            // that is no neutral outcome to take from (same tolerance as the graph checks).
            const int from = o.neutral > kProbabilityTolerance ? kNeu : kNeg;
            double d = outcome_reward(j, s, m, kPos) - outcome_reward(j, s, m, from);
            bool defined = true;
            for (int e = j.row_begin[mi]; e < j.row_begin[mi + 1]; ++e) {
                const auto ei = static_cast<std::size_t>(e);
                const auto ti = static_cast<std::size_t>(j.col[ei]);
                const double dq = j.share[ei][kPos] - j.share[ei][static_cast<std::size_t>(from)];
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
    }
    for (std::size_t m = 0; m < nn; ++m) out.removal_effect[m] = p_all > 0.0 ? 1.0 - p_removed[m] / p_all : 0.0;
    if (out.loyalty) out.expected_returns = std::min(1.0, s.loyalty.base) * out.expected_completions;
    return false;
}

// What the chain leaves out of the scenario, one sentence each (Analysis::ignores).
std::vector<std::string> ignored_parts(const Scenario& s) {
    std::vector<std::string> v;
    if (s.beta != 0.0)
        v.push_back(
            "impression carry-over into the odds (beta): every customer gets the base odds, shifted "
            "by its segment only");
    if (s.gamma != 0.0)
        v.push_back(
            "the reviews' feedback (gamma): moments that read reviews use their base odds, as if the "
            "public rating stayed at 0.5");
    if (s.referral_rate != 0.0)
        v.push_back(
            "referrals: the numbers are per arriving customer, referred or not; how many arrive is not analysed");
    if (s.market.enabled)
        v.push_back(
            "the market (Bass arrivals): the numbers are per arriving customer, whenever they arrive; "
            "how many arrive is not analysed");
    if (s.loyalty.enabled && s.loyalty.impression != 0.0 && loyalty_in_chain(s))
        v.push_back(
            "impression-dependent returns (loyalty.impression): every customer who reaches done is "
            "taken to come back with probability base, as at impression 0");
    return v;
}

}  // namespace

Analysis analyze(const Scenario& s) {
    Analysis out;
    out.ignores = ignored_parts(s);
    out.ignores_feedback = !s.memoryless();
    if (!out.ignores.empty()) {
        // Each part's name (before its colon): the whole sentences are in `ignores`.
        std::string text = "The exact analysis ignores what breaks its chain and describes the journey without it: ";
        for (std::size_t i = 0; i < out.ignores.size(); ++i)
            text += (i ? ", " : "") + out.ignores[i].substr(0, out.ignores[i].find(':'));
        append(out.message, text + ".");
    }
    const std::string notes = out.message;
    const bool trapped = analyze_chain(s, true, out);
    if (out.ok || !out.loyalty || !trapped) return out;
    // The chain with returns failed. If one journey without them is fine, the returns never end:
    // base x P(done | back at return_to) is 1 (or so near it that the chain is singular).
    Analysis once;
    once.ignores = out.ignores;
    once.ignores_feedback = out.ignores_feedback;
    once.message = notes;
    analyze_chain(s, false, once);
    if (!once.ok) return out;  // broken without the returns too: say why as before
    once.loyalty = true;
    once.lifetime_bounded = false;
    char base[32];
    std::snprintf(base, sizeof base, "%g", s.loyalty.base);
    append(once.message, std::string("Loyalty makes the lifetime unbounded: with base ") + base +
                             " the customers who come back (practically) always reach done again (base x P(done) "
                             ">= 1), so they return forever and purchases per customer have no finite expectation. "
                             "The numbers are those of one journey, without returns.");
    return once;
}

}  // namespace motsim
