// The exact analysis (engine/analysis) and the odds it shares with the simulation
// (engine/odds). Every expected number is derived by hand in the comment above its check, from
// model.md, never copied from program output.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "engine/analysis.h"
#include "engine/odds.h"
#include "engine/simulation.h"
#include "scenario_builders.h"

using namespace motsim;
using namespace motsim::test;

namespace {

// Hand-derived values are exact fractions; the solver should match them to rounding.
doctest::Approx exact(double v) { return doctest::Approx(v).epsilon(1e-12); }

// The shifted probability written independently of fmath: sigmoid(logit(p) + z) is
// p e^z / (p e^z + 1 - p). The test may use the C library; only the engine must not.
double shifted(double p, double z) { return p * std::exp(z) / (p * std::exp(z) + 1.0 - p); }

// research -> shelf <-> advice -> use, with a loop back from the shelf and a complaint path:
// every kind of route at once, for the finite-difference cross-check of lift.
Scenario tangled_journey() {
    return journey({M("research", 0.5, 0.2).positive_to(to({{1, 2.0}, {2, 1.0}})).neutral_to(to(1)),
                    M("shelf", 0.6, 0.25).purchase().positive_to(to(3)).neutral_to(to(2)).negative_to(to(0)),
                    M("advice", 0.3, 0.3).positive_to(to(1)).neutral_to(to(3)),
                    // p0 = 0 here, so its lift takes the gain from p-
                    M("use", 0.8, 0.2).purchase().positive_to(to(kDone)).negative_to(to(2))});
}

}  // namespace

// ---- odds_shifted -------------------------------------------------------------------------------

TEST_CASE("odds_shifted: z = 0 gives the base probabilities exactly") {
    const Odds o = odds_shifted(0.37, 0.21, safe_logit(0.37), safe_logit(0.21), 0.0);
    CHECK(o.positive == 0.37);
    CHECK(o.negative == 0.21);
    CHECK(o.neutral == 1.0 - 0.37 - 0.21);
}

TEST_CASE("odds_shifted: p = 0 and p = 1 stay exact under any shift") {
    for (double z : {-3.0, -0.5, 0.5, 3.0}) {
        const Odds never = odds_shifted(0.0, 0.4, safe_logit(0.0), safe_logit(0.4), z);
        CHECK(never.positive == 0.0);
        const Odds sure = odds_shifted(1.0, 0.0, safe_logit(1.0), safe_logit(0.0), z);
        CHECK(sure.positive == 1.0);
        CHECK(sure.negative == 0.0);
        CHECK(sure.neutral == 0.0);
    }
}

TEST_CASE("odds_shifted: the logit formula and the direction of the shift") {
    // p+ = 0.6, p- = 0.3, z = 0.5: p+' = 0.6 e^0.5 / (0.6 e^0.5 + 0.4) = 0.71207...,
    // p-' = 0.3 e^-0.5 / (0.3 e^-0.5 + 0.7) = 0.20631...; a positive z favours positive.
    const Odds up = odds_shifted(0.6, 0.3, safe_logit(0.6), safe_logit(0.3), 0.5);
    CHECK(up.positive == exact(shifted(0.6, 0.5)));
    CHECK(up.negative == exact(shifted(0.3, -0.5)));
    CHECK(up.positive > 0.6);
    CHECK(up.negative < 0.3);
    CHECK(up.neutral == exact(1.0 - up.positive - up.negative));
    const Odds down = odds_shifted(0.6, 0.3, safe_logit(0.6), safe_logit(0.3), -0.5);
    CHECK(down.positive < 0.6);
    CHECK(down.negative > 0.3);
}

TEST_CASE("odds_shifted: renormalises when p+' + p-' exceed 1") {
    // sigmoid(a) + sigmoid(b) > 1 exactly when a + b > 0, and a + b = logit(p+) + logit(p-)
    // does not depend on z: a valid base (p+ + p- <= 1) never needs it, so use an invalid one.
    // p+ = 0.7, p- = 0.5, z = 0.2: both are divided by their sum, which keeps their ratio.
    const Odds o = odds_shifted(0.7, 0.5, safe_logit(0.7), safe_logit(0.5), 0.2);
    const double pp = shifted(0.7, 0.2), pn = shifted(0.5, -0.2);
    REQUIRE(pp + pn > 1.0);
    CHECK(o.positive == exact(pp / (pp + pn)));
    CHECK(o.negative == exact(pn / (pp + pn)));
    CHECK(o.neutral == doctest::Approx(0.0).epsilon(1e-15));
}

