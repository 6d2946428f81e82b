// The app's pure logic, without a window: the journey map's geometry (app/layout), axis ticks
// and impression colours (app/plot_math.h) and customer stories (app/story). Nothing here
// needs ImGui; the drawing itself is checked by eye in the app.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "app/layout.h"
#include "app/plot_math.h"
#include "app/story.h"
#include "scenario_builders.h"

using namespace motsim;
using namespace motsim::app;
using namespace motsim::test;

namespace {

// Moments listed out of phase order on purpose (search before ad), with two phases (amot,
// umot) left empty: the map must still read stimulus -> zmot -> fmot -> smot.
Scenario mixed_phases() {
    Scenario s = journey({M("search", 0.5, 0.1).positive_to(to({{2, 3.0}, {3, 1.0}})), M("ad", 0.6, 0.2),
                          M("shelf", 0.7, 0.2).purchase(), M("reviews", 0.4, 0.3),
                          M("use", 0.8, 0.1).negative_to(to({{1, 1.0}, {kLost, 1.0}}))});
    const int phase[] = {1, 0, 2, 1, 4};  // zmot, stimulus, fmot, zmot, smot
    for (std::size_t i = 0; i < s.moments.size(); ++i) s.moments[i].phase = phase[i];
    return s;
}

float distance(float ax, float ay, float bx, float by) { return std::hypot(ax - bx, ay - by); }

// True when each word occurs in text after the previous one.
bool in_order(const std::string& text, const std::vector<std::string>& words) {
    std::size_t at = 0;
    for (const std::string& w : words) {
        const std::size_t found = text.find(w, at);
        if (found == std::string::npos) return false;
        at = found + w.size();
    }
    return true;
}

}  // namespace

// ==== Layout ===================================================================================

TEST_CASE("layout: phases with moments become columns, left to right in taxonomy order") {
    const Scenario s = mixed_phases();
    const JourneyLayout l = layout_journey(s, 10.0f, 20.0f, 800.0f, 400.0f);
    REQUIRE(l.columns.size() == 4);
    CHECK(l.columns[0].label == "stimulus");
    CHECK(l.columns[1].label == "zmot");
    CHECK(l.columns[2].label == "fmot");
    CHECK(l.columns[3].label == "smot");
    CHECK(l.columns[0].x0 == doctest::Approx(10.0f));
    for (std::size_t c = 0; c + 1 < l.columns.size(); ++c) {
        CHECK(l.columns[c].x0 < l.columns[c].x1);
        CHECK(l.columns[c].x1 <= l.columns[c + 1].x0 + 1e-3f);
    }
    // The terminals sit to the right of every column, inside the rectangle.
    for (const Node* t : {&l.done, &l.lost}) {
        CHECK(t->x > l.columns.back().x1);
        CHECK(t->x + t->radius <= 810.0f + 1e-3f);
        CHECK(t->y - t->radius >= 20.0f - 1e-3f);
        CHECK(t->y + t->radius <= 420.0f + 1e-3f);
    }
    CHECK(distance(l.done.x, l.done.y, l.lost.x, l.lost.y) > l.done.radius + l.lost.radius);
    CHECK(l.done.y < l.lost.y);
}

TEST_CASE("layout: every moment inside its phase's column and the map, none overlapping") {
    const Scenario s = mixed_phases();
    const float x = 0.0f, y = 0.0f, w = 640.0f, h = 300.0f, header = 24.0f;
    const JourneyLayout l = layout_journey(s, x, y, w, h, header);
    REQUIRE(l.nodes.size() == s.moments.size());
    for (std::size_t i = 0; i < l.nodes.size(); ++i) {
        const Node& n = l.nodes[i];
        CAPTURE(i);
        REQUIRE(n.column >= 0);
        const PhaseColumn& col = l.columns[static_cast<std::size_t>(n.column)];
        CHECK(col.phase == s.moments[i].phase);
        CHECK(n.radius > 0.0f);
        CHECK(n.x - n.radius >= col.x0);
        CHECK(n.x + n.radius <= col.x1);
        CHECK(n.y - n.radius >= y + header - 1e-3f);  // below the column labels
        CHECK(n.y + n.radius <= y + h + 1e-3f);
    }
    for (std::size_t i = 0; i < l.nodes.size(); ++i)
        for (std::size_t j = i + 1; j < l.nodes.size(); ++j) {
            CAPTURE(i);
            CAPTURE(j);
            const Node &a = l.nodes[i], &b = l.nodes[j];
            CHECK(distance(a.x, a.y, b.x, b.y) > a.radius + b.radius);
        }
    // Two zmot moments stack in file order: search above reviews.
    CHECK(l.nodes[0].column == l.nodes[3].column);
    CHECK(l.nodes[0].y < l.nodes[3].y);
}

