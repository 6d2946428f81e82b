// The app's state and commands without a window: what a trainer or learner does through the
// panels, and what a host page does through the bridge, checked on the App object itself.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <nlohmann/json.hpp>

#include "app/app.h"
#include "fake_host.h"
#include "app/format.h"
#include "app/glossary.h"
#include "app/guidance.h"
#include "io/loader.h"
#include "scenarios_embedded.h"

using namespace motsim;
using namespace motsim::app;

namespace {

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
    CHECK_FALSE(
        app.load_text(R"({"motsim": 1, "moments": [{"id": "a", "positive": 1.5, "negative": 0}]})", "bad.json"));
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
    a.play();  // the app starts paused (a learner presses Play)
    b.play();
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
                  {"id": "stay", "positive": 0.7, "negative": 0.1}]})",
                        "desk.json"));
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
    // A stranger's link with the wrong types or huge numbers is refused or clamped, never thrown.
    CHECK_FALSE(b.load_share(R"({"v": "1", "scenario": {}})"));
    CHECK_FALSE(b.load_share(R"({"v": null, "scenario": {}})"));
    App stranger(host);
    REQUIRE(stranger.load_share(R"({"v": 1, "tick": 18446744073709551615, "selected": -9223372036854775807,
        "scenario": )" + a.scenario_json() +
                                "}"));
    CHECK(stranger.selected_moment() == 0);
    CHECK(stranger.busy() == "run_to");  // to the last tick, not to a wrapped-around negative one

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
    CHECK_FALSE(app.check_lesson_now());  // lost: 0.2 + 0.8 x 0.1 = 28%
    CHECK(host.count("lesson_step") == 0);
    CHECK(host.count("lesson_checked") == 1);
    REQUIRE(app.set_param("/moments/desk/negative", 0.02, true));
    REQUIRE(app.set_param("/moments/stay/negative", 0.02, true));
    CHECK_FALSE(app.check_lesson_now());  // two moments changed: over the limit
    REQUIRE(app.set_param("/moments/stay/negative", 0.1, true));
    CHECK(app.check_lesson_now());  // lost: 0.02 + 0.98 x 0.1 = 11.8%, one moment changed
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
                    {"id": "ok", "positive": 0.7, "negative": 0.1, "purchase": true}]})",
                          "weak.json"));
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
        "moments": [{"id": "a", "positive": 0.5, "negative": 0.2}]})",
                          "huge.json"));
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
    CHECK(app.engine() == Engine::Expected);
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
        other.finish_now();
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

// ==== Long work in slices, text limits, the drawn crowd (issue 9) ===============================

namespace {
// Frames until the app has no long work left (or a bound is hit); how many it took.
int frames_until_idle(App& app, int bound = 100000) {
    int frames = 0;
    while (!app.busy().empty() && frames < bound) {
        app.update(1.0 / 60);
        ++frames;
    }
    return frames;
}
const char* kLong = R"({"motsim": 1, "name": "Long", "ticks": 5000, "seed": 9,
  "population": {"arrivals_per_tick": 200},
  "moments": [{"id": "a", "positive": 0.5, "negative": 0.2, "dwell": 3, "purchase": true,
               "next": {"neutral": "a"}},
              {"id": "b", "positive": 0.6, "negative": 0.1, "dwell": 2}]})";
}  // namespace

TEST_CASE("app: run_to and finish return at once and reach their tick over frames, same numbers as stepping") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kLong, "long.json"));
    app.pause();
    REQUIRE(app.run_to(1200));
    CHECK(app.tick() == 0);  // nothing done inside the call
    CHECK(app.busy() == "run_to");
    CHECK(nlohmann::json::parse(app.state_json())["busy"]["kind"] == "run_to");
    const int frames = frames_until_idle(app);
    CHECK(app.tick() == 1200);
    CHECK(frames >= 1);
    REQUIRE(host.count("reached") == 1);
    CHECK(nlohmann::json::parse(host.events.back().second)["tick"] == 1200);
    CHECK(nlohmann::json::parse(app.state_json())["busy"].is_null());

    // The same run stepped tick by tick gives the same digest.
    FakeHost host2;
    App stepped(host2);
    REQUIRE(stepped.load_text(kLong, "long.json"));
    stepped.pause();
    for (int t = 0; t < 1200; ++t) stepped.step();
    CHECK(stepped.simulation().digest() == app.simulation().digest());

    app.finish();
    CHECK(app.tick() == 1200);
    frames_until_idle(app);
    CHECK(app.finished());
    CHECK(app.tick() == 5000);
    CHECK(host.count("finished") == 1);
    CHECK(host.count("reached") == 2);
}

