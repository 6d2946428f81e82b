// The lesson editor's commands without a window (src/app/lesson_editor.h, authoring.cpp): a
// lesson built step by step, parameters locked by path, a save and load round trip, a bad lesson
// file that keeps the lesson there was, the learner preview and what it gives back, a configured
// lesson's own locks and panels, and the package files of the draft.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "app/app.h"
#include "fake_host.h"
#include "io/lesson_io.h"

using namespace motsim;
using namespace motsim::app;

namespace {

// A host that keeps what the app saves (FakeHost drops the text), a browser or a desktop.
struct SavingHost final : Host {
    explicit SavingHost(bool browser) : browser(browser) {}
    bool browser;
    std::map<std::string, std::string> saved, stored;
    std::vector<std::pair<std::string, std::string>> events;
    void open_file(const std::string&) override {}
    std::string save_file(const std::string& name, const std::string&, const std::string& text) override {
        saved[name] = text;
        return name;
    }
    void request_screenshot(const std::string&) override {}
    void store(const std::string& k, const std::string& v) override { stored[k] = v; }
    std::string load(const std::string& k) override { return stored.count(k) ? stored[k] : ""; }
    bool is_browser() const override { return browser; }
    void emit(const std::string& name, const std::string& json) override { events.emplace_back(name, json); }
    std::string last(const std::string& name) const {
        for (auto it = events.rbegin(); it != events.rend(); ++it)
            if (it->first == name) return it->second;
        return "";
    }
};

const char* kDesk = R"({"motsim": 1, "name": "Desk", "ticks": 30, "seed": 4,
  "population": {"arrivals_per_tick": 40},
  "moments": [{"id": "desk", "positive": 0.5, "negative": 0.2, "purchase": true},
              {"id": "stay", "positive": 0.7, "negative": 0.1}]})";

std::string last_message(const App& app) { return app.messages().empty() ? "" : app.messages().back().text; }

bool has_problem_at(const std::vector<io::Problem>& problems, const std::string& pointer) {
    for (const io::Problem& p : problems)
        if (p.pointer == pointer) return true;
    return false;
}

// A lesson built with the editor's commands on the Desk journey.
void build_desk_lesson(App& app) {
    app.open_lesson_editor();
    LessonDraft& d = app.lesson_draft();
    d.lesson.title = "Fix the desk";
    d.lesson.introduction = "You run a hotel desk.";
    d.lesson.steps[0].text = "Lose fewer guests";
    d.lesson.steps[0].goals[0] = LessonGoal{"lost_share", false, 0.2};
    d.lesson.steps[0].max_changed_moments = 1;
    const int second = d.add_step();
    REQUIRE(second == 1);
    d.lesson.steps[1].text = "Sell more";
    REQUIRE(d.add_goal(1, "purchases", true, 100) == 1);
    REQUIRE(app.set_draft_locked("/moments/stay/*", true));
    REQUIRE(app.set_draft_locked("/population/arrivals_per_tick", true));
    d.lesson.panels = LessonPanels{};
    d.lesson.panels->charts = false;
    REQUIRE(d.add_mirror("/moments/desk/positive"));
}

}  // namespace

