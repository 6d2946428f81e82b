// The exact analysis at the loader's limits (issue 9): whatever journey the loader accepts
// (up to 1000 moments, 64 segments), analyze() answers - a result, or ok = false with a reason
// a person can act on - instead of working for minutes. And the block-by-block solve with the
// removal effect from one factorisation gives what the textbook method gives: a dense
// (I - Q) solved whole, and every removal solved again from scratch (a reference written here,
// independent of engine/analysis.cpp).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/analysis.h"
#include "io/loader.h"

using namespace motsim;

namespace {

// A journey as JSON text, so that the loader decides what is allowed. Chain: each moment leads
// to the next. Loop: a negative outcome also leads back to the first moment. Dense: a neutral
// outcome spreads over `fan` moments all over the journey.
std::string journey_json(int moments, int segments, const std::string& shape, int fan = 0) {
    std::string t = "{\"motsim\": 1, \"name\": \"" + shape + "\", \"moments\": [";
    for (int i = 0; i < moments; ++i) {
        t +=
            std::string(i ? "," : "") + "{\"id\": \"m" + std::to_string(i) + "\", \"positive\": 0.6, \"negative\": 0.2";
        if (i == moments - 1) t += ", \"purchase\": true";
        if (shape == "loop") t += ", \"next\": {\"negative\": {\"m0\": 1, \"lost\": 1}}";
        if (shape == "dense") {
            t += ", \"next\": {\"neutral\": {";
            for (int k = 0; k < fan; ++k)
                t += std::string(k ? "," : "") + "\"m" + std::to_string((i + 1 + k * (moments / fan)) % moments) +
                     "\": 1";
            t += "}}";
        }
        t += "}";
    }
    t += "]";
    if (segments > 1) {
        t += ", \"segments\": [";
        for (int g = 0; g < segments; ++g)
            t += std::string(g ? "," : "") + "{\"name\": \"g" + std::to_string(g) +
                 "\", \"share\": 1, \"shift\": " + std::to_string((g - segments / 2) * 0.05) + "}";
        t += "]";
    }
    return t + "}";
}

Scenario load_ok(const std::string& text) {
    io::LoadResult r = io::load_scenario(text);
    for (const io::Problem& p : r.problems) CAPTURE(p.message);
    REQUIRE(r.ok());
    return *r.scenario;
}

// ---- The reference: one segment's chain, dense, solved whole --------------------------------

struct Dense {
    int n = 0;
    std::vector<double> q;  // n * n
    std::vector<double> lost, done, reward, start;
};

// P(m -> t) etc. straight from the scenario, for a segment with shift z (odds_shifted is shared
// with the simulation and tested on its own in test_analysis.cpp).
Dense dense_chain(const Scenario& s, double z) {
    Dense d;
    d.n = static_cast<int>(s.moments.size());
    const auto n = static_cast<std::size_t>(d.n);
    d.q.assign(n * n, 0.0);
    d.lost.assign(n, 0.0);
    d.done.assign(n, 0.0);
    d.reward.assign(n, 0.0);
    d.start.assign(n, 0.0);
    auto spread = [&](const Route& r, double p, int fallback, std::size_t row, bool entry) {
        double total = 0;
        for (std::size_t i = 0; i < r.targets.size(); ++i) total += i < r.weights.size() ? r.weights[i] : 1.0;
        auto put = [&](int t, double share) {
            if (t >= 0)
                (entry ? d.start[static_cast<std::size_t>(t)] : d.q[row * n + static_cast<std::size_t>(t)]) +=
                    p * share;
            else if (!entry)
                (t == kDone ? d.done : d.lost)[row] += p * share;
        };
        if (r.targets.empty()) put(fallback, 1.0);
        for (std::size_t i = 0; i < r.targets.size(); ++i)
            put(r.targets[i], (i < r.weights.size() ? r.weights[i] : 1.0) / total);
    };
    for (std::size_t m = 0; m < n; ++m) {
        const Moment& mo = s.moments[m];
        const Odds o = odds_shifted(mo.positive, mo.negative, safe_logit(mo.positive), safe_logit(mo.negative), z);
        const int forward = m + 1 < n ? static_cast<int>(m) + 1 : kDone;
        spread(mo.next[0], o.positive, forward, m, false);
        spread(mo.next[1], o.neutral, forward, m, false);
        spread(mo.next[2], o.negative, kLost, m, false);
        if (mo.purchase) d.reward[m] = o.positive + o.neutral;
    }
    spread(s.entry, 1.0, 0, 0, true);
    return d;
}

// start (I - Q)^-1 by Gauss-Jordan on the transposed system.
std::vector<double> visits(const Dense& d) {
    const auto n = static_cast<std::size_t>(d.n);
    std::vector<double> a(n * n), v = d.start;
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t c = 0; c < n; ++c) a[c * n + r] = (r == c ? 1.0 : 0.0) - d.q[r * n + c];
    for (std::size_t c = 0; c < n; ++c) {
        std::size_t p = c;
        for (std::size_t r = c + 1; r < n; ++r)
            if (std::fabs(a[r * n + c]) > std::fabs(a[p * n + c])) p = r;
        for (std::size_t k = 0; k < n; ++k) std::swap(a[p * n + k], a[c * n + k]);
        std::swap(v[p], v[c]);
        for (std::size_t r = 0; r < n; ++r) {
            if (r == c) continue;
            const double f = a[r * n + c] / a[c * n + c];
            for (std::size_t k = c; k < n; ++k) a[r * n + k] -= f * a[c * n + k];
            v[r] -= f * v[c];
        }
    }
    for (std::size_t r = 0; r < n; ++r) v[r] /= a[r * n + r];
    return v;
}