TEST_CASE("app: long work can be cancelled, and a target behind the run is reached at once") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kLong, "long.json"));
    app.pause();
    app.step();
    app.step();
    REQUIRE(app.run_to(1));  // already past: reached at once, nothing run
    CHECK(app.busy().empty());
    CHECK(app.tick() == 2);
    REQUIRE(host.count("reached") == 1);
    app.finish();
    app.cancel_work();
    CHECK(app.busy().empty());
    CHECK(app.tick() == 2);
    const auto last = nlohmann::json::parse(host.events.back().second);
    CHECK(host.events.back().first == "reached");
    CHECK(last["cancelled"] == true);
    // A new scenario ends any work in progress (cancelled), it never runs on the new one.
    app.finish();
    REQUIRE(app.load_text(kDesk, "desk.json"));
    CHECK(app.busy().empty());
    CHECK(app.tick() == 0);
}

TEST_CASE("app: the lesson check runs in slices with the live view's cap and tells its result") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kLong, "long.json"));
    REQUIRE(app.configure(R"({"lesson": {"title": "T", "steps": [
        {"text": "Lose nobody", "goals": [{"metric": "lost_share", "at_most": 0.01}]}]}})"));
    app.pause();  // the live run stands still: only the check's own run advances
    REQUIRE(app.check_lesson());
    CHECK(app.lesson_checking());
    CHECK(app.busy() == "lesson");
    CHECK(host.count("lesson_checked") == 0);
    CHECK(frames_until_idle(app) >= 1);
    CHECK_FALSE(app.lesson_checking());
    REQUIRE(host.count("lesson_checked") == 1);
    for (const auto& e : host.events)
        if (e.first == "lesson_checked") CHECK(nlohmann::json::parse(e.second)["met"] == false);
    CHECK(app.lesson_step() == 0);
    CHECK(app.tick() == 0);  // the live run was not touched by the check
}

TEST_CASE("app: text over the limit is refused before parsing, and the current scenario keeps running") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    app.step();
    // Valid JSON, just too long: whitespace after a small scenario.
    std::string text = kDesk;
    text.append(kMaxTextBytes, ' ');
    CHECK_FALSE(app.load_text(text, "padded.json"));
    CHECK(app.scenario().name == "Desk");
    CHECK(app.tick() == 1);
    REQUIRE_FALSE(app.messages().empty());
    CHECK(app.messages().back().text.find("the limit is 4.0 MB") != std::string::npos);
    CHECK_FALSE(app.configure(std::string(kMaxTextBytes + 1, ' ')));
    CHECK_FALSE(app.load_share(std::string(kMaxTextBytes + 1, ' ')));
    CHECK(app.scenario().name == "Desk");
    // At the limit itself the text is read (and here refused only for being blank).
    CHECK(app.load_text(std::string(kDesk) + std::string(kMaxTextBytes - std::string(kDesk).size(), ' '), "x.json"));
}

TEST_CASE("app: a shared link's tick is reached in slices, not inside the call") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kLong, "long.json"));
    const std::string share = R"({"v": 1, "seed": 3, "tick": 4000, "scenario": )" + app.scenario_json() + "}";
    App b(host);
    REQUIRE(b.load_share(share));
    CHECK(b.tick() < 4000);
    CHECK(b.busy() == "run_to");
    frames_until_idle(b);
    CHECK(b.tick() == 4000);
}