TEST_CASE("lesson editor: a lesson is built with the editor's commands, within the format's limits") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    CHECK(app.lesson_draft_json() == "null");  // nothing until the editor opens
    app.open_lesson_editor();
    CHECK(app.lesson_editor_open());
    // A new lesson starts with one step and one goal, titled after the journey.
    LessonDraft& d = app.lesson_draft();
    REQUIRE(d.lesson.steps.size() == 1);
    CHECK(d.lesson.title == "Desk");
    CHECK(d.lesson.steps[0].goals.size() == 1);
    CHECK_FALSE(d.remove_step(0));  // a lesson keeps at least one step

    build_desk_lesson(app);
    // Steps move and go; goals go.
    CHECK(d.move_step(1, -1));
    CHECK(d.lesson.steps[0].text == "Sell more");
    CHECK_FALSE(d.move_step(0, -1));
    CHECK(d.move_step(0, 1));
    CHECK(d.lesson.steps[1].text == "Sell more");
    CHECK(d.remove_goal(1, 0));  // the step's starter conversion goal
    REQUIRE(d.lesson.steps[1].goals.size() == 1);
    CHECK(d.lesson.steps[1].goals[0].metric == "purchases");
    const int extra = d.add_step(0);  // after step 1
    CHECK(extra == 1);
    CHECK(d.lesson.steps.size() == 3);
    CHECK(d.remove_step(extra));
    // Limits: 20 goals a step, 12 mirror sliders, each once.
    for (int k = 0; k < 30; ++k) d.add_goal(1);
    CHECK(d.lesson.steps[1].goals.size() == io::kLessonGoalsMax);
    CHECK(d.add_goal(1) == -1);
    while (d.lesson.steps[1].goals.size() > 1) d.remove_goal(1, 1);
    CHECK_FALSE(d.add_mirror("/moments/desk/positive"));  // already there
    for (int k = 0; k < 20; ++k) d.add_mirror("/moments/desk/impact/" + std::to_string(k));
    CHECK(d.lesson.mirror.size() == io::kLessonMirrorMax);
    while (d.lesson.mirror.size() > 1) d.remove_mirror(d.lesson.mirror.back());

    // The draft's JSON is a lesson file that reads back to the same lesson.
    Lesson back;
    std::vector<io::Problem> problems;
    REQUIRE(io::load_lesson(app.lesson_draft_json(), back, problems));
    CHECK(back.title == "Fix the desk");
    CHECK(back.introduction == "You run a hotel desk.");
    REQUIRE(back.steps.size() == 2);
    CHECK(back.steps[0].goals[0].metric == "lost_share");
    CHECK_FALSE(back.steps[0].goals[0].at_least);
    CHECK(back.steps[0].max_changed_moments == 1);
    CHECK(back.steps[1].goals[0].value == 100);
    CHECK(back.locked == std::vector<std::string>{"/moments/stay/*", "/population/arrivals_per_tick"});
    REQUIRE(back.panels.has_value());
    CHECK_FALSE(back.panels->charts);
    CHECK(back.panels->story);
    CHECK(back.mirror == std::vector<std::string>{"/moments/desk/positive"});
    CHECK(app.lesson_draft_problems().empty());
    // The page's state carries the draft.
    const auto state = nlohmann::json::parse(app.state_json());
    CHECK(state["lesson_editor"]["open"] == true);
    CHECK(state["lesson_editor"]["draft"]["title"] == "Fix the desk");
}

