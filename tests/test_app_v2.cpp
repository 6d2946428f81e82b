// The app's side of the v2 model (issue 12): NPS "-" while nobody was asked and who is asked,
// loyalty's returns and repeat buyers, the market's reach beside the Bass curve, money from
// engine/money.h, the v2 sliders' parameter paths, the customer story's comebacks and the
// expected values' label. No window: the App's state, guidance and story functions.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "fake_host.h"
#include "app/format.h"
#include "app/guidance.h"
#include "app/plot_math.h"
#include "app/story.h"
#include "engine/money.h"
#include "io/loader.h"

using namespace motsim;
using namespace motsim::app;

namespace {

// A launch: a market of 50,000 people, loyal customers coming back to research, money.
const char* kLaunch = R"({"motsim": 1, "name": "Launch", "ticks": 120, "seed": 3,
  "population": {"initial": 0},
  "market": {"size": 50000, "advertising": 0.005, "word_of_mouth": 0.3, "negative": 0.1},
  "loyalty": {"return_to": "research", "after": {"min": 5, "max": 10}, "base": 0.4, "impression": 2},
  "money": {"currency": "EUR", "revenue": 80},
  "moments": [
    {"id": "ad", "phase": "stimulus", "positive": 0.6, "negative": 0.3},
    {"id": "research", "phase": "zmot", "positive": 0.5, "negative": 0.2, "reads_reviews": true},
    {"id": "buy", "phase": "fmot", "positive": 0.7, "negative": 0.1, "purchase": true, "cost": {"visit": 5}},
    {"id": "use", "phase": "smot", "positive": 0.6, "negative": 0.2, "magic": 0.2, "review": 0.05,
     "cost": {"visit": 10, "magic": 20, "improve": 1000}}]})";

const char* kDesk = R"({"motsim": 1, "name": "Desk", "ticks": 30, "seed": 4,
  "population": {"arrivals_per_tick": 40},
  "moments": [{"id": "desk", "positive": 0.5, "negative": 0.2, "purchase": true},
              {"id": "stay", "positive": 0.7, "negative": 0.1}]})";

nlohmann::json state_of(const App& app) { return nlohmann::json::parse(app.state_json()); }

}  // namespace

TEST_CASE("app v2: NPS is null while nobody was asked, and says who is asked") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kLaunch, "launch.json"));
    const nlohmann::json s0 = state_of(app);
    CHECK(s0["nps"].is_null());  // NaN in the engine, null in JSON, "-" on screen
    CHECK(s0["nps_asked"] == "buyers");
    CHECK(std::isnan(nps_shown(app.view())));
    CHECK(signed_score(nps_shown(app.view())) == "-");
    CHECK(nps_label(app.scenario()) == "NPS of buyers");
    Scenario s = app.scenario();
    s.nps_asked = NpsAsked::Finished;
    CHECK(nps_label(s) == "NPS of those who finished");
    s.nps_asked = NpsAsked::Everyone;
    CHECK(nps_label(s) == "NPS of everyone");
    // The NPS series has gaps (NaN), never 0 or -100, while nobody was asked.
    app.step();
    const std::vector<float> series = nps_series_of(app.view());
    REQUIRE(series.size() == 1);
    CHECK(std::isnan(series[0]));
    app.finish_now();
    const nlohmann::json s1 = state_of(app);
    REQUIRE(s1["nps"].is_number());
    CHECK(std::isfinite(nps_shown(app.view())));
    CHECK(s1["nps"].get<double>() == doctest::Approx(app.simulation().totals().nps()));
}