// ---- analyze: chains solved on paper ------------------------------------------------------------

TEST_CASE("analysis: a straight line of three moments") {
    // A (p+ .5, p- .2, dwell 1..3, magic .1) -> B (p+ .6, p- .1, dwell 2) -> C (p+ .7, p- .25,
    // purchase) -> done; positive and neutral go on, negative is lost.
    // Pass rates (p+ + p0): .8, .9, .75. Visits 1, .8, .8 * .9 = .72.
    // done = .8 * .9 * .75 = .54, lost = .46; purchases = visits(C) * .75 = .54.
    // ticks = 1 * 2 + .8 * 2 + .72 * 1 = 4.32.
    const Scenario s =
        journey({M("A", 0.5, 0.2).dwell(1, 3).magic(0.1), M("B", 0.6, 0.1).dwell(2, 2), M("C", 0.7, 0.25).purchase()});
    const Analysis a = analyze(s);
    REQUIRE(a.ok);
    CHECK_FALSE(a.ignores_feedback);
    CHECK(a.done == exact(0.54));
    CHECK(a.lost == exact(0.46));
    CHECK(a.expected_visits[0] == exact(1.0));
    CHECK(a.expected_visits[1] == exact(0.8));
    CHECK(a.expected_visits[2] == exact(0.72));
    CHECK(a.expected_purchases == exact(0.54));
    CHECK(a.expected_ticks == exact(4.32));
    // Outcomes = visits * probability: positive .5, .48, .504; neutral .3, .24, .036;
    // negative .2, .08, .18 (= lost right after each); magic .5 * .1 = .05, within positive.
    CHECK(a.expected_positive[0] == exact(0.5));
    CHECK(a.expected_positive[1] == exact(0.48));
    CHECK(a.expected_positive[2] == exact(0.504));
    CHECK(a.expected_neutral[0] == exact(0.3));
    CHECK(a.expected_neutral[1] == exact(0.24));
    CHECK(a.expected_neutral[2] == exact(0.036));
    CHECK(a.expected_negative[2] == exact(0.18));
    CHECK(a.expected_magic[0] == exact(0.05));
    CHECK(a.expected_magic[1] == 0.0);
    CHECK(a.expected_lost_after[0] == exact(0.2));
    CHECK(a.expected_lost_after[1] == exact(0.08));
    CHECK(a.expected_lost_after[2] == exact(0.18));
    // Everybody passes every moment: removing any of them loses every purchase.
    for (double r : a.removal_effect) CHECK(r == exact(1.0));
    // Positive and neutral route alike and both count as a purchase: moving p0 to p+ changes
    // nothing, so every lift is 0.
    for (double l : a.lift) CHECK(l == doctest::Approx(0.0).epsilon(1e-12));
}

TEST_CASE("analysis: empty routes take the model's defaults") {
    Scenario raw;
    raw.moments = {M("A", 0.5, 0.2), M("B", 0.6, 0.1), M("C", 0.7, 0.25)};  // no routes, no entry
    const Analysis a = analyze(raw);
    REQUIRE(a.ok);
    CHECK(a.done == exact(0.54));  // as the straight line above
}