TEST_CASE("lesson editor: lock mode locks and unlocks paths; the draft's problems carry JSON pointers") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    app.set_lock_mode(true);
    CHECK_FALSE(app.lock_mode());  // only while the editor is open
    app.open_lesson_editor();
    CHECK(app.lock_mode());
    CHECK(app.set_draft_locked("/moments/desk/positive", true));
    CHECK_FALSE(app.set_draft_locked("/moments/desk/positive", true));  // already locked
    CHECK(app.lesson_draft_lesson().locked == std::vector<std::string>{"/moments/desk/positive"});
    CHECK(app.set_draft_locked("/moments/desk/positive", false));
    CHECK(app.lesson_draft_lesson().locked.empty());
    CHECK_FALSE(app.set_draft_locked("not a path", true));
    // The trainer's own sliders stay free while choosing locks: the draft is not the page's lesson.
    CHECK(app.set_draft_locked("/moments/desk/positive", true));
    CHECK_FALSE(app.locked("/moments/desk/positive"));
    CHECK(app.set_param("/moments/desk/positive", 0.6, true));

    // What only the scenario can tell, with pointers: a path it does not have, a share goal over
    // 100 %, money on a journey without money.
    CHECK(app.set_draft_locked("/moments/nowhere/positive", true));
    LessonDraft& d = app.lesson_draft();
    d.lesson.steps[0].goals[0] = LessonGoal{"conversion", true, 1.5};
    d.add_goal(0, "profit", true, 1000);
    const std::vector<io::Problem> problems = app.lesson_draft_problems();
    CHECK(has_problem_at(problems, "/locked/1"));
    CHECK(problems.size() >= 3);
    bool goal_range = false, money = false;
    for (const io::Problem& p : problems) {
        goal_range |= p.pointer.rfind("/steps/0/goals/0", 0) == 0;
        money |= p.pointer.rfind("/steps/0/goals/1", 0) == 0;
    }
    CHECK(goal_range);
    CHECK(money);
    // Fixed, the problems go (the cache follows the draft).
    d.lesson.steps[0].goals[0].value = 0.6;
    d.remove_goal(0, 1);
    app.set_draft_locked("/moments/nowhere/positive", false);
    CHECK(app.lesson_draft_problems().empty());
    // ... and come back with the scenario: a journey without the locked moment.
    app.set_draft_locked("/moments/stay/negative", true);
    CHECK(app.lesson_draft_problems().empty());
    REQUIRE(app.load_text(R"({"motsim": 1, "name": "Solo", "ticks": 30,
        "moments": [{"id": "desk", "positive": 0.5, "negative": 0.2, "purchase": true}]})",
                          "solo.json"));
    CHECK(has_problem_at(app.lesson_draft_problems(), "/locked/1"));
}

TEST_CASE("lesson editor: save and load round trip; a loaded lesson runs with its locks and panels") {
    SavingHost host(true);
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    build_desk_lesson(app);
    REQUIRE(app.save_lesson());
    REQUIRE(host.saved.count("lesson.json"));
    const std::string text = host.saved["lesson.json"];
    CHECK(text == app.lesson_draft_json());

    // Into the editor of another app (open): the draft, and nothing runs yet.
    SavingHost host2(true);
    App editor(host2);
    REQUIRE(editor.load_text(kDesk, "desk.json"));
    editor.open_lesson_editor();
    REQUIRE(editor.load_text(text, "lesson.json"));  // the Open path: "steps" and no "moments"
    CHECK(editor.lesson_draft_json() == text);
    CHECK_FALSE(editor.ui().lesson.has_value());
    CHECK(editor.scenario().name == "Desk");  // the scenario stays

    // Into an app with the editor closed: the lesson runs as if configured.
    SavingHost host3(true);
    App learner(host3);
    REQUIRE(learner.load_text(kDesk, "desk.json"));
    REQUIRE(learner.load_text(text, "lesson.json"));
    REQUIRE(learner.ui().lesson.has_value());
    CHECK(learner.ui().lesson->title == "Fix the desk");
    CHECK(learner.locked("/moments/stay/positive"));  // "/moments/stay/*"
    CHECK(learner.locked("/population/arrivals_per_tick"));
    CHECK_FALSE(learner.locked("/moments/desk/positive"));
    CHECK_FALSE(learner.ui().charts);
    CHECK(learner.ui().story);
    CHECK_FALSE(learner.set_param("/moments/stay/positive", 0.9, true));  // the learner's own slider
    CHECK(learner.lesson_step() == 0);
    CHECK(learner.lesson_draft_json() == text);  // the draft too, for Lesson > Edit lesson...
    const auto lj = nlohmann::json::parse(learner.lesson_json());
    CHECK(lj["introduction"] == "You run a hotel desk.");
}