TEST_CASE("layout: edges carry each route's weight share and the base flow") {
    const Scenario s = mixed_phases();
    const JourneyLayout l = layout_journey(s, 0.0f, 0.0f, 640.0f, 300.0f);
    // 5 moments x 3 routes, plus the extra target of search's positive route and of use's
    // negative route.
    CHECK(l.edges.size() == 17);
    int seen = 0;
    for (const Edge& e : l.edges) {
        if (e.from == 0 && e.outcome == Outcome::Positive) {
            ++seen;
            // search: p+ = 0.5 split 3 : 1 between shelf and reviews
            if (e.to == 2) {
                CHECK(e.share == doctest::Approx(0.75f));
                CHECK(e.probability == doctest::Approx(0.375f));
            } else {
                CHECK(e.to == 3);
                CHECK(e.share == doctest::Approx(0.25f));
            }
        }
        if (e.from == 4 && e.outcome == Outcome::Negative) {
            ++seen;
            CHECK(e.share == doctest::Approx(0.5f));
            CHECK(e.probability == doctest::Approx(0.05f));
        }
        if (e.from == 4 && e.outcome == Outcome::Neutral) CHECK(e.to == kDone);  // the last moment
    }
    CHECK(seen == 4);
}

TEST_CASE("layout: hit_test finds a node at its centre and nothing far away") {
    const Scenario s = mixed_phases();
    const JourneyLayout l = layout_journey(s, 0.0f, 0.0f, 640.0f, 300.0f);
    for (std::size_t i = 0; i < l.nodes.size(); ++i) {
        const Node& n = l.nodes[i];
        CHECK(hit_test(l, n.x, n.y) == static_cast<int>(i));
        CHECK(hit_test(l, n.x + n.radius * 0.9f, n.y) == static_cast<int>(i));
        CHECK(hit_test(l, n.x + n.radius * 1.1f, n.y) == -1);  // the gap beside it
    }
    CHECK(hit_test(l, -1000.0f, -1000.0f) == -1);
    CHECK(hit_test(l, l.done.x, l.done.y) == -1);  // terminals are not moments
}

TEST_CASE("layout: node_position of moments, terminals and stale targets") {
    const Scenario s = mixed_phases();
    const JourneyLayout l = layout_journey(s, 0.0f, 0.0f, 640.0f, 300.0f);
    CHECK(node_position(l, 2).x == l.nodes[2].x);
    CHECK(node_position(l, 2).y == l.nodes[2].y);
    CHECK(node_position(l, kDone).y == l.done.y);
    CHECK(node_position(l, kLost).y == l.lost.y);
    CHECK(node_position(l, 99).y == l.lost.y);  // stale index: harmless
    CHECK(find_node(l, 99) == nullptr);
    CHECK(find_node(l, kDone) == &l.done);
}

