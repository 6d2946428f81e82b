// Authoring: the edit commands build a journey from a blank one, every invalid edit is refused
// with the loader's message and changes nothing, undo and redo walk the history (loads
// included), Revert goes back to the loaded scenario, and a lesson's locks hold.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "app/app.h"
#include "fake_host.h"
#include "io/loader.h"

using namespace motsim;
using namespace motsim::app;
using Json = nlohmann::json;

namespace {

Json run(App& app, const Json& cmd) {
    const Json r = Json::parse(app.edit(cmd.dump()), nullptr, false);
    REQUIRE_FALSE(r.is_discarded());
    return r;
}

bool ok(App& app, const Json& cmd) {
    const Json r = run(app, cmd);
    if (!r.value("ok", false)) MESSAGE(cmd.dump() << " -> " << r.dump());
    return r.value("ok", false);
}

// The moment a route of `from` leads to after `outcome` (0 positive, 1 neutral, 2 negative), by id.
std::vector<std::string> targets(const App& app, const std::string& from, int outcome) {
    const Scenario& s = app.scenario();
    const Moment& m = s.moments[static_cast<std::size_t>(s.find_moment(from))];
    std::vector<std::string> out;
    for (int t : m.next[static_cast<std::size_t>(outcome)].targets)
        out.push_back(t == kDone ? "done" : t == kLost ? "lost" : s.moments[static_cast<std::size_t>(t)].id);
    return out;
}

// Builds "Sees an ad" -> "Reads reviews" -> "Buys" from a blank journey with the commands a
// trainer's clicks send.
void build_three(App& app) {
    REQUIRE(ok(app, {{"op", "new"}, {"from", "blank"}}));
    REQUIRE(ok(app, {{"op", "rename_moment"}, {"moment", "first_moment"}, {"name", "Sees an ad"}}));
    Json r = run(app, {{"op", "add_moment"}, {"name", "Reads reviews"}, {"phase", "zmot"}});
    REQUIRE(r["ok"] == true);
    CHECK(r["id"] == "reads_reviews");
    r = run(app, {{"op", "add_moment"}, {"name", "Buys"}, {"phase", "fmot"}});
    REQUIRE(r["ok"] == true);
    REQUIRE(ok(app, {{"op", "connect"}, {"from", "first_moment"}, {"to", "reads_reviews"}}));
    REQUIRE(ok(app, {{"op", "connect"}, {"from", "reads_reviews"}, {"to", "buys"}}));
    REQUIRE(ok(app, {{"op", "set_flag"}, {"moment", "buys"}, {"flag", "purchase"}, {"value", true}}));
}

}  // namespace

TEST_CASE("authoring: a three-moment journey from a blank one runs and converts as the analysis says") {
    FakeHost host;
    App app(host);
    build_three(app);
    const Scenario& s = app.scenario();
    REQUIRE(s.moments.size() == 3);
    CHECK(s.moments[0].name == "Sees an ad");
    CHECK(s.phases[static_cast<std::size_t>(s.moments[1].phase)] == "zmot");
    // Connecting a moment that only ended the journey replaces the "done" (a chain, not a split).
    CHECK(targets(app, "first_moment", 0) == std::vector<std::string>{"reads_reviews"});
    CHECK(targets(app, "first_moment", 1) == std::vector<std::string>{"reads_reviews"});
    CHECK(targets(app, "first_moment", 2) == std::vector<std::string>{"lost"});
    CHECK(targets(app, "buys", 0) == std::vector<std::string>{"done"});
    // Every customer passes three moments of p+ 0.6, p- 0.1: P(purchase) = 0.9^3.
    REQUIRE(app.analysis().ok);
    CHECK(app.analysis().expected_purchases == doctest::Approx(0.9 * 0.9 * 0.9).epsilon(1e-9));
    app.finish_now();
    const Json st = Json::parse(app.state_json());
    CHECK(st["purchases"].get<double>() > 0);
    // The scenario the app writes out loads back through the loader.
    CHECK(io::load_scenario(app.scenario_json()).ok());
}