TEST_CASE("app v2: loyalty, market and money in the state, from the engine's totals and money.h") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kLaunch, "launch.json"));
    app.finish_now();
    const nlohmann::json s = state_of(app);
    const Totals& t = app.simulation().totals();
    CHECK(t.returns > 0);
    CHECK(s["returns"] == t.returns);
    CHECK(s["waiting"] == t.waiting);
    CHECK(s["buyers"] == nlohmann::json::array({t.buyers[0], t.buyers[1], t.buyers[2]}));
    CHECK(t.buyers[1] > 0);  // some bought again
    REQUIRE(s["market"].is_object());
    CHECK(s["market"]["size"] == 50000);
    CHECK(s["market"]["reached"] == t.arrivals);
    CHECK(s["market"]["share"].get<double>() == doctest::Approx(static_cast<double>(t.arrivals) / 50000.0));
    CHECK(s["market"]["advocates"] == t.market_advocates);
    CHECK(s["market"]["critics"] == t.market_critics);
    REQUIRE(s["money"].is_object());
    const Ledger l = ledger_of(app.simulation().scenario(), t, app.simulation().moments());
    CHECK(s["money"]["currency"] == "EUR");
    CHECK(s["money"]["revenue"].get<double>() == doctest::Approx(80.0 * static_cast<double>(t.purchases)));
    CHECK(s["money"]["revenue"].get<double>() == doctest::Approx(l.revenue));
    CHECK(s["money"]["profit"].get<double>() == doctest::Approx(l.profit));
    CHECK(s["money"]["per_customer"].get<double>() == doctest::Approx(l.per_customer));

    // A v1 journey: no market, no money, nothing comes back.
    REQUIRE(app.load_text(kDesk, "desk.json"));
    app.step();
    const nlohmann::json d = state_of(app);
    CHECK(d["market"].is_null());
    CHECK(d["money"].is_null());
    CHECK(d["returns"] == 0);
}

TEST_CASE("app v2: a market larger than the live view's cap runs scaled down, the same p and q") {
    FakeHost host;
    App app(host);
    std::string big = kLaunch;
    big.replace(big.find("50000"), 5, "90000000");
    REQUIRE(app.load_text(big, "big.json"));
    CHECK(app.scenario().market.size == 90000000);
    CHECK(app.simulation().scenario().market.size == kLiveMarketCap);
    CHECK(app.simulation().scenario().market.word_of_mouth == app.scenario().market.word_of_mouth);
    const nlohmann::json s = state_of(app);
    CHECK(s["market"]["size"] == kLiveMarketCap);
    CHECK(s["market"]["scenario_size"] == 90000000);
}