TEST_CASE("layout: degenerate inputs do not break it") {
    SUBCASE("no moments") {
        const JourneyLayout l = layout_journey(Scenario{}, 0.0f, 0.0f, 300.0f, 200.0f);
        CHECK(l.columns.empty());
        CHECK(l.nodes.empty());
        CHECK(l.edges.empty());
        CHECK(l.done.radius > 0.0f);
        CHECK(hit_test(l, 150.0f, 100.0f) == -1);
    }
    SUBCASE("zero and negative sizes") {
        const Scenario s = mixed_phases();
        for (const float side : {0.0f, -50.0f}) {
            const JourneyLayout l = layout_journey(s, 5.0f, 5.0f, side, side);
            REQUIRE(l.nodes.size() == s.moments.size());
            for (const Node& n : l.nodes) {
                CHECK(std::isfinite(n.x));
                CHECK(std::isfinite(n.y));
                CHECK(n.radius == 0.0f);
            }
            CHECK(hit_test(l, 5.0f, 5.0f) == -1);
        }
    }
    SUBCASE("a phase index out of range goes to a trailing '?' column; bad targets get no edge") {
        Scenario s = mixed_phases();
        s.moments[1].phase = 42;
        s.moments[0].next[1] = to(17);
        const JourneyLayout l = layout_journey(s, 0.0f, 0.0f, 640.0f, 300.0f);
        REQUIRE(!l.columns.empty());
        CHECK(l.columns.back().label == "?");
        CHECK(l.nodes[1].column == static_cast<int>(l.columns.size()) - 1);
        for (const Edge& e : l.edges) CHECK(e.to != 17);
    }
}

TEST_CASE("crowd_offset: inside the radius, deterministic and spread over the disc") {
    const float radius = 30.0f;
    int outer = 0;
    double sx = 0.0, sy = 0.0;
    const int n = 20000;
    for (int id = 0; id < n; ++id) {
        const Point p = crowd_offset(static_cast<std::uint32_t>(id), radius);
        const Point q = crowd_offset(static_cast<std::uint32_t>(id), radius);
        REQUIRE(p.x == q.x);
        REQUIRE(p.y == q.y);
        const float r = std::hypot(p.x, p.y);
        REQUIRE(r <= radius);
        if (r > radius * std::sqrt(0.5f)) ++outer;  // the outer half of the disc's area
        sx += p.x;
        sy += p.y;
    }
    // Uniform by area: about half the dots in the outer ring, centred on the node.
    CHECK(outer > n * 45 / 100);
    CHECK(outer < n * 55 / 100);
    CHECK(std::fabs(sx / n) < radius * 0.02);
    CHECK(std::fabs(sy / n) < radius * 0.02);
    CHECK(crowd_offset(1, 0.0f).x == 0.0f);
    CHECK(crowd_offset(1, -3.0f).y == 0.0f);
}

// ==== Ticks ====================================================================================