TEST_CASE("app: a huge crowd is drawn as a sample spread over the moments, rebuilt only on change") {
    Scenario s;
    s.ticks = 100;
    s.arrivals_per_tick = 30000;
    s.max_customers = 1000000000;
    for (const char* id : {"a", "b"}) {
        Moment m;
        m.id = m.name = id;
        m.positive = 0.5;
        m.negative = 0.0;
        m.dwell_min = m.dwell_max = 20;
        m.next = {Route{{kDone}, {1.0}}, Route{{kDone}, {1.0}}, Route{{kLost}, {1.0}}};
        s.moments.push_back(m);
    }
    s.moments[0].next[0] = Route{{1}, {1.0}};
    s.entry = Route{{0}, {1.0}};
    Simulation sim(s, 5);
    for (int t = 0; t < 30; ++t) sim.step();
    REQUIRE(sim.active() > 300000);
    const JourneyLayout layout = layout_journey(s, 0, 0, 800, 400, 28.0f);
    Crowd crowd;
    CrowdKey key;
    key.sim = &sim;
    key.version = 1;
    key.w = 800, key.h = 400, key.scale = 1;
    CHECK(build_crowd(crowd, sim, layout, key));
    CHECK(crowd.customers == static_cast<std::size_t>(sim.active()));
    CHECK(crowd.dots.size() <= kMaxDrawnCustomers);
    CHECK(crowd.dots.size() >= kMaxDrawnCustomers * 9 / 10);
    CHECK(crowd.ids.size() == crowd.dots.size());
    // The sample keeps each moment's share of the crowd (within a few percent).
    std::int64_t at_b = 0, sampled_b = 0;
    sim.for_each_customer([&](const Customer& c, int) { at_b += c.moment == 1; });
    const Node* na = find_node(layout, 0);
    const Node* nb = find_node(layout, 1);
    REQUIRE(na != nullptr);
    REQUIRE(nb != nullptr);
    auto d2 = [](const CrowdInstance& d, const Node* n) {
        return (d.x - n->x) * (d.x - n->x) + (d.y - n->y) * (d.y - n->y);
    };
    for (const CrowdInstance& d : crowd.dots) sampled_b += d2(d, nb) < d2(d, na);
    const double share = static_cast<double>(at_b) / static_cast<double>(sim.active());
    const double sampled = static_cast<double>(sampled_b) / static_cast<double>(crowd.dots.size());
    CHECK(sampled == doctest::Approx(share).epsilon(0.1));
    // Same key: nothing rebuilt; a new tick: rebuilt.
    const std::uint64_t v = crowd.version;
    CHECK_FALSE(build_crowd(crowd, sim, layout, key));
    CHECK(crowd.version == v);
    sim.step();
    key.version = 2;
    CHECK(build_crowd(crowd, sim, layout, key));
    CHECK(crowd.version == v + 1);
    // A small crowd is drawn whole.
    Scenario small = s;
    small.arrivals_per_tick = 10;
    Simulation few(small, 5);
    for (int t = 0; t < 5; ++t) few.step();
    Crowd all;
    key.sim = &few;
    build_crowd(all, few, layout, key);
    CHECK(all.dots.size() == static_cast<std::size_t>(few.active()));
}

TEST_CASE("app: the Large populations run goes on in slices across frames") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kLong, "long.json"));
    app.pause();
    app.start_large_population_run();  // x1,000 arrivals by default
    CHECK(app.large_population_running());
    CHECK(app.large_population_summary().empty());
    int frames = 0;
    while (app.large_population_running() && frames < 100000) {
        app.update(1.0 / 60);
        ++frames;
    }
    CHECK_FALSE(app.large_population_running());
    CHECK(frames >= 1);
    CHECK(app.large_population_summary().find("5000 days") != std::string::npos);
    CHECK(app.large_population_summary().find("x1,000 arrivals") != std::string::npos);
}

TEST_CASE("app: a 1,000-moment, 64-segment journey loads and edits quickly, and says why it has no analysis") {
    std::string t = R"({"motsim": 1, "name": "Wide", "ticks": 50, "segments": [)";
    for (int g = 0; g < 64; ++g)
        t += (g ? "," : "") + std::string(R"({"name": "s)") + std::to_string(g) + R"(", "shift": 0.1})";
    t += R"(], "moments": [)";
    for (int i = 0; i < 1000; ++i) {
        const std::string next = i + 1 < 1000 ? "m" + std::to_string(i + 1) : "done";
        const std::string back = "m" + std::to_string(i > 0 ? i - 1 : 0);
        t += (i ? "," : "") + std::string(R"({"id": "m)") + std::to_string(i) + R"(", "positive": 0.5, "negative": 0.1,
             "next": {"positive": ")" +
             next + R"(", "neutral": {")" + back + R"(": 0.5, ")" + next + R"(": 0.5}}})";
    }
    t += "]}";
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(t, "wide.json"));
    CHECK_FALSE(app.analysis().ok);
    int told = 0;
    for (const Message& m : app.messages()) told += m.text.find("No exact analysis") != std::string::npos;
    CHECK(told == 1);
    // An edit of one moment reports exactly that parameter (and does not look at all 10,000).
    host.events.clear();
    REQUIRE(app.set_param("/moments/m5/positive", 0.55));
    REQUIRE(host.count("param") == 1);
    CHECK(nlohmann::json::parse(host.events.back().second)["path"] == "/moments/m5/positive");
    for (const Message& m : app.messages()) told += m.text.find("No exact analysis") != std::string::npos;
    CHECK(told == 2);  // the same reason is not said again (1 before + 1 counted again now)
}

