// The app's state and commands without a window: what a trainer or learner does through the
// panels, and what a host page does through the bridge, checked on the App object itself.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "app/app.h"
#include "io/loader.h"

using namespace motsim;
using namespace motsim::app;

namespace {

struct FakeHost final : Host {
    std::map<std::string, std::string> stored;
    std::vector<std::pair<std::string, std::string>> events;
    void open_file(const std::string&) override {}
    std::string save_file(const std::string& name, const std::string&, const std::string&) override { return name; }
    void request_screenshot(const std::string&) override {}
    void store(const std::string& k, const std::string& v) override { stored[k] = v; }
    std::string load(const std::string& k) override { return stored.count(k) ? stored[k] : ""; }
    bool is_browser() const override { return true; }
    void emit(const std::string& name, const std::string& json) override { events.emplace_back(name, json); }
    int count(const std::string& name) const {
        int n = 0;
        for (const auto& e : events) n += e.first == name;
        return n;
    }
};

const char* kDesk = R"({"motsim": 1, "name": "Desk", "ticks": 30, "seed": 4,
  "population": {"arrivals_per_tick": 40},
  "moments": [{"id": "desk", "positive": 0.5, "negative": 0.2, "purchase": true},
              {"id": "stay", "positive": 0.7, "negative": 0.1}]})";

}  // namespace

TEST_CASE("app: the default scenario runs, and a bad file keeps the current scenario running") {
    FakeHost host;
    App app(host);
    CHECK_FALSE(app.scenario().moments.empty());
    REQUIRE(app.load_text(kDesk, "desk.json"));
    CHECK(app.scenario().name == "Desk");
    app.step();
    app.step();
    const int tick = app.simulation().tick();
    CHECK_FALSE(app.load_text(R"({"motsim": 1, "moments": [{"id": "a", "positive": 1.5, "negative": 0}]})", "bad.json"));
    CHECK(app.scenario().name == "Desk");
    CHECK(app.simulation().tick() == tick);  // the run was not restarted
    REQUIRE_FALSE(app.messages().empty());
    CHECK(app.messages().back().error);
    CHECK(app.messages().back().text.find("bad.json: /moments/0/positive") != std::string::npos);
    CHECK(host.count("error") == 1);
    app.step();
    CHECK(app.simulation().tick() == tick + 1);
}

TEST_CASE("app: playing advances whole ticks at the chosen speed, whatever the frame rate") {
    FakeHost host;
    App a(host), b(host);
    REQUIRE(a.load_text(kDesk, "desk.json"));
    REQUIRE(b.load_text(kDesk, "desk.json"));
    a.set_speed(10);
    b.set_speed(10);
    for (int f = 0; f < 60; ++f) a.update(1.0 / 60);  // one second at 60 fps
    for (int f = 0; f < 20; ++f) b.update(1.0 / 20);  // one second at 20 fps
    CHECK(a.simulation().tick() == 10);
    CHECK(b.simulation().tick() == 10);
    CHECK(a.simulation().digest() == b.simulation().digest());
    a.pause();
    const int t = a.simulation().tick();
    a.update(1.0);
    CHECK(a.simulation().tick() == t);
}