TEST_CASE("analysis: a complaint loop (service recovery and back)") {
    // stay (p+ .7 -> done, p- .3 -> recovery, dwell 2..4; its neutral route goes to done but
    // p0 = 1 - .7 - .3 is only rounding dust, which lift must not mistake for a neutral outcome);
    // recovery (p+ .5 -> back to stay, p0 .3 -> done, p- .2 -> lost, dwell 1..2).
    // Each pass through stay returns with .3 * .5 = .15: visits(stay) = sum .15^k = 1/.85 = 20/17,
    // visits(recovery) = .3 * 20/17 = 6/17.
    // done = 20/17 * .7 + 6/17 * .3 = 15.8/17, lost = 6/17 * .2 = 1.2/17.
    // ticks = 20/17 * 3 + 6/17 * 1.5 = 69/17.
    const Scenario s =
        journey({M("stay", 0.7, 0.3).dwell(2, 4).positive_to(to(kDone)).neutral_to(to(kDone)).negative_to(to(1)),
                 M("recovery", 0.5, 0.2).dwell(1, 2).positive_to(to(0)).neutral_to(to(kDone))});
    const Analysis a = analyze(s);
    REQUIRE(a.ok);
    CHECK(a.expected_visits[0] == exact(20.0 / 17.0));
    CHECK(a.expected_visits[1] == exact(6.0 / 17.0));
    CHECK(a.done == exact(15.8 / 17.0));
    CHECK(a.lost == exact(1.2 / 17.0));
    CHECK(a.expected_ticks == exact(69.0 / 17.0));
    CHECK(a.expected_purchases == 0.0);
    // No purchase moment: removal and lift are about P(done).
    // Without recovery only stay's positive finishes: P' = .7, effect 1 - .7 / (15.8/17).
    CHECK(a.removal_effect[0] == exact(1.0));
    CHECK(a.removal_effect[1] == exact(1.0 - 0.7 * 17.0 / 15.8));
    // With a = p+(stay), b = 1 - a, r+ and r0 of recovery: done = (a + b r0) / (1 - b r+).
    // Lift(recovery), r0 -> r+: b (-(1 - b r+) + a + b r0) / (1 - b r+)^2
    //   = .3 (-.85 + .79) / .85^2 = -.018 / .7225 < 0: a "better" recovery sends customers back
    //   through the risky stay instead of letting them finish.
    // Lift(stay), p0 = 0 so from p-: d/da (.3 + .7a) / (.5 + .5a) = (.7 * .85 - .5 * .79) / .85^2
    //   = .2 / .7225.
    CHECK(a.lift[1] == exact(-0.018 / 0.7225));
    CHECK(a.lift[0] == exact(0.2 / 0.7225));
}

TEST_CASE("analysis: a weighted route to several targets") {
    // search (p+ .5, p0 .4, p- .1): positive -> shop A (weight 3) or shop B (weight 1), neutral
    // -> A. A: p+ .8, p- .2, purchase; B: p+ .4, p- .6, purchase; both finish in done.
    // visits: A = .5 * 3/4 + .4 = .775, B = .5 * 1/4 = .125.
    // purchases = .775 * .8 + .125 * .4 = .67 = done.
    const Scenario s = journey({M("search", 0.5, 0.1).positive_to(to({{1, 3.0}, {2, 1.0}})).neutral_to(to(1)),
                                M("A", 0.8, 0.2).purchase().positive_to(to(kDone)), M("B", 0.4, 0.6).purchase()});
    const Analysis a = analyze(s);
    REQUIRE(a.ok);
    CHECK(a.expected_visits[1] == exact(0.775));
    CHECK(a.expected_visits[2] == exact(0.125));
    CHECK(a.expected_purchases == exact(0.67));
    CHECK(a.done == exact(0.67));
    // E = p+ (3/4 * .8 + 1/4 * .4) + p0 * .8 = .7 p+ + .8 p0: lift(search) = .7 - .8 = -.1.
    // A and B have p0 = 0: a point from p- to p+ is one more purchase per visit.
    CHECK(a.lift[0] == exact(-0.1));
    CHECK(a.lift[1] == exact(0.775));
    CHECK(a.lift[2] == exact(0.125));

    SUBCASE("a weighted entry") {
        // Entry: search (weight 3) or straight to A (weight 1). visits(A) = 1/4 + 3/4 * .775,
        // visits(B) = 3/4 * .125; purchases = .83125 * .8 + .09375 * .4 = .7025.
        Scenario e = s;
        e.entry = to({{0, 3.0}, {1, 1.0}});
        const Analysis b = analyze(e);
        REQUIRE(b.ok);
        CHECK(b.expected_visits[1] == exact(0.83125));
        CHECK(b.expected_purchases == exact(0.7025));
    }
}