// ==== Guidance (issue 11): the Info window, the start, the finished run, the glossary ==============

TEST_CASE("guidance: the Info window opens on the first visit only, and not in a page that configured the app") {
    FakeHost host;
    {
        App app(host);
        CHECK_FALSE(app.info_open());
        app.greet_first_visit();  // draw() does this on its first frame
        CHECK(app.info_open());
        CHECK(host.stored[kStoreSeenInfo] == "1");
        app.close_info();
        app.greet_first_visit();  // later frames change nothing
        CHECK_FALSE(app.info_open());
    }
    {
        App again(host);  // a reload: the same storage
        again.greet_first_visit();
        CHECK_FALSE(again.info_open());
        again.open_info();  // Help > Getting started, F1
        CHECK(again.info_open());
    }
    {
        FakeHost fresh;  // an embed: its host configures the app before (or soon after) the first frame
        App embed(fresh);
        REQUIRE(embed.configure(R"({"theme": "light"})"));
        embed.greet_first_visit();
        CHECK_FALSE(embed.info_open());
        CHECK(fresh.stored.count(kStoreSeenInfo) == 0);
    }
    {
        FakeHost fresh;  // a slow host: a frame greeted first, then the configuration closes it
        App embed(fresh);
        embed.greet_first_visit();
        REQUIRE(embed.info_open());
        REQUIRE(embed.configure(R"({"panels": {"menu": false}})"));
        CHECK_FALSE(embed.info_open());
        embed.open_info();  // a host page may still open it on purpose
        CHECK(embed.info_open());
    }
}

TEST_CASE("guidance: the guided tour walks through its steps and ends; each points at a widget") {
    FakeHost host;
    App app(host);
    app.greet_first_visit();
    REQUIRE(app.info_open());
    CHECK(app.tour_step() == -1);
    app.start_tour();  // from the Info window
    CHECK_FALSE(app.info_open());
    CHECK(app.tour_step() == 0);
    const int n = static_cast<int>(tour_steps().size());
    CHECK(n >= 4);
    for (int i = 1; i < n; ++i) {
        app.next_tour_step();
        CHECK(app.tour_step() == i);
    }
    app.next_tour_step();  // past the last: over
    CHECK(app.tour_step() == -1);
    app.start_tour();
    app.end_tour();  // Skip
    CHECK(app.tour_step() == -1);
    for (const TourStep& s : tour_steps()) CHECK(std::string(s.text).size() > 40);
}

TEST_CASE("guidance: the page starts paused at tick 0 and waits for Play") {
    FakeHost host;
    App app(host);
    CHECK_FALSE(app.playing());
    CHECK(app.tick() == 0);
    CHECK(app.waiting_for_play());
    for (int f = 0; f < 120; ++f) app.update(1.0 / 60);  // two seconds of frames
    CHECK(app.tick() == 0);
    CHECK(app.waiting_for_play());
    app.play();
    for (int f = 0; f < 30; ++f) app.update(1.0 / 60);
    CHECK(app.tick() > 0);
    CHECK_FALSE(app.waiting_for_play());
    app.pause();
    app.reset();  // back at tick 0, paused: the call to play again
    CHECK(app.waiting_for_play());
}

TEST_CASE("guidance: a finished run says so and offers Replay (same seed) and Run again (the next seed)") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    app.play();
    app.finish_now();
    app.update(0);
    REQUIRE(app.finished());
    CHECK(finished_line(app.scenario(), app.view()) == "Finished: day 30 of 30");
    const std::vector<std::string> outcome = outcome_lines(app.view());
    REQUIRE(outcome.size() == 3);
    CHECK(outcome[0].find(" purchases (") != std::string::npos);
    CHECK(outcome[0].find(" %)") != std::string::npos);
    CHECK(outcome[1].find("from ") == 0);
    CHECK(outcome[2].find("NPS ") == 0);
    CHECK(outcome[2] != "NPS -");  // people have finished by the end
    const std::string digest = app.simulation().digest();
    const auto seed = nlohmann::json::parse(app.state_json())["seed"].get<std::uint64_t>();

    app.replay();
    CHECK(app.tick() == 0);
    CHECK(app.playing());
    CHECK_FALSE(app.finished());
    CHECK(nlohmann::json::parse(app.state_json())["seed"].get<std::uint64_t>() == seed);
    app.finish_now();
    CHECK(app.simulation().digest() == digest);  // the same customers

    app.run_again();
    CHECK(app.tick() == 0);
    CHECK(app.playing());
    CHECK(nlohmann::json::parse(app.state_json())["seed"].get<std::uint64_t>() == seed + 1);
    app.finish_now();
    CHECK(app.simulation().digest() != digest);  // other customers, the same journey
}