TEST_CASE("nice_ticks: 1-2-5 steps inside the range") {
    SUBCASE("0..1") {
        const std::vector<double> t = nice_ticks(0.0, 1.0, 6);
        const std::vector<double> want{0.0, 0.2, 0.4, 0.6, 0.8, 1.0};
        CHECK(t == want);  // exactly: tick values are divided last, so 0.6 is the double 0.6
    }
    SUBCASE("0..97 and its widened axis") {
        CHECK(nice_ticks(0.0, 97.0, 6) == std::vector<double>{0.0, 20.0, 40.0, 60.0, 80.0});
        const NiceRange r = nice_range(0.0, 97.0, 6);
        CHECK(r.lo == 0.0);
        CHECK(r.hi == 100.0);
        CHECK(r.step == 20.0);
        CHECK(range_ticks(r) == std::vector<double>{0.0, 20.0, 40.0, 60.0, 80.0, 100.0});
    }
    SUBCASE("negative ranges, either argument order") {
        CHECK(nice_ticks(-3.2, -0.4, 5) == std::vector<double>{-3.0, -2.0, -1.0});
        CHECK(nice_ticks(-0.4, -3.2, 5) == std::vector<double>{-3.0, -2.0, -1.0});
        CHECK(nice_ticks(-1.0, 1.0, 5) == std::vector<double>{-1.0, -0.5, 0.0, 0.5, 1.0});
        const NiceRange r = nice_range(-3.2, -0.4, 5);
        CHECK(r.lo == -4.0);
        CHECK(r.hi == 0.0);
    }
    SUBCASE("lo == hi") {
        CHECK(nice_ticks(5.0, 5.0, 5) == std::vector<double>{5.0});
        const NiceRange r = nice_range(5.0, 5.0, 5);  // padded by 10 %
        CHECK(r.lo <= 4.5);
        CHECK(r.hi >= 5.5);
        const NiceRange z = nice_range(0.0, 0.0, 5);
        CHECK(z.lo == -1.0);
        CHECK(z.hi == 1.0);
    }
    SUBCASE("non-finite input gives no ticks") {
        CHECK(nice_ticks(0.0, std::nan(""), 5).empty());
        CHECK(nice_ticks(-INFINITY, 1.0, 5).empty());
    }
    SUBCASE("never more than max_ticks, and the axis covers the data") {
        const double los[] = {0.0, -7.3, 0.001, 12.0, -1e6};
        const double spans[] = {1.0, 0.37, 97.0, 1234.5, 3e-4, 2e7};
        for (double lo : los)
            for (double span : spans)
                for (int max_ticks = 2; max_ticks <= 10; ++max_ticks) {
                    CAPTURE(lo);
                    CAPTURE(span);
                    CAPTURE(max_ticks);
                    const std::vector<double> t = nice_ticks(lo, lo + span, max_ticks);
                    CHECK(static_cast<int>(t.size()) <= max_ticks);
                    // A 1-2-5 step is at most 2.5 times the raw span / (max - 1), so from six
                    // allowed ticks on at least two always fit.
                    if (max_ticks >= 6) CHECK(t.size() >= 2);
                    const NiceRange r = nice_range(lo, lo + span, max_ticks);
                    CHECK(r.lo <= lo);
                    CHECK(r.hi >= lo + span);
                    CHECK(static_cast<int>(range_ticks(r).size()) <= std::max(3, max_ticks));
                }
    }
}

TEST_CASE("format_tick: as many decimals as the step needs") {
    char buf[32];
    const auto f = [&](double v, double step) {
        format_tick(buf, sizeof buf, v, step);
        return std::string(buf);
    };
    CHECK(f(40.0, 20.0) == "40");
    CHECK(f(0.4, 0.2) == "0.4");
    CHECK(f(0.25, 0.25) == "0.25");
    CHECK(f(-1.5, 0.5) == "-1.5");
    CHECK(f(20000.0, 5000.0) == "20k");
    CHECK(f(12500.0, 2500.0) == "12.5k");
    CHECK(f(3e6, 1e6) == "3M");
}

// ==== Colours ==================================================================================

TEST_CASE("impression_rgb: red at -1, neutral grey at 0, green at +1") {
    const auto red = impression_rgb(-1.0f), grey = impression_rgb(0.0f), green = impression_rgb(1.0f);
    CHECK(red[0] > 0.8f);
    CHECK(red[1] < 0.3f);
    CHECK(red[2] < 0.3f);
    CHECK(green[1] > 0.7f);
    CHECK(green[0] < 0.3f);
    CHECK(grey[0] == grey[1]);
    CHECK(grey[1] == grey[2]);
    CHECK(impression_rgb(5.0f) == green);  // clamped
    CHECK(impression_rgb(std::nanf("")) == grey);
    const auto half = impression_rgb(-0.5f);
    for (std::size_t i = 0; i < 3; ++i) CHECK(half[i] == doctest::Approx(0.5f * (red[i] + grey[i])));
}

// ==== Stories ==================================================================================