TEST_CASE("authoring: invalid edits are refused with the loader's message and change nothing") {
    FakeHost host;
    App app(host);
    build_three(app);
    const std::string before = app.scenario_json();
    const struct {
        Json cmd;
        const char* says;
    } bad[] = {
        {{{"op", "set"}, {"path", "/moments/buys/positive"}, {"value", 1.5}}, "positive"},
        {{{"op", "connect"}, {"from", "buys"}, {"to", "nowhere"}}, "/to"},
        {{{"op", "connect"}, {"from", "buys"}, {"to", "done"}, {"weight", -1}}, "/weight"},
        {{{"op", "add_moment"}, {"phase", "nophase"}}, "/phase"},
        {{{"op", "remove_moment"}, {"moment", "ghost"}}, "/moment"},
        {{{"op", "move_moment"}, {"moment", "buys"}, {"to", 7}}, "/to"},
        {{{"op", "set_title"}, {"title", ""}}, "/title"},
        {{{"op", "disconnect"}, {"from", "buys"}, {"outcome", "positive"}, {"to", "done"}}, "no other target"},
        {{{"op", "add_segment"}, {"name", "x"}, {"share", -3}}, "/segments/1/share"},
        {{{"op", "frobnicate"}}, "unknown command"},
        {{{"nope", 1}}, "/op"},
    };
    for (const auto& b : bad) {
        const Json r = run(app, b.cmd);
        CHECK_MESSAGE(r["ok"] == false, b.cmd.dump());
        CHECK_MESSAGE(r["error"].get<std::string>().find(b.says) != std::string::npos, b.cmd.dump()
                                                                                           << " -> " << r.dump());
        CHECK(app.scenario_json() == before);
    }
    // A loop nobody can leave is the graph check's error: refused too.
    REQUIRE(ok(app, {{"op", "add_moment"}, {"name", "Trap"}}));
    const std::string with_trap = app.scenario_json();
    const Json r =
        run(app, {{"op", "connect"}, {"from", "trap"}, {"outcome", "all"}, {"to", "trap"}, {"replace", true}});
    CHECK(r["ok"] == false);
    CHECK(r["error"].get<std::string>().find("trap") != std::string::npos);
    CHECK(app.scenario_json() == with_trap);
    CHECK_FALSE(run(app, {"not an object"})["ok"].get<bool>());
    CHECK_FALSE(Json::parse(app.edit("{bad json"))["ok"].get<bool>());
}

TEST_CASE("authoring: undo and redo walk every edit back and forth, loads included") {
    FakeHost host;
    App app(host);
    const std::string shipped = app.scenario_json();
    CHECK_FALSE(app.edited());
    build_three(app);
    const std::string built = app.scenario_json();
    CHECK(app.can_undo());
    // Six steps after the "new": purchase flag, two connects, two adds, one rename.
    for (int i = 0; i < 6; ++i) REQUIRE(app.undo());
    CHECK(app.scenario().moments.size() == 1);
    CHECK(app.scenario().moments[0].name == "First moment");
    CHECK_FALSE(app.edited());  // back at the blank journey as it was created
    REQUIRE(app.undo());        // the "new" itself: the shipped default is back
    CHECK(app.scenario_json() == shipped);
    CHECK_FALSE(app.edited());
    CHECK_FALSE(app.can_undo());
    for (int i = 0; i < 7; ++i) REQUIRE(app.redo());
    CHECK(app.scenario_json() == built);
    CHECK_FALSE(app.can_redo());
    CHECK(app.edited());
    // A new edit after an undo drops the redo branch.
    REQUIRE(app.undo());
    REQUIRE(ok(app, {{"op", "set_title"}, {"title", "Three steps"}}));
    CHECK_FALSE(app.can_redo());
    // The commands reach the same history.
    REQUIRE(ok(app, {{"op", "undo"}}));
    CHECK(app.scenario().name == "New journey");
    REQUIRE(ok(app, {{"op", "redo"}}));
    CHECK(app.scenario().name == "Three steps");
}

TEST_CASE("authoring: loading over edits is undoable; Revert goes back to the loaded scenario") {
    FakeHost host;
    App app(host);
    const std::string shipped = app.scenario_json();
    const std::string first = app.scenario().moments[0].id;
    REQUIRE(app.set_param("/moments/" + first + "/positive", 0.05, true));
    CHECK(app.edited());
    const std::string mine = app.scenario_json();
    REQUIRE(app.edit(Json{{"op", "new"}, {"from", "hotel.json"}}.dump()).find("true") != std::string::npos);
    CHECK(app.scenario().name.find("Hotel") != std::string::npos);
    CHECK_FALSE(app.edited());
    REQUIRE(app.undo());
    CHECK(app.scenario_json() == mine);  // the edited journey is not lost
    CHECK(app.edited());
    app.revert();
    CHECK(app.scenario_json() == shipped);
    CHECK_FALSE(app.edited());
    REQUIRE(app.undo());  // Revert is one step too
    CHECK(app.scenario_json() == mine);
}

