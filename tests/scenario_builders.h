// Small builders for test scenarios, so a journey reads in a few lines of C++ (no JSON).
//
//   Scenario s = journey({M("search", 0.5, 0.1).positive_to(to({{1, 3.0}, {2, 1.0}})),
//                         M("shop", 0.8, 0.2).purchase()});
//
// journey() writes the model's default routes into every route left empty (positive and
// neutral -> next moment in file order, `done` after the last; negative -> `lost`; entry -> the
// first moment), so tests do not depend on how an engine part treats empty routes.
#pragma once
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "engine/scenario.h"

namespace motsim::test {

// A route to one target (a moment index, kLost or kDone).
inline Route to(int target) { return Route{{target}, {1.0}}; }

// A weighted route: to({{1, 3.0}, {kDone, 1.0}}). Weights need not sum to 1.
inline Route to(std::initializer_list<std::pair<int, double>> choices) {
    Route r;
    for (const auto& [target, weight] : choices) {
        r.targets.push_back(target);
        r.weights.push_back(weight);
    }
    return r;
}

// A moment with base probabilities p+ and p- and chainable setters.
struct M {
    Moment m;
    M(std::string id, double positive, double negative) {
        m.id = id;
        m.name = std::move(id);
        m.positive = positive;
        m.negative = negative;
    }
    M& positive_to(Route r) {
        m.next[static_cast<int>(Outcome::Positive)] = std::move(r);
        return *this;
    }
    M& neutral_to(Route r) {
        m.next[static_cast<int>(Outcome::Neutral)] = std::move(r);
        return *this;
    }
    M& negative_to(Route r) {
        m.next[static_cast<int>(Outcome::Negative)] = std::move(r);
        return *this;
    }
    M& dwell(int lo, int hi) {
        m.dwell_min = lo;
        m.dwell_max = hi;
        return *this;
    }
    M& purchase() {
        m.purchase = true;
        return *this;
    }
    M& magic(double p) {
        m.magic = p;
        return *this;
    }
    operator Moment() const { return m; }  // NOLINT: implicit on purpose, for journey({...})
};

// A scenario from moments, with the model's defaults made explicit (see the top).
inline Scenario journey(std::vector<Moment> moments) {
    Scenario s;
    s.moments = std::move(moments);
    const int n = static_cast<int>(s.moments.size());
    for (int i = 0; i < n; ++i) {
        auto& next = s.moments[static_cast<std::size_t>(i)].next;
        const int forward = i + 1 < n ? i + 1 : kDone;
        if (next[0].targets.empty()) next[0] = to(forward);
        if (next[1].targets.empty()) next[1] = to(forward);
        if (next[2].targets.empty()) next[2] = to(kLost);
    }
    if (s.entry.targets.empty() && n > 0) s.entry = to(0);
    return s;
}

// Segments: segment("difficult", 1.0, -0.5).
inline Segment segment(std::string name, double share, double shift) {
    Segment g;
    g.name = std::move(name);
    g.share = share;
    g.shift = shift;
    return g;
}

}  // namespace motsim::test
