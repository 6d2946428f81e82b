// motsim_bench_analysis: the time of one exact analysis (engine/analysis.cpp) on the largest
// journeys the loader accepts (1000 moments, 64 segments) and at the edge of the analysis's cost
// bound, where the answer is a refusal or a result. Target: under 100 ms for any of them, in
// WebAssembly too (issue 9); before the block solve a 1000-moment chain took 85 s, one segment.
//
//   motsim_bench_analysis          every journey, 7 runs each: the fastest and the median
//   motsim_bench_analysis --quick  3 runs each
// On a shared machine the fastest run is the figure to compare: other work only adds time.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "engine/analysis.h"

using namespace motsim;

namespace {

double now_ms() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

enum class Shape { Chain, Loop, Dense };

// n moments in file order. Chain: each leads to the next (the default routes). Loop: a negative
// outcome sends the customer back to the first moment, so all n lead back to each other. Dense:
// a neutral outcome picks one of 40 moments spread over the journey (all in one loop, and its
// elimination fills in completely).
Scenario journey(Shape shape, int n, int segments) {
    Scenario s;
    s.name = "bench";
    for (int i = 0; i < n; ++i) {
        Moment m;
        m.id = m.name = "m" + std::to_string(i);
        m.positive = 0.6;
        m.negative = 0.2;
        m.purchase = i == n - 1;
        const int next = i + 1 < n ? i + 1 : kDone;
        m.next = {Route{{next}, {1.0}}, Route{{next}, {1.0}}, Route{{kLost}, {1.0}}};
        if (shape == Shape::Loop) m.next[2] = Route{{0, kLost}, {1.0, 1.0}};
        if (shape == Shape::Dense) {
            Route r;
            for (int k = 1; k <= 40; ++k) {
                const int t = (i * 7 + k * 13) % n;
                if (std::find(r.targets.begin(), r.targets.end(), t) != r.targets.end()) continue;
                r.targets.push_back(t);
                r.weights.push_back(1.0);
            }
            r.targets.push_back(next);
            r.weights.push_back(1.0);
            m.next[1] = r;
        }
        s.moments.push_back(m);
    }
    s.entry = Route{{0}, {1.0}};
    s.segments.clear();
    for (int g = 0; g < segments; ++g) {
        Segment seg;
        seg.name = "g" + std::to_string(g);
        seg.share = 1.0;
        seg.shift = (g - segments / 2) * 0.05;
        s.segments.push_back(seg);
    }
    return s;
}

// The largest n of a shape that the analysis still answers (ok) with `segments` segments.
int largest_accepted(Shape shape, int segments) {
    int lo = 1, hi = 1000;
    if (analyze(journey(shape, hi, segments)).ok) return hi;
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        (analyze(journey(shape, mid, segments)).ok ? lo : hi) = mid;
    }
    return lo;
}

}  // namespace

int main(int argc, char** argv) {
    const int repeats = argc > 1 && std::strcmp(argv[1], "--quick") == 0 ? 3 : 7;
    struct Case {
        const char* what;
        Shape shape;
        int n, segments;
    };
    std::vector<Case> cases = {
        {"chain, the loader's largest", Shape::Chain, 1000, 64},
        {"chain, one segment", Shape::Chain, 1000, 1},
        {"loop of 1000, 64 segments", Shape::Loop, 1000, 64},
        {"dense loop of 1000, 64 segments", Shape::Dense, 1000, 64},
    };
    for (Shape shape : {Shape::Loop, Shape::Dense})
        for (int segments : {1, 64}) {
            const int n = largest_accepted(shape, segments);
            cases.push_back(
                {shape == Shape::Loop ? "largest loop accepted" : "largest dense loop accepted", shape, n, segments});
            if (n < 1000) cases.push_back({"   one moment more", shape, n + 1, segments});
        }
    std::printf("%-34s %6s %9s %9s %9s  %s\n", "journey", "moments", "segments", "ms (min)", "(median)", "answer");
    double worst = 0;
    for (const Case& c : cases) {
        const Scenario s = journey(c.shape, c.n, c.segments);
        std::vector<double> ms;
        Analysis a;
        for (int r = 0; r < repeats; ++r) {
            const double t0 = now_ms();
            a = analyze(s);
            ms.push_back(now_ms() - t0);
        }
        std::sort(ms.begin(), ms.end());
        worst = std::max(worst, ms.front());
        std::printf("%-34s %6d %9d %9.2f %9.2f  %s\n", c.what, c.n, c.segments, ms.front(), ms[ms.size() / 2],
                    a.ok ? "ok" : "refused");
    }
    std::printf("slowest analysis: %.2f ms, fastest of its runs (target: under 100 ms)\n", worst);
    return 0;
}