TEST_CASE("authoring: remove, move and phase keep the journey joined and the numbers the same") {
    FakeHost host;
    App app(host);
    build_three(app);
    const double before = app.analysis().expected_purchases;
    // Moving a moment in the list changes where it is drawn, not where customers go.
    REQUIRE(ok(app, {{"op", "move_moment"}, {"moment", "buys"}, {"to", 0}}));
    CHECK(app.scenario().moments[0].id == "buys");
    CHECK(targets(app, "reads_reviews", 0) == std::vector<std::string>{"buys"});
    CHECK(app.analysis().expected_purchases == doctest::Approx(before).epsilon(1e-12));
    REQUIRE(ok(app, {{"op", "set_phase"}, {"moment", "buys"}, {"phase", "smot"}}));
    CHECK(app.scenario().phases[static_cast<std::size_t>(app.scenario().moments[0].phase)] == "smot");
    // Removing the middle of a chain joins its neighbours.
    REQUIRE(ok(app, {{"op", "remove_moment"}, {"moment", "reads_reviews"}}));
    CHECK(targets(app, "first_moment", 0) == std::vector<std::string>{"buys"});
    CHECK(app.analysis().expected_purchases == doctest::Approx(0.9 * 0.9).epsilon(1e-9));
    // An inserted moment goes between its predecessor and where that one led.
    const Json r =
        run(app, {{"op", "add_moment"}, {"name", "Compares prices"}, {"after", "first_moment"}, {"insert", true}});
    REQUIRE(r["ok"] == true);
    CHECK(targets(app, "first_moment", 0) == std::vector<std::string>{"compares_prices"});
    CHECK(targets(app, "compares_prices", 0) == std::vector<std::string>{"buys"});
    // The entry can move; segments come and go.
    REQUIRE(ok(app, {{"op", "set_entry"}, {"moment", "compares_prices"}}));
    CHECK(app.scenario().entry.targets == std::vector<int>{app.scenario().find_moment("compares_prices")});
    REQUIRE(ok(app, {{"op", "add_segment"}, {"name", "bargain hunters"}, {"share", 0.3}, {"shift", -0.5}}));
    CHECK(app.scenario().segments.size() == 2);
    REQUIRE(ok(app, {{"op", "remove_segment"}, {"index", 1}}));
    CHECK(app.scenario().segments.size() == 1);
    CHECK_FALSE(run(app, {{"op", "remove_segment"}, {"index", 0}})["ok"].get<bool>());
    REQUIRE(ok(app, {{"op", "set_description"}, {"description", "Where do the bargain hunters go?"}}));
    CHECK(app.scenario().description == "Where do the bargain hunters go?");
}

TEST_CASE("authoring: a lesson's locks hold for edit commands, undo and redo") {
    FakeHost host;
    App app(host);
    build_three(app);
    REQUIRE(ok(app, {{"op", "set"}, {"path", "/moments/buys/positive"}, {"value", 0.7}}));
    REQUIRE(app.configure(R"({"locked": ["/moments/buys/positive"]})"));
    const std::string before = app.scenario_json();
    CHECK_FALSE(run(app, {{"op", "set"}, {"path", "/moments/buys/positive"}, {"value", 0.9}})["ok"].get<bool>());
    CHECK_FALSE(run(app, {{"op", "add_moment"}, {"name", "Extra"}})["ok"].get<bool>());
    CHECK_FALSE(app.undo());  // would change the locked parameter back
    CHECK(app.scenario_json() == before);
    CHECK(ok(app, {{"op", "set"}, {"path", "/moments/buys/negative"}, {"value", 0.2}}));
}

TEST_CASE("authoring: the loaded scenario survives a reload with the edits, so Revert still works") {
    FakeHost host;
    std::string shipped, edited;
    {
        App app(host);
        shipped = app.scenario_json();
        REQUIRE(app.set_param("/moments/" + app.scenario().moments[0].id + "/positive", 0.05, true));
        edited = app.scenario_json();
        app.save_state();
    }
    App again(host);
    again.restore_state();
    CHECK(again.scenario_json() == edited);
    CHECK(again.edited());
    again.revert();
    CHECK(again.scenario_json() == shipped);
}
