#include "engine/graph.h"

#include <cstddef>

namespace motsim {

// ---- edges -----------------------------------------------------------------------------------

std::array<bool, 3> possible_routes(const Moment& m) {
    const double neutral = 1.0 - m.positive - m.negative;
    return {m.positive > kProbabilityTolerance, neutral > kProbabilityTolerance, m.negative > kProbabilityTolerance};
}

namespace {

bool valid_moment(const Scenario& s, int t) { return t >= 0 && static_cast<std::size_t>(t) < s.moments.size(); }

// Calls f(target) for every target of every route of moment m whose outcome is possible.
// Terminals are passed through as kLost / kDone; out-of-range targets are skipped.
template <class F>
void for_each_edge(const Scenario& s, const Moment& m, F&& f) {
    const auto possible = possible_routes(m);
    for (std::size_t r = 0; r < m.next.size(); ++r) {
        if (!possible[r]) continue;
        const Route& route = m.next[r];
        for (std::size_t k = 0; k < route.targets.size(); ++k) {
            const double w = k < route.weights.size() ? route.weights[k] : 1.0;
            if (!(w > 0.0)) continue;  // a zero weight is never taken
            const int t = route.targets[k];
            if (t == kLost || t == kDone || valid_moment(s, t)) f(t);
        }
    }
}

}  // namespace

// ---- reachability ----------------------------------------------------------------------------

std::vector<bool> reachable_moments(const Scenario& s) {
    const std::size_t n = s.moments.size();
    std::vector<bool> seen(n, false);
    std::vector<int> todo;
    const auto visit = [&](int t) {
        if (t >= 0 && !seen[static_cast<std::size_t>(t)]) {
            seen[static_cast<std::size_t>(t)] = true;
            todo.push_back(t);
        }
    };
    if (s.entry.targets.empty()) {
        // The model's default entry is the first moment.
        if (n > 0) visit(0);
    } else {
        for (std::size_t k = 0; k < s.entry.targets.size(); ++k) {
            const double w = k < s.entry.weights.size() ? s.entry.weights[k] : 1.0;
            if (w > 0.0 && valid_moment(s, s.entry.targets[k])) visit(s.entry.targets[k]);
        }
    }
    while (!todo.empty()) {
        const int m = todo.back();
        todo.pop_back();
        for_each_edge(s, s.moments[static_cast<std::size_t>(m)], visit);
    }
    return seen;
}

std::vector<bool> moments_that_can_finish(const Scenario& s) {
    // Backwards search from the terminals over the reversed edges: linear in the graph size.
    const std::size_t n = s.moments.size();
    std::vector<std::vector<int>> into(n);
    std::vector<bool> finish(n, false);
    std::vector<int> todo;
    for (std::size_t i = 0; i < n; ++i) {
        for_each_edge(s, s.moments[i], [&](int t) {
            if (t < 0) {
                if (!finish[i]) {
                    finish[i] = true;
                    todo.push_back(static_cast<int>(i));
                }
            } else {
                into[static_cast<std::size_t>(t)].push_back(static_cast<int>(i));
            }
        });
    }
    while (!todo.empty()) {
        const int m = todo.back();
        todo.pop_back();
        for (int from : into[static_cast<std::size_t>(m)]) {
            if (!finish[static_cast<std::size_t>(from)]) {
                finish[static_cast<std::size_t>(from)] = true;
                todo.push_back(from);
            }
        }
    }
    return finish;
}

// ---- issues ----------------------------------------------------------------------------------

std::vector<GraphIssue> check_graph(const Scenario& s) {
    std::vector<GraphIssue> issues;
    const auto reachable = reachable_moments(s);
    const auto finish = moments_that_can_finish(s);
    for (std::size_t i = 0; i < s.moments.size(); ++i) {
        const std::string& id = s.moments[i].id;
        if (!reachable[i]) {
            issues.push_back({GraphIssue::Kind::Unreachable, static_cast<int>(i), false,
                              "moment '" + id +
                                  "' cannot be reached from the entry (no route of a possible "
                                  "outcome leads here)"});
        }
        if (!finish[i]) {
            issues.push_back({GraphIssue::Kind::NoExit, static_cast<int>(i), true,
                              "moment '" + id +
                                  "' cannot reach 'done' or 'lost': no chain of possible "
                                  "outcomes leads out, so customers here would never leave"});
        }
    }
    return issues;
}

}  // namespace motsim