TEST_CASE("analysis: two segments with shifts are weighted by share") {
    // One moment, p+ .6, p- .3, a purchase either way but negative. Segments: share 3 with
    // shift +.5 and share 1 with shift -1, i.e. weights 3/4 and 1/4.
    // Per segment: p+' = shifted(.6, z), p-' = shifted(.3, -z); done = purchases = 1 - p-'.
    Scenario s = journey({M("checkout", 0.6, 0.3).purchase()});
    s.segments = {segment("perfect", 3.0, 0.5), segment("difficult", 1.0, -1.0)};
    const Analysis a = analyze(s);
    REQUIRE(a.ok);
    const double pos = 0.75 * shifted(0.6, 0.5) + 0.25 * shifted(0.6, -1.0);
    const double neg = 0.75 * shifted(0.3, -0.5) + 0.25 * shifted(0.3, 1.0);
    CHECK(a.expected_positive[0] == exact(pos));
    CHECK(a.expected_negative[0] == exact(neg));
    CHECK(a.done == exact(1.0 - neg));
    CHECK(a.expected_purchases == exact(1.0 - neg));
    CHECK(a.removal_effect[0] == exact(1.0));
}

TEST_CASE("analysis: removal effect of an optional moment") {
    // browse (p+ .4, p0 .4, p- .2): positive -> upsell, neutral -> checkout.
    // upsell (p+ .5, p0 .25, p- .25) -> checkout. checkout (p+ .8, p- .2, purchase).
    // P = (.4 * .75 + .4) * .8 = .56. Without upsell: P' = .4 * .8 = .32, effect 1 - .32/.56 = 3/7.
    // browse and checkout lie on every path: effect 1.
    const Scenario s = journey({M("browse", 0.4, 0.2).positive_to(to(1)).neutral_to(to(2)), M("upsell", 0.5, 0.25),
                                M("checkout", 0.8, 0.2).purchase()});
    const Analysis a = analyze(s);
    REQUIRE(a.ok);
    CHECK(a.expected_purchases == exact(0.56));
    CHECK(a.removal_effect[0] == exact(1.0));
    CHECK(a.removal_effect[1] == exact(3.0 / 7.0));
    CHECK(a.removal_effect[2] == exact(1.0));

    SUBCASE("with segments: the share of the population's purchases lost") {
        // Per segment: P = (b+ u + b0) c and P' = b0 c, with b+, b0 of browse, u = 1 - u- the
        // pass rate of upsell and c = 1 - c- of checkout, all shifted. The effect is
        // 1 - avg(P') / avg(P) (what a simulation of the journey without upsell would show),
        // not the average of the per-segment effects.
        Scenario g = s;
        g.segments = {segment("keen", 1.0, 0.8), segment("wary", 1.0, -0.6)};
        double p = 0.0, p_without = 0.0;
        for (double z : {0.8, -0.6}) {
            const double bp = shifted(0.4, z), b0 = 1.0 - bp - shifted(0.2, -z);
            const double u = 1.0 - shifted(0.25, -z), c = 1.0 - shifted(0.2, -z);
            p += 0.5 * (bp * u + b0) * c;
            p_without += 0.5 * b0 * c;
        }
        const Analysis b = analyze(g);
        REQUIRE(b.ok);
        CHECK(b.expected_purchases == exact(p));
        CHECK(b.removal_effect[1] == exact(1.0 - p_without / p));
    }
}