TEST_CASE("app: parameters change live; locked ones are refused for the learner but not the host") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    app.step();
    const auto active = app.simulation().active();
    CHECK(app.set_param("/moments/desk/negative", 0.4, true));
    CHECK(app.scenario().moments[0].negative == 0.4);
    CHECK(app.simulation().active() == active);  // customers kept
    CHECK_FALSE(app.set_param("/moments/desk/positive", 1.5));
    CHECK_FALSE(app.set_param("/moments/nowhere/positive", 0.5));
    REQUIRE(app.configure(R"({"locked": ["/moments/desk/*"], "panels": {"story": false}})"));
    CHECK_FALSE(app.ui().story);
    CHECK_FALSE(app.set_param("/moments/desk/positive", 0.6, true));
    CHECK(app.scenario().moments[0].positive == 0.5);
    CHECK(app.set_param("/moments/stay/positive", 0.8, true));
    CHECK(app.set_param("/moments/desk/positive", 0.6, false));  // the host may
    bool learner = false, by_host = false;
    for (const auto& e : host.events)
        if (e.first == "param") {
            const auto j = nlohmann::json::parse(e.second);
            learner |= j["path"] == "/moments/stay/positive" && j["by"] == "learner";
            by_host |= j["path"] == "/moments/desk/positive" && j["by"] == "host";
        }
    CHECK(learner);
    CHECK(by_host);
    // A locked parameter edited through the panels (apply_edit as the learner) is refused too.
    Scenario s = app.scenario();
    s.moments[0].magic = 0.3;
    CHECK_FALSE(app.apply_edit(s, "desk"));
    CHECK(app.scenario().moments[0].magic == 0.0);
    CHECK_FALSE(app.configure(R"({"panels": {"sidebar": true}})"));
    CHECK_FALSE(app.configure("not json"));
}

TEST_CASE("app: a customer's story is replayed from tick 0, live edits included") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    for (int t = 0; t < 5; ++t) app.step();
    REQUIRE(app.set_param("/moments/desk/negative", 0.3));
    for (int t = 0; t < 5; ++t) app.step();
    REQUIRE(app.simulation().active() > 0);
    const std::uint32_t id = app.simulation().customer_ids()[0];
    app.watch_customer(id);
    const auto lines = app.story();
    REQUIRE_FALSE(lines.empty());
    CHECK(lines[0].find("arrives") != std::string::npos);
}

TEST_CASE("app: the shared state reproduces the run; the edited scenario survives a restart") {
    FakeHost host;
    App a(host);
    // Targets in an order a sorted copy would change ("stay" < "lost" < "desk" reversed).
    REQUIRE(a.load_text(R"({"motsim": 1, "name": "Desk", "ticks": 30, "seed": 4,
      "population": {"arrivals_per_tick": 40},
      "moments": [{"id": "desk", "positive": 0.5, "negative": 0.2, "purchase": true,
                   "next": {"neutral": {"stay": 3, "lost": 1, "desk": 1}}},
                  {"id": "stay", "positive": 0.7, "negative": 0.1}]})", "desk.json"));
    REQUIRE(a.set_param("/moments/desk/positive", 0.65));
    REQUIRE(a.set_param("seed", 99));
    a.reset();
    while (!a.simulation().finished()) a.step();
    const std::string share = a.share_json();
    // Key order matters (routes are drawn in file order): the share keeps it.
    CHECK(share.find(R"("stay":3)") < share.find(R"("lost":1)"));
    CHECK(share.find(R"("lost":1)") < share.find(R"("desk":1)"));
    FakeHost other;
    App b(other);
    REQUIRE(b.load_share(share));
    while (!b.simulation().finished()) b.step();
    CHECK(b.simulation().digest() == a.simulation().digest());
    CHECK_FALSE(b.load_share("{\"v\": 7}"));

    a.save_state();
    App c(host);  // same storage: a page reload
    c.restore_state();
    CHECK(c.scenario().moments[0].positive == 0.65);
}

TEST_CASE("app: a lesson step is checked by the engine on a fresh run and fires its event") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    REQUIRE(app.configure(R"({"lesson": {"title": "Fix the desk", "steps": [
        {"text": "Lose at most 15% of customers, changing one moment",
         "goals": [{"metric": "lost_share", "at_most": 0.15}], "max_changed_moments": 1}]}})"));
    CHECK_FALSE(app.check_lesson());  // lost: 0.2 + 0.8 x 0.1 = 28%
    CHECK(host.count("lesson_step") == 0);
    REQUIRE(app.set_param("/moments/desk/negative", 0.02, true));
    REQUIRE(app.set_param("/moments/stay/negative", 0.02, true));
    CHECK_FALSE(app.check_lesson());  // two moments changed: over the limit
    REQUIRE(app.set_param("/moments/stay/negative", 0.1, true));
    CHECK(app.check_lesson());  // lost: 0.02 + 0.98 x 0.1 = 11.8%, one moment changed
    CHECK(host.count("lesson_step") == 1);
    CHECK(host.count("lesson_done") == 1);
    CHECK(app.lesson_step() == 1);
}

TEST_CASE("app: an experiment runs in slices across frames and ranks a weak moment first") {
    FakeHost host;
    App app(host);
    // Positive and neutral route alike here, so only the weak moment (no neutral outcome: the
    // gain comes from its negative odds) changes purchases when its positive odds improve.
    REQUIRE(app.load_text(R"({"motsim": 1, "name": "Weak", "ticks": 200, "population": {"arrivals_per_tick": 100},
        "moments": [{"id": "fine", "positive": 0.8, "negative": 0.05, "purchase": true},
                    {"id": "weak", "positive": 0.3, "negative": 0.7},
                    {"id": "ok", "positive": 0.7, "negative": 0.1, "purchase": true}]})", "weak.json"));
    app.pause();
    REQUIRE(app.start_experiment("rank"));
    CHECK_FALSE(app.start_experiment("replicate"));  // one at a time
    int frames = 0;
    while (app.experiment_running() && frames < 10000) {
        app.update(1.0 / 60);
        ++frames;
    }
    CHECK_FALSE(app.experiment_running());
    CHECK(frames > 1);  // it did not block one frame for the whole job
    const auto state = nlohmann::json::parse(app.state_json());
    REQUIRE(state["experiment"]["rank"] == true);
    CHECK(state["experiment"]["rank_order"][0] == "weak");
}

TEST_CASE("app: a scenario asking for billions of customers is capped in the live view, with a message") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(R"({"motsim": 1, "name": "Huge", "ticks": 100000,
        "population": {"arrivals_per_tick": 1000000, "max_customers": 1000000000},
        "moments": [{"id": "a", "positive": 0.5, "negative": 0.2}]})", "huge.json"));
    CHECK(app.simulation().scenario().max_customers == kLiveCustomerCap);
    CHECK(app.scenario().max_customers == 1000000000);  // the scenario itself is unchanged
    bool told = false;
    for (const Message& m : app.messages()) told |= m.text.find("live view follows") != std::string::npos;
    CHECK(told);
}

TEST_CASE("app: the live view switches to the cohort engine and back") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    REQUIRE(app.set_param("engine", 2));  // expected values: no randomness
    CHECK(app.engine() == 2);
    for (int t = 0; t < 10; ++t) app.step();
    auto state = nlohmann::json::parse(app.state_json());
    CHECK(state["engine"] == "expected");
    CHECK(state["tick"] == 10);
    CHECK(state["arrivals"].get<double>() == doctest::Approx(400.0));  // 40 a tick, exactly
    CHECK_FALSE(app.view().individuals());
    {
        App other(host);  // finishing runs the engine that is live (the agents stay at tick 0)
        REQUIRE(other.load_text(kDesk, "desk.json"));
        REQUIRE(other.set_param("engine", 1));
        other.finish();
        CHECK(other.finished());
        CHECK(other.tick() == 30);
    }
    // An edit replays the cohort to the same tick with the new odds.
    REQUIRE(app.set_param("/moments/desk/negative", 0.4));
    CHECK(app.tick() == 10);
    const double lost_after = nlohmann::json::parse(app.state_json())["lost"].get<double>();
    CHECK(lost_after > state["lost"].get<double>());
    CHECK_FALSE(app.set_param("engine", 7));
    REQUIRE(app.set_param("engine", 0));
    CHECK(app.view().individuals());
    CHECK(nlohmann::json::parse(app.state_json())["engine"] == "agents");
}

TEST_CASE("app: experiment results say when the scenario changed after they were computed") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    auto stale = [&] { return nlohmann::json::parse(app.state_json())["experiment"]["stale"].get<bool>(); };
    REQUIRE(app.start_experiment("replicate"));
    while (app.experiment_running()) app.update(1.0 / 60);
    CHECK_FALSE(stale());
    REQUIRE(app.set_param("/moments/desk/positive", 0.6));
    CHECK(stale());
    // A job long enough to span frames, then a change while it runs: its results are stale too.
    REQUIRE(app.set_param("/ticks", 2000));
    REQUIRE(app.set_param("/population/arrivals_per_tick", 300));
    REQUIRE(app.start_experiment("replicate"));
    app.update(1.0 / 60);
    REQUIRE(app.experiment_running());
    REQUIRE(app.set_param("seed", 5));
    while (app.experiment_running()) app.update(1.0 / 60);
    CHECK(stale());
}