double purchases(const Dense& d) {
    const std::vector<double> v = visits(d);
    double sum = 0;
    for (std::size_t m = 0; m < v.size(); ++m) sum += v[m] * d.reward[m];
    return sum;
}

// The removal experiment done the slow way: every route into m redirected to lost, solved again.
double purchases_without(Dense d, int m) {
    const auto n = static_cast<std::size_t>(d.n);
    const auto mi = static_cast<std::size_t>(m);
    for (std::size_t r = 0; r < n; ++r) {
        d.lost[r] += d.q[r * n + mi];
        d.q[r * n + mi] = 0.0;
    }
    d.start[mi] = 0.0;
    return purchases(d);
}

}  // namespace

TEST_CASE("analysis bounds: the loader's limits are the ones this test builds against") {
    CHECK(io::load_scenario(journey_json(1000, 64, "chain")).ok());
    CHECK_FALSE(io::load_scenario(journey_json(1001, 1, "chain")).ok());
    CHECK_FALSE(io::load_scenario(journey_json(10, 65, "chain")).ok());
}

TEST_CASE("analysis bounds: the largest journey without loops is analysed, exactly") {
    // 1000 moments in a row, 64 segments: each moment passes a customer on with p+ + p0, so the
    // visits of moment i are the segment average of (p+ + p0)^i.
    const Scenario s = load_ok(journey_json(1000, 64, "chain"));
    const Analysis a = analyze(s);
    REQUIRE(a.ok);
    CHECK(a.message.empty());
    for (int i : {0, 1, 10, 100, 999}) {
        double expected = 0;
        for (const Segment& g : s.segments) {
            const Odds o = odds_shifted(0.6, 0.2, safe_logit(0.6), safe_logit(0.2), g.shift);
            expected += std::pow(o.positive + o.neutral, i) / 64.0;
        }
        CHECK(a.expected_visits[static_cast<std::size_t>(i)] == doctest::Approx(expected).epsilon(1e-9));
    }
    // Every moment is on the only way to the purchase: removing any loses every purchase.
    for (double r : a.removal_effect) CHECK(r == doctest::Approx(1.0).epsilon(1e-9));
}

TEST_CASE("analysis bounds: loops too large for the bound are refused with a reason") {
    struct Case {
        std::string text;
        const char* what;
    };
    for (const Case& c : {Case{journey_json(1000, 64, "loop"), "a loop of 1000 moments, 64 segments"},
                          Case{journey_json(1000, 1, "loop"), "a loop of 1000 moments, one segment"},
                          Case{journey_json(1000, 64, "dense", 200), "1000 moments with 200 routes each"},
                          Case{journey_json(300, 1, "loop"), "a loop of 300 moments"},
                          Case{journey_json(100, 64, "loop"), "a loop of 100 moments, 64 segments"}}) {
        CAPTURE(c.what);
        const Scenario s = load_ok(c.text);
        const Analysis a = analyze(s);
        CHECK_FALSE(a.ok);
        CHECK(a.message.find("too large for the exact analysis") != std::string::npos);
        CHECK(a.message.find("moments lead back to each other") != std::string::npos);
        CHECK(a.message.find("The simulation still runs") != std::string::npos);
        // Nothing half-computed is passed off as a result.
        CHECK(a.expected_purchases == 0.0);
        CHECK(a.expected_visits.size() == s.moments.size());
    }
    const Analysis many = analyze(load_ok(journey_json(100, 64, "loop")));
    CHECK(many.message.find("64 segments") != std::string::npos);
    CHECK(many.message.find("fewer segments") != std::string::npos);
}

TEST_CASE("analysis bounds: a loop within the bound is analysed, as a dense solve finds") {
    // 120 moments that all lead back to the first (one block of 120), and a journey whose
    // neutral outcomes spread over the journey: compared with the dense reference, removal by
    // solving again included, for two segments.
    for (const std::string& text : {journey_json(120, 2, "loop"), journey_json(60, 2, "dense", 6)}) {
        const Scenario s = load_ok(text);
        CAPTURE(s.name);
        const Analysis a = analyze(s);
        REQUIRE(a.ok);
        std::vector<double> v(s.moments.size(), 0.0), without(s.moments.size(), 0.0);
        double all = 0;
        for (const Segment& g : s.segments) {
            const Dense d = dense_chain(s, g.shift);
            const std::vector<double> dv = visits(d);
            for (std::size_t m = 0; m < v.size(); ++m) v[m] += 0.5 * dv[m];
            all += 0.5 * purchases(d);
            for (std::size_t m = 0; m < v.size(); m += 7) without[m] += 0.5 * purchases_without(d, static_cast<int>(m));
        }
        CHECK(a.expected_purchases == doctest::Approx(all).epsilon(1e-10));
        for (std::size_t m = 0; m < v.size(); m += 7) {
            CAPTURE(m);
            CHECK(a.expected_visits[m] == doctest::Approx(v[m]).epsilon(1e-10));
            CHECK(a.removal_effect[m] == doctest::Approx(1.0 - without[m] / all).epsilon(1e-10));
        }
    }
}