TEST_CASE("analysis: lift agrees with a central finite difference") {
    // Raise p+ by h and lower p0 by h (or p- where p0 = 0), both ways, re-solve: the slope of
    // expected purchases must match the exact derivative. Truncation ~h^2, rounding ~1e-16/h.
    const Scenario s = tangled_journey();
    const Analysis a = analyze(s);
    REQUIRE(a.ok);
    const double h = 1e-5;
    for (std::size_t m = 0; m < s.moments.size(); ++m) {
        const bool from_negative = s.moments[m].positive + s.moments[m].negative >= 1.0;
        auto purchases_at = [&](double d) {
            Scenario t = s;
            t.moments[m].positive += d;
            if (from_negative) t.moments[m].negative -= d;
            return analyze(t).expected_purchases;
        };
        const double slope = (purchases_at(h) - purchases_at(-h)) / (2.0 * h);
        CAPTURE(m);
        CHECK(a.lift[m] == doctest::Approx(slope).epsilon(1e-7));
    }
    // A sure moment has nothing left to gain.
    Scenario sure = s;
    sure.moments[3].positive = 1.0;
    sure.moments[3].negative = 0.0;
    const Analysis b = analyze(sure);
    REQUIRE(b.ok);
    CHECK(b.lift[3] == 0.0);
}

TEST_CASE("analysis: a closed loop is reported, not crashed on") {
    SUBCASE("a moment that only leads back to itself") {
        const Scenario s = journey({M("limbo", 1.0, 0.0).positive_to(to(0))});
        const Analysis a = analyze(s);
        CHECK_FALSE(a.ok);
        CHECK(a.message.find("limbo") != std::string::npos);
        CHECK(a.expected_visits.size() == 1);
    }
    SUBCASE("a trap further down the journey") {
        const Scenario s = journey({M("desk", 0.5, 0.5), M("queue", 1.0, 0.0).positive_to(to(1))});
        const Analysis a = analyze(s);
        CHECK_FALSE(a.ok);
        CHECK(a.message.find("queue") != std::string::npos);
    }
    SUBCASE("a trap nobody can reach does not matter") {
        const Scenario s =
            journey({M("desk", 1.0, 0.0).positive_to(to(kDone)), M("island", 1.0, 0.0).positive_to(to(1))});
        const Analysis a = analyze(s);
        CHECK(a.ok);
        CHECK(a.done == exact(1.0));
        CHECK(a.expected_visits[1] == 0.0);
    }
    SUBCASE("a trap behind an outcome that never happens: fine, but its lift is undefined") {
        // desk never ends positive, so the trap is unreachable; a first positive outcome would
        // lead customers into it for good, so d E / d p+ does not exist and is shown as 0.
        const Scenario s = journey(
            {M("desk", 0.0, 0.5).positive_to(to(1)).neutral_to(to(kDone)), M("trap", 1.0, 0.0).positive_to(to(1))});
        const Analysis a = analyze(s);
        CHECK(a.ok);
        CHECK(a.done == exact(0.5));
        CHECK(a.lift[0] == 0.0);
        CHECK(a.message.find("desk") != std::string::npos);
    }
    SUBCASE("no moments at all") {
        const Analysis a = analyze(Scenario{});
        CHECK_FALSE(a.ok);
        CHECK_FALSE(a.message.empty());
    }
}

TEST_CASE("analysis: feedback parameters are flagged, and the memoryless part is analysed") {
    const Scenario base = tangled_journey();
    const Analysis plain = analyze(base);
    REQUIRE(plain.ok);
    CHECK_FALSE(plain.ignores_feedback);
    CHECK(plain.message.empty());
    for (int which = 0; which < 3; ++which) {
        Scenario s = base;
        if (which == 0) s.beta = 0.4;
        if (which == 1) s.gamma = 1.0;
        if (which == 2) s.referral_rate = 0.05;
        const Analysis a = analyze(s);
        CAPTURE(which);
        CHECK(a.ok);
        CHECK(a.ignores_feedback);
        CHECK_FALSE(a.message.empty());
        CHECK(a.expected_purchases == plain.expected_purchases);
    }
}

// ---- v2: loyalty in the chain, and what the analysis ignores ---------------------------------------

namespace {

// ad (p+ 0.5, p- 0.5) -> shop (p+ 0.6, p- 0.4, purchase) -> done; who reaches done comes back to
// the shop with probability `base` after 1 to 3 ticks.
Scenario loyal_journey(double base) {
    Scenario s = journey({M("ad", 0.5, 0.5), M("shop", 0.6, 0.4).purchase()});
    s.loyalty.enabled = true;
    s.loyalty.return_to = to(1);
    s.loyalty.after_min = 1;
    s.loyalty.after_max = 3;
    s.loyalty.base = base;
    return s;
}

bool is_number(double x) { return std::isfinite(x); }

}  // namespace