TEST_CASE("guidance: NPS is shown as '-' until someone has left the journey") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(R"({"motsim": 1, "name": "Slow", "ticks": 30,
        "population": {"arrivals_per_tick": 20}, "nps": {"asked": "everyone"},
        "moments": [{"id": "wait", "positive": 0.5, "negative": 0.2, "dwell": 3}]})",
                          "slow.json"));
    CHECK(app.view().done + app.view().lost == 0);
    CHECK(std::isnan(nps_shown(app.view())));
    CHECK(signed_score(nps_shown(app.view())) == "-");
    CHECK(outcome_lines(app.view()).back() == "NPS -");
    app.step();
    app.step();  // customers arrive but nobody has finished the three-tick wait
    CHECK(app.view().arrivals > 0);
    CHECK(std::isnan(nps_shown(app.view())));
    for (int t = 0; t < 3; ++t) app.step();
    REQUIRE(app.view().done + app.view().lost > 0);
    CHECK(nps_shown(app.view()) == app.view().nps);
    CHECK(signed_score(nps_shown(app.view())) != "-");
}

TEST_CASE("glossary: every term the windows ask for is in the table, in a sentence or two") {
    // The terms the windows name: glossary_tip("..."), glossary_marker("..."), glossary_text("...")
    // and the Run window's outcome rows, read from the sources themselves.
    const std::regex call(R"re((?:glossary_tip|glossary_marker|glossary_text)\("([^"]+)")re");
    const std::regex row(R"re(outcome_row\("[^"]*", "([^"]+)")re");
    const std::regex metric(R"re(return "([^"]+)";)re");  // lesson_window.cpp: metric -> term
    std::set<std::string> used;
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(MOTSIM_SOURCE_DIR) + "/src/app")) {
        if (entry.path().extension() != ".cpp") continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        const std::string src = text.str();
        ++files;
        for (const std::regex* re : {&call, &row})
            for (auto it = std::sregex_iterator(src.begin(), src.end(), *re); it != std::sregex_iterator(); ++it)
                used.insert((*it)[1].str());
        if (entry.path().filename() == "lesson_window.cpp")
            for (auto it = std::sregex_iterator(src.begin(), src.end(), metric); it != std::sregex_iterator(); ++it)
                used.insert((*it)[1].str());
    }
    CHECK(files > 10);
    CHECK(used.size() > 30);  // the scan found the windows' terms
    for (const std::string& term : used) {
        INFO("term used by a window: " << term);
        CHECK(glossary_text(term) != nullptr);
    }
    // The words of the model a trainer meets, from docs/model.md.
    for (const char* term : {"impression", "beta", "gamma", "shift", "advocate", "referral", "cohort", "expected values",
                             "magic", "dwell", "review prior", "half-life", "NPS", "rating", "p+", "p-", "odds", "phase",
                             "segment", "entry", "done", "lost", "stimulus", "ZMOT", "FMOT", "AMOT", "SMOT", "UMOT"}) {
        INFO("model term: " << term);
        CHECK(glossary_text(term) != nullptr);
    }
    CHECK(glossary_text("zmot") == glossary_text("ZMOT"));  // phases are written in lower case in scenarios
    CHECK(glossary_text("no such word") == nullptr);
    std::set<std::string> seen;
    for (const GlossaryEntry& e : glossary()) {
        INFO("entry: " << e.term);
        CHECK(seen.insert(e.term).second);  // each term once
        const std::string text = e.text;
        CHECK(text.size() > 20);
        CHECK(text.size() < 320);  // one or two sentences
        CHECK(text.back() == '.');
    }
}

TEST_CASE("guidance: every shipped scenario has its own things to try; another journey gets the general list") {
    int shipped = 0;
    for (const auto& f : scenarios::kFiles) {
        const io::LoadResult r = io::load_scenario(f.text);
        REQUIRE(r.ok());
        INFO("scenario: " << f.name << " (" << r.scenario->name << ")");
        CHECK(has_own_things_to_try(r.scenario->name));
        CHECK(things_to_try(r.scenario->name).size() >= 3);
        ++shipped;
    }
    CHECK(shipped == 7);  // v2: launch.json (Keen razors)
    CHECK_FALSE(has_own_things_to_try("My own journey"));
    CHECK(things_to_try("My own journey").size() >= 3);
}