TEST_CASE("lesson editor: a bad lesson file keeps the lesson there was and says where the problem is") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    build_desk_lesson(app);
    const std::string before = app.lesson_draft_json();
    const std::string bad =
        R"({"title": "Bad", "steps": [{"text": "t", "goals": [{"metric": "speed", "at_least": 1}]}]})";
    CHECK_FALSE(app.load_text(bad, "bad.json"));
    CHECK(app.lesson_draft_json() == before);
    CHECK(app.scenario().name == "Desk");
    REQUIRE_FALSE(app.messages().empty());
    CHECK(app.messages().back().error);
    CHECK(last_message(app).find("/steps/0/goals/0/metric") != std::string::npos);
    CHECK(last_message(app).find("the current lesson stays") != std::string::npos);
    CHECK(host.count("error") >= 1);

    // With the editor closed, the page's lesson stays as it was too.
    FakeHost host2;
    App learner(host2);
    REQUIRE(learner.configure(R"({"lesson": {"title": "Kept", "steps": [{"text": "t", "goals": []}]}})"));
    CHECK_FALSE(learner.load_text(R"({"steps": []})", "empty.json"));
    CHECK(last_message(learner).find("/steps") != std::string::npos);
    REQUIRE(learner.ui().lesson.has_value());
    CHECK(learner.ui().lesson->title == "Kept");
    // Not JSON with steps at all: still the scenario loader's answer, and the scenario stays.
    CHECK_FALSE(learner.load_text("{\"steps\": [", "broken.json"));
    CHECK(learner.ui().lesson->title == "Kept");
}

TEST_CASE("lesson editor: the learner preview applies the draft and gives the trainer's work back") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    REQUIRE(app.set_param("/moments/desk/positive", 0.55));  // the trainer's edit: one undo step
    app.set_seed(9);
    build_desk_lesson(app);
    const std::string trainer_scenario = app.scenario_json();
    REQUIRE(app.can_undo());
    CHECK(app.ui().charts);
    for (int k = 0; k < 5; ++k) app.step();

    REQUIRE(app.start_preview());
    CHECK(app.previewing());
    CHECK_FALSE(app.lock_mode());
    REQUIRE(app.ui().lesson.has_value());
    CHECK(app.ui().lesson->title == "Fix the desk");
    CHECK(app.ui().locked == app.lesson_draft_lesson().locked);
    CHECK_FALSE(app.ui().charts);  // the draft's panels
    CHECK(app.ui().menu);
    CHECK(app.tick() == 0);  // a fresh run, as a learner's page starts
    CHECK_FALSE(app.can_undo());
    CHECK_FALSE(app.edited());
    CHECK(app.lesson_step() == 0);
    // The learner works: a locked slider refused, a free one taken, a step checked.
    CHECK_FALSE(app.set_param("/moments/stay/negative", 0.0, true));
    CHECK(app.set_param("/moments/desk/negative", 0.0, true));
    CHECK(app.edited());
    app.check_lesson_now();
    // The package made meanwhile is of the trainer's scenario, not the learner's.
    const auto pkg = nlohmann::json::parse(app.package_files_json("scorm12"));
    REQUIRE(pkg["ok"] == true);
    const auto sc = nlohmann::json::parse(pkg["files"]["scenario.json"].get<std::string>());
    const auto trainer = nlohmann::json::parse(trainer_scenario);
    CHECK(sc["moments"] == trainer["moments"]);

    app.end_preview();
    CHECK_FALSE(app.previewing());
    CHECK(app.scenario_json() == trainer_scenario);
    CHECK_FALSE(app.ui().lesson.has_value());
    CHECK(app.ui().locked.empty());
    CHECK(app.ui().charts);
    CHECK(app.can_undo());  // the trainer's history is back
    REQUIRE(app.undo());
    CHECK(app.scenario().moments[0].positive == doctest::Approx(0.5));
    CHECK(app.lesson_editor_open());
    CHECK(app.lock_mode() == false);
    // Twice is harmless, and closing the editor ends a preview too.
    app.end_preview();
    REQUIRE(app.start_preview());
    app.close_lesson_editor();
    CHECK_FALSE(app.previewing());
    CHECK_FALSE(app.ui().lesson.has_value());
}