TEST_CASE("analysis with loyalty: done leads back to return_to, numbers over a lifetime") {
    const Analysis a = analyze(loyal_journey(0.5));
    REQUIRE(a.ok);
    CHECK(a.loyalty);
    CHECK(a.lifetime_bounded);
    CHECK(a.ignores.empty());
    CHECK_FALSE(a.ignores_feedback);
    // A visit of the shop ends in a purchase and a return with 0.6 x 0.5 = 0.3, so a customer
    // who reaches the shop (half of them) visits it 1 / (1 - 0.3) = 1 / 0.7 times.
    CHECK(a.expected_visits[0] == exact(1.0));
    CHECK(a.expected_visits[1] == exact(0.5 / 0.7));
    // Purchases 0.5 x 0.6 / 0.7 = 3/7; completions the same (everyone who buys finishes);
    // returns 0.5 x 3/7 = 3/14.
    CHECK(a.expected_purchases == exact(3.0 / 7.0));
    CHECK(a.expected_completions == exact(3.0 / 7.0));
    CHECK(a.expected_returns == exact(3.0 / 14.0));
    // Ultimately lost: at the ad (0.5), or at one of the shop's visits (0.5 x 0.4 / 0.7 = 2/7);
    // leaving for good after done: 0.5 x 0.3 / 0.7 = 3/14. Together 1.
    CHECK(a.lost == exact(0.5 + 2.0 / 7.0));
    CHECK(a.done == exact(3.0 / 14.0));
    CHECK(a.lost + a.done == exact(1.0));
    // Lift: E = p_ad x p / (1 - 0.5 p) with p the shop's p+ (taken from p-, p0 = 0):
    // dE / dp_ad = 0.6 / 0.7; dE / dp = p_ad / (1 - 0.5 p)^2 = 0.5 / 0.49.
    CHECK(a.lift[0] == exact(0.6 / 0.7));
    CHECK(a.lift[1] == exact(0.5 / 0.49));
    // Every purchase needs both moments.
    CHECK(a.removal_effect[0] == exact(1.0));
    CHECK(a.removal_effect[1] == exact(1.0));
    // Ticks in the journey (waits between returns excluded): 1 + 0.5 / 0.7.
    CHECK(a.expected_ticks == exact(1.0 + 0.5 / 0.7));

    // Without loyalty (or with base 0) the chain is v1's.
    Scenario off = loyal_journey(0.5);
    off.loyalty.enabled = false;
    const Analysis v1 = analyze(off);
    CHECK_FALSE(v1.loyalty);
    CHECK(v1.expected_purchases == exact(0.3));
    CHECK(v1.expected_completions == v1.done);
    CHECK(analyze(loyal_journey(0.0)).expected_purchases == v1.expected_purchases);
}

TEST_CASE("analysis with loyalty: base x P(done) >= 1 is unbounded, never inf or NaN") {
    // Base 1 and a shop nobody fails: everyone who reaches it comes back forever.
    Scenario s = loyal_journey(1.0);
    s.moments[1].positive = 1.0;
    s.moments[1].negative = 0.0;
    const Analysis a = analyze(s);
    CHECK(a.ok);
    CHECK(a.loyalty);
    CHECK_FALSE(a.lifetime_bounded);
    CHECK(a.message.find("unbounded") != std::string::npos);
    // The numbers are one journey's: half the customers reach the shop and buy once.
    CHECK(a.expected_purchases == exact(0.5));
    CHECK(a.expected_returns == 0.0);
    for (double x :
         {a.done, a.lost, a.expected_purchases, a.expected_ticks, a.expected_completions, a.expected_returns})
        CHECK(is_number(x));
    for (const auto* v : {&a.expected_visits, &a.removal_effect, &a.lift, &a.expected_positive})
        for (double x : *v) CHECK(is_number(x));

    // Base 1 but a shop that loses 40%: every comeback may end in a loss, so the lifetime is
    // finite: a customer at the shop visits it 1 / 0.4 = 2.5 times and buys 0.6 x 2.5 = 1.5
    // times; per arriving customer half that.
    const Analysis b = analyze(loyal_journey(1.0));
    REQUIRE(b.ok);
    CHECK(b.lifetime_bounded);
    CHECK(b.expected_purchases == exact(0.75));
    CHECK(b.lost == exact(1.0));
    CHECK(b.done == exact(0.0));
}