namespace {

// A hotel stay: booking -> check-in -> dinner -> check-out (purchase), default causes.
Scenario hotel() {
    Scenario s = journey(
        {M("booking", 0.9, 0.05), M("checkin", 0.8, 0.1), M("dinner", 0.7, 0.1), M("checkout", 0.9, 0.05).purchase()});
    const char* names[] = {"Booking", "Check-in", "Dinner", "Check-out"};
    for (std::size_t i = 0; i < s.moments.size(); ++i) {
        s.moments[i].name = names[i];
        s.moments[i].causes = default_causes();
    }
    s.segments = {segment("perfect", 1.0, 0.5), segment("difficult", 1.0, -0.5)};
    s.referral_rate = 0.2;
    s.referral_boost = 0.25;  // exact in float, so the referral check is not about rounding
    return s;
}

// Impressions are multiples of 1/4: exact in float and in two decimals, so neither the NPS
// scores nor the printed numbers sit on a rounding edge.
std::vector<StoryEvent> hotel_events() {
    return {
        {2, 7, -1, Outcome::Neutral, 0.0f, 0, -1, false, false},   // 7 arrives at booking
        {2, 8, -1, Outcome::Neutral, 0.25f, 1, -1, false, false},  // 8, referred, at check-in
        {3, 7, 0, Outcome::Positive, 0.25f, 1, -1, false, false},
        {3, 8, 1, Outcome::Negative, -0.25f, kLost, 2, false, false},  // rudeness
        {5, 7, 1, Outcome::Neutral, 0.25f, 2, -1, false, false},
        {6, 7, 2, Outcome::Magic, 0.5f, 3, -1, false, false},
        {7, 7, 3, Outcome::Positive, 0.75f, kDone, -1, true, true},
    };
}

}  // namespace

TEST_CASE("story_lines: one sentence per event of that customer, in order") {
    const Scenario s = hotel();
    const std::vector<std::string> lines = story_lines(s, hotel_events(), 7, 0);
    REQUIRE(lines.size() == 5);
    CHECK(in_order(lines[0], {"day 3", "arrives at", "Booking", "segment perfect", "impression +0.00"}));
    CHECK(lines[0].find("referred") == std::string::npos);
    CHECK(in_order(lines[1], {"day 4", "Booking", "positive", "impression +0.25", "-> Check-in"}));
    CHECK(in_order(lines[3], {"day 7", "Dinner", "moment of magic", "impression +0.50", "-> Check-out"}));
    CHECK(in_order(lines[4], {"day 8", "Check-out", "positive", "bought", "posted a positive review",
                              "impression +0.75", "-> done"}));
}

TEST_CASE("story_lines: a negative outcome names its cause; a referral is recognised") {
    const Scenario s = hotel();
    const std::vector<std::string> lines = story_lines(s, hotel_events(), 8, 1);
    REQUIRE(lines.size() == 2);
    CHECK(in_order(lines[0],
                   {"day 3", "arrives at Check-in", "segment difficult", "referred by a friend", "impression +0.25"}));
    CHECK(lines[1] == "day 4, Check-in: negative (rudeness), impression -0.25 -> lost");
    CHECK(story_lines(s, hotel_events(), 99).empty());
}

TEST_CASE("story_lines: the scenario's time unit, and a missing segment stays unnamed") {
    Scenario s = hotel();
    s.time_unit = "hour";
    const std::vector<std::string> lines = story_lines(s, hotel_events(), 7);
    REQUIRE(!lines.empty());
    CHECK(lines[0].rfind("hour 3, arrives at Booking, impression", 0) == 0);
    s.time_unit.clear();
    CHECK(time_label(s, 0) == "tick 1");
}

TEST_CASE("summary_line: how the story ends, with the NPS category") {
    const Scenario s = hotel();
    // 0.75 -> round(5 * 1.75) = 9: a promoter, and above the advocate threshold 0.5.
    CHECK(summary_line(s, hotel_events(), 7) ==
          "finished the journey as a promoter (score 9), bought once, became an advocate");
    // -0.25 -> round(3.75) = 4: a detractor.
    CHECK(summary_line(s, hotel_events(), 8) ==
          "left the journey after Check-in as a detractor (score 4), no purchase");
    std::vector<StoryEvent> partial = hotel_events();
    partial.resize(3);  // 7 has just left booking for check-in
    CHECK(in_order(summary_line(s, partial, 7), {"still in the journey at Check-in", "+0.25", "score 6"}));
    CHECK(summary_line(s, partial, 1234) == "no story yet");
}