TEST_CASE("lesson editor: a configured lesson's locks and panels apply as if configured") {
    FakeHost host;
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    REQUIRE(app.configure(R"({"lesson": {"title": "T", "steps": [{"text": "t", "goals": []}],
        "locked": ["/moments/desk/*"], "panels": {"menu": true, "controls": false, "editor": true,
        "charts": true, "story": false}}})"));
    CHECK(app.locked("/moments/desk/positive"));
    CHECK_FALSE(app.ui().controls);
    CHECK_FALSE(app.ui().story);
    CHECK(app.ui().charts);
    // The configuration's own keys win over the lesson's.
    REQUIRE(app.configure(R"({"lesson": {"title": "T", "steps": [{"text": "t", "goals": []}],
        "locked": ["/moments/desk/*"], "panels": {"story": false}},
        "locked": ["/moments/stay/positive"], "panels": {"story": true}})"));
    CHECK_FALSE(app.locked("/moments/desk/positive"));
    CHECK(app.locked("/moments/stay/positive"));
    CHECK(app.ui().story);
    // A bad lesson in a configuration: its pointer under /lesson, nothing applied.
    CHECK_FALSE(app.configure(R"({"lesson": {"title": "T", "steps": [{"text": "t", "goals": []}],
        "locked": [7]}})"));
    CHECK(last_message(app).find("/lesson/locked/0") != std::string::npos);
    CHECK(app.locked("/moments/stay/positive"));
}

TEST_CASE("lesson editor: package files of the draft, in the browser and natively") {
    SavingHost web(true);
    App app(web);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    // No lesson at all: a clear refusal.
    auto none = nlohmann::json::parse(app.package_files_json("scorm12"));
    CHECK(none["ok"] == false);
    CHECK(none["error"].get<std::string>().find("no lesson") != std::string::npos);
    build_desk_lesson(app);
    for (const char* f : {"scorm12", "scorm2004", "cmi5"}) {
        INFO(f);
        const auto j = nlohmann::json::parse(app.package_files_json(f));
        REQUIRE(j["ok"] == true);
        CHECK(j["files"].contains("lesson.json"));
        CHECK(j["files"].contains("scenario.json"));
        CHECK(j["files"].contains(std::string(f) == "cmi5" ? "cmi5.xml" : "imsmanifest.xml"));
        Lesson back;
        std::vector<io::Problem> problems;
        CHECK(io::load_lesson(j["files"]["lesson.json"].get<std::string>(), back, problems));
        CHECK(back.title == "Fix the desk");
    }
    CHECK(nlohmann::json::parse(app.package_files_json("zip"))["ok"] == false);
    // The browser's download: the page hears "package" and zips the files.
    REQUIRE(app.download_package("cmi5"));
    CHECK(nlohmann::json::parse(web.last("package"))["format"] == "cmi5");
    // A lesson that does not fit the journey is refused with its pointer, and no event goes out.
    app.lesson_draft().add_goal(0, "profit", true, 5);
    const std::size_t events = web.events.size();
    CHECK_FALSE(app.download_package("scorm12"));
    CHECK(last_message(app).find("/steps/0/goals/1") != std::string::npos);
    bool package_event = false;
    for (std::size_t k = events; k < web.events.size(); ++k) package_event |= web.events[k].first == "package";
    CHECK_FALSE(package_event);

    // Natively: the lesson and its scenario saved, and the command line that packages them.
    SavingHost desktop(false);
    App native(desktop);
    REQUIRE(native.load_text(kDesk, "desk.json"));
    build_desk_lesson(native);
    REQUIRE(native.download_package("scorm2004"));
    CHECK(desktop.saved.count("lesson.json"));
    CHECK(desktop.saved.count("scenario.json"));
    CHECK(last_message(native).find("motsim package lesson.json --scenario scenario.json --format scorm2004") !=
          std::string::npos);
}