TEST_CASE("analysis with loyalty agrees with a long agent run of one cohort") {
    // 20000 customers at tick 0, no arrivals after; 150 ticks leave about 0.3^30 of the shop's
    // customers still coming back (a journey with its wait takes at most 4 ticks).
    Scenario s = loyal_journey(0.5);
    s.initial = 20000;
    s.arrivals_per_tick = 0;
    s.max_customers = 20000;
    s.ticks = 150;
    const Analysis a = analyze(s);
    REQUIRE(a.ok);
    Simulation sim(s, 42);
    sim.run_to_end();
    const Totals& t = sim.totals();
    REQUIRE(t.arrivals == 20000);
    CHECK(t.waiting == 0);
    CHECK(sim.active() == 0);
    const double n = 20000.0;
    // Purchases per customer K: 0 for the half lost at the ad; at the shop each visit buys and
    // returns (0.3), buys and leaves (0.3) or fails (0.4): K = C + B with C geometric
    // (P(C = c) = 0.3^c 0.7: mean 3/7, variance 0.3 / 0.49) and B Bernoulli(3/7) (variance
    // 12/49), so E[K^2 | shop] = 42/49 + 36/49 and overall Var K = 39/49 - 9/49 = 30/49:
    // sd 0.78, standard error 0.78 / sqrt(20000) = 0.0055. Allow 4 of them.
    const double se = std::sqrt(30.0 / 49.0 / n);
    CHECK(std::fabs(static_cast<double>(t.purchases) / n - a.expected_purchases) < 4 * se);
    CHECK(std::fabs(static_cast<double>(t.done) / n - a.expected_completions) < 4 * se);
    // Returns per customer (3/14) and shop visits per customer (5/7): counts of the same
    // geometric kind, with sd below 1.2 (checked loosely: 4 x 1.2 / sqrt(20000) = 0.034).
    CHECK(std::fabs(static_cast<double>(t.returns) / n - a.expected_returns) < 0.034);
    CHECK(std::fabs(static_cast<double>(sim.moments()[1].entered) / n - a.expected_visits[1]) < 0.034);
    // Ultimately lost: a proportion, standard error sqrt(p (1 - p) / n) = 0.0029.
    CHECK(std::fabs(static_cast<double>(t.lost) / n - a.lost) < 4 * std::sqrt(a.lost * (1 - a.lost) / n));
}

TEST_CASE("analysis with v2: what breaks the chain is listed, one line each") {
    Scenario s = loyal_journey(0.5);
    CHECK(analyze(s).ignores.empty());
    s.loyalty.impression = 2.0;  // returns depend on the impression
    s.market.enabled = true;
    s.market.size = 1000;
    s.market.advertising = 0.03;
    s.arrivals_per_tick = 0;
    s.beta = 0.3;
    s.gamma = 0.5;
    const Analysis a = analyze(s);
    REQUIRE(a.ok);
    CHECK(a.ignores_feedback);
    REQUIRE(a.ignores.size() == 4);
    auto listed = [&](const char* what) {
        for (const std::string& line : a.ignores)
            if (line.find(what) != std::string::npos) return true;
        return false;
    };
    CHECK(listed("beta"));
    CHECK(listed("gamma"));
    CHECK(listed("market"));
    CHECK(listed("loyalty.impression"));
    CHECK(a.message.find("market") != std::string::npos);
    // Returns are taken at base, as at impression 0: the same lifetime numbers.
    CHECK(a.expected_purchases == exact(3.0 / 7.0));
    Scenario r = loyal_journey(0.5);
    r.referral_rate = 0.1;
    const Analysis b = analyze(r);
    REQUIRE(b.ignores.size() == 1);
    CHECK(b.ignores[0].find("referrals") != std::string::npos);
}