TEST_CASE("app v2: the v2 sliders' paths change the run live; a lesson can lock them") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kLaunch, "launch.json"));
    for (int i = 0; i < 20; ++i) app.step();
    CHECK(app.set_param("/loyalty/base", 0.6));
    CHECK(app.set_param("/loyalty/impression", 3));
    CHECK(app.set_param("/market/advertising", 0.01));
    CHECK(app.set_param("/market/word_of_mouth", 0.5));
    CHECK(app.set_param("/money/revenue", 120));
    CHECK(app.scenario().loyalty.base == 0.6);
    CHECK(app.scenario().loyalty.impression == 3);
    CHECK(app.scenario().market.advertising == 0.01);
    CHECK(app.scenario().market.word_of_mouth == 0.5);
    CHECK(app.scenario().money.revenue == 120);
    CHECK(app.simulation().tick() == 20);  // live: the customers stay
    CHECK(app.simulation().scenario().loyalty.base == 0.6);
    int params = 0;
    for (const auto& e : host.events) params += e.first == "param";
    CHECK(params == 5);
    CHECK_FALSE(app.set_param("/loyalty/base", 1.5));  // out of range: nothing changes
    CHECK(app.scenario().loyalty.base == 0.6);
    REQUIRE(app.configure(R"({"locked": ["/loyalty/*", "/market/*", "/money/*"]})"));
    CHECK_FALSE(app.set_param("/loyalty/base", 0.2, true));
    CHECK_FALSE(app.set_param("/market/word_of_mouth", 0.2, true));
    CHECK_FALSE(app.set_param("/money/revenue", 10, true));
    CHECK(app.scenario().loyalty.base == 0.6);
    CHECK(app.set_param("/loyalty/base", 0.2));  // the host may
    // The edit command's "set" takes the same paths, and keeps the lesson's locks.
    const std::string set_r = R"({"op": "set", "path": "/market/negative", "value": 0.2})";
    CHECK(nlohmann::json::parse(app.edit(set_r))["ok"] == false);
    CHECK(app.scenario().market.negative == 0.1);
    REQUIRE(app.configure(R"({"locked": []})"));
    const nlohmann::json r = nlohmann::json::parse(app.edit(set_r));
    CHECK(r["ok"] == true);
    CHECK(app.scenario().market.negative == 0.2);
    app.step();
    CHECK(app.simulation().tick() == 21);
}

TEST_CASE("app v2: the customer story tells a comeback") {
    io::LoadResult r = io::load_scenario(kLaunch);
    REQUIRE(r.ok());
    const Scenario& s = *r.scenario;
    std::vector<StoryEvent> events;
    events.push_back({0, 7, -1, Outcome::Neutral, 0.0f, 0, -1, false, false, false});     // arrives at the ad
    events.push_back({2, 7, 2, Outcome::Positive, 0.4f, kDone, -1, true, false, false});  // buys, done
    events.push_back({79, 7, -1, Outcome::Neutral, 0.6f, 1, -1, false, false, true});     // comes back
    const std::vector<std::string> lines = story_lines(s, events, 7);
    REQUIRE(lines.size() == 3);
    CHECK(lines[2] == "day 80, comes back to research (impression +0.60)");
    const std::string summary = summary_line(s, events, 7);
    CHECK(summary.find("still in the journey at research") != std::string::npos);
    CHECK(summary.find("came back once") != std::string::npos);
    // And in a real run: a watched loyal customer's comeback is told.
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kLaunch, "launch.json"));
    app.finish_now();
    bool told = false;
    for (std::uint32_t id = 0; id < 60 && !told; ++id) {
        app.watch_customer(id);
        for (const std::string& line : app.story())
            if (line.find("comes back to research") != std::string::npos) told = true;
    }
    CHECK(told);
}

TEST_CASE("app v2: the Bass curve and the expected values' label") {
    CHECK(bass_share(0.03, 0.38, 0) == 0.0);
    CHECK(bass_share(0.03, 0.38, 10) == doctest::Approx(0.8128032212213462));
    CHECK(bass_share(0.03, 0.38, 1000) == doctest::Approx(1.0));
    CHECK(bass_share(0.0, 0.38, 10) == 0.0);  // nobody starts the word of mouth
    // Monotone, and close to the discrete recursion F' = F + (p + q F)(1 - F) for small p, q.
    double f = 0, prev = 0;
    for (int t = 1; t <= 200; ++t) {
        f += (0.002 + 0.05 * f) * (1 - f);
        const double c = bass_share(0.002, 0.05, t);
        CHECK(c >= prev);
        prev = c;
        CHECK(std::fabs(c - f) < 0.02);
    }
    io::LoadResult desk = io::load_scenario(kDesk);
    REQUIRE(desk.ok());
    Scenario s = *desk.scenario;
    CHECK_FALSE(expected_is_approximate(s));
    CHECK(expected_values_label(s).find("exact mean") != std::string::npos);
    s.gamma = 1.0;  // reviews weigh, but no moment reads them: still exact
    CHECK_FALSE(expected_is_approximate(s));
    s.moments[0].reads_reviews = true;
    CHECK(expected_is_approximate(s));
    CHECK(expected_values_label(s).find("mean-field approximation (not the exact mean of random runs)") !=
          std::string::npos);
    s = *desk.scenario;
    s.referral_rate = 0.1;
    CHECK(expected_is_approximate(s));
    io::LoadResult launch = io::load_scenario(kLaunch);
    REQUIRE(launch.ok());
    CHECK(expected_is_approximate(*launch.scenario));  // a market
}
