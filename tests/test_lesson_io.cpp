// Lesson JSON v2 (src/io/lesson_io) and LMS package files (src/io/package): what a trainer's file
// may hold, the pointer of every mistake, checks against the scenario, and the generated files of
// each package format.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "engine/lesson.h"
#include "engine/simulation.h"
#include "io/lesson_io.h"
#include "io/loader.h"
#include "io/package.h"
#include "scenario_builders.h"

using namespace motsim;

namespace {

std::string read(const std::string& rel) {
    std::ifstream in(std::string(MOTSIM_SOURCE_DIR) + "/" + rel, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Scenario shipped(const std::string& name) {
    io::LoadResult r = io::load_scenario(read("assets/scenarios/" + name + ".json"));
    REQUIRE(r.scenario.has_value());
    return *r.scenario;
}

// The problems of a lesson text, as "pointer: message" lines.
std::vector<io::Problem> lesson_problems(const std::string& text) {
    Lesson l;
    std::vector<io::Problem> p;
    CHECK_FALSE(io::load_lesson(text, l, p));
    return p;
}

bool has_pointer(const std::vector<io::Problem>& ps, const std::string& pointer) {
    return std::any_of(ps.begin(), ps.end(), [&](const io::Problem& p) { return p.pointer == pointer; });
}

std::string one_step(const std::string& goal) {
    return R"({"title": "t", "steps": [{"text": "x", "goals": [)" + goal + "]}]}";
}

}  // namespace

TEST_CASE("lesson io: the shipped example lesson reads, and a full v2 lesson survives a write and a read") {
    Lesson ex;
    std::vector<io::Problem> problems;
    REQUIRE(io::load_lesson(read("web/examples/lesson.json"), ex, problems));
    CHECK(ex.title == "Win the booking");
    REQUIRE(ex.steps.size() == 2);
    CHECK(ex.steps[0].goals[0].metric == "conversion");
    CHECK(ex.steps[0].goals[0].at_least);
    CHECK(ex.steps[0].goals[0].value == doctest::Approx(0.62));
    CHECK(ex.steps[1].max_changed_moments == 2);
    CHECK_FALSE(ex.panels.has_value());

    Lesson l;
    l.title = "Keep \"them\" coming back <now>";
    l.introduction = "Line one\nline two: é";
    l.steps.push_back({"Raise profit", {{"profit", true, 1500.5}, {"nps", false, 20}}, 1});
    l.steps.push_back({"No limit", {}, -1});
    l.locked = {"/moments/shop/*", "/population/arrivals_per_tick"};
    l.panels = LessonPanels{false, true, true, false, true};
    l.mirror = {"/moments/research/positive"};
    const std::string text = io::lesson_to_json(l);
    Lesson back;
    problems.clear();
    REQUIRE(io::load_lesson(text, back, problems));
    CHECK(back.title == l.title);
    CHECK(back.introduction == l.introduction);
    REQUIRE(back.steps.size() == 2);
    CHECK(back.steps[0].goals.size() == 2);
    CHECK(back.steps[0].goals[0].value == 1500.5);
    CHECK_FALSE(back.steps[0].goals[1].at_least);
    CHECK(back.steps[0].max_changed_moments == 1);
    CHECK(back.steps[1].max_changed_moments == -1);
    CHECK(back.locked == l.locked);
    REQUIRE(back.panels.has_value());
    CHECK(*back.panels == *l.panels);
    CHECK(back.mirror == l.mirror);
    CHECK(io::lesson_to_json(back) == text);  // the writer is stable
}

TEST_CASE("lesson io: every mistake is reported at its field's pointer, and nothing is read") {
    CHECK(
        has_pointer(lesson_problems(one_step(R"({"metric": "happiness", "at_least": 1})")), "/steps/0/goals/0/metric"));
    // 62 meant as 62%: a share goal must be 0..1
    const auto pct = lesson_problems(one_step(R"({"metric": "conversion", "at_least": 62})"));
    REQUIRE(has_pointer(pct, "/steps/0/goals/0/at_least"));
    CHECK(pct[0].message.find("0.62 is 62%") != std::string::npos);
    CHECK(has_pointer(lesson_problems(one_step(R"({"metric": "nps", "at_most": 101})")), "/steps/0/goals/0/at_most"));
    CHECK(has_pointer(lesson_problems(one_step(R"({"metric": "purchases", "at_least": -1})")),
                      "/steps/0/goals/0/at_least"));
    CHECK(has_pointer(lesson_problems(one_step(R"({"metric": "nps", "at_least": 1, "at_most": 5})")),
                      "/steps/0/goals/0"));
    CHECK(has_pointer(lesson_problems(one_step(R"({"metric": "nps"})")), "/steps/0/goals/0"));
    CHECK(has_pointer(lesson_problems(one_step(R"({"metric": "nps", "at_least": "high"})")),
                      "/steps/0/goals/0/at_least"));
    CHECK(has_pointer(lesson_problems(one_step(R"({"metric": "nps", "at_least": 1, "weight": 2})")),
                      "/steps/0/goals/0/weight"));
    CHECK(has_pointer(lesson_problems(R"({"title": "t", "steps": []})"), "/steps"));
    CHECK(has_pointer(lesson_problems(R"({"title": "t"})"), "/steps"));
    CHECK(has_pointer(lesson_problems(R"({"title": 3, "steps": [{"text": "x", "goals": []}]})"), "/title"));
    CHECK(has_pointer(lesson_problems(R"({"stepz": 1, "steps": [{"text": "x", "goals": []}]})"), "/stepz"));
    CHECK(has_pointer(lesson_problems(R"({"steps": [{"goals": []}]})"), "/steps/0/text"));
    CHECK(has_pointer(lesson_problems(R"({"steps": [{"text": "x", "goals": [], "max_changed_moments": 1.5}]})"),
                      "/steps/0/max_changed_moments"));
    CHECK(has_pointer(lesson_problems(R"({"steps": [{"text": "x", "goals": []}], "locked": ["moments/a"]})"),
                      "/locked/0"));
    CHECK(has_pointer(lesson_problems(R"({"steps": [{"text": "x", "goals": []}], "panels": {"map": true}})"),
                      "/panels/map"));
    CHECK(has_pointer(lesson_problems(R"({"steps": [{"text": "x", "goals": []}], "panels": {"story": 1}})"),
                      "/panels/story"));
    std::string thirteen = "[";
    for (int i = 0; i < 13; ++i) thirteen += std::string(i ? "," : "") + "\"/ticks\"";
    CHECK(has_pointer(lesson_problems(R"({"steps": [{"text": "x", "goals": []}], "mirror": )" + thirteen + "]}"),
                      "/mirror"));
    CHECK(has_pointer(
        lesson_problems(R"({"title": ")" + std::string(201, 'a') + R"(", "steps": [{"text": "x", "goals": []}]})"),
        "/title"));
    // syntax: line and column of the mistake
    const auto syntax = lesson_problems("{\n  \"title\": \"t\",\n  \"steps\": [}\n");
    REQUIRE(syntax.size() == 1);
    CHECK(syntax[0].line == 3);
    CHECK(syntax[0].column > 1);
    // a nesting bomb is refused before parsing, not by the stack
    CHECK(lesson_problems(std::string(100000, '[')).size() == 1);
    CHECK(lesson_problems("[1, 2]").size() == 1);
    CHECK(lesson_problems(std::string((1u << 20) + 1, ' ')).size() == 1);
}

TEST_CASE("lesson io: checked against its scenario (paths that exist, metrics the scenario has)") {
    const Scenario hotel = shipped("hotel"), launch = shipped("launch");
    Lesson l;
    l.steps.push_back({"x", {{"conversion", true, 0.6}}, 2});
    l.locked = {"/moments/check_in/*", "/moments/nowhere/positive", "/moments/nowhere/*", "/influence/*"};
    l.mirror = {"/moments/research/positive", "/moments/research/colour"};
    std::vector<io::Problem> p;
    CHECK_FALSE(io::check_lesson_for(l, hotel, p));
    CHECK_FALSE(has_pointer(p, "/locked/0"));
    CHECK(has_pointer(p, "/locked/1"));
    CHECK(has_pointer(p, "/locked/2"));
    CHECK_FALSE(has_pointer(p, "/locked/3"));
    CHECK_FALSE(has_pointer(p, "/mirror/0"));
    CHECK(has_pointer(p, "/mirror/1"));
    CHECK(p.size() == 3);

    Lesson money;
    money.steps.push_back({"x", {{"profit", true, 100}, {"returns", true, 10}, {"revenue", true, 1}}, -1});
    p.clear();
    CHECK_FALSE(io::check_lesson_for(money, hotel, p, "/lesson"));
    CHECK(has_pointer(p, "/lesson/steps/0/goals/0/metric"));
    CHECK(has_pointer(p, "/lesson/steps/0/goals/1/metric"));
    CHECK(has_pointer(p, "/lesson/steps/0/goals/2/metric"));
    p.clear();
    CHECK(io::check_lesson_for(money, launch, p));  // launch has money and loyalty
    CHECK(p.empty());

    Lesson too_many;
    too_many.steps.push_back({"x", {}, 12});  // hotel has 11 moments
    p.clear();
    CHECK_FALSE(io::check_lesson_for(too_many, hotel, p));
    CHECK(has_pointer(p, "/steps/0/max_changed_moments"));
}

TEST_CASE("lesson metrics: profit, revenue and returns of a run, worked out from its counts") {
    using namespace motsim::test;
    // ad (p+ .5, p- .5) -> shop (purchase) -> done; revenue 10, a visit of the ad costs 1, of the shop 2
    Scenario s = journey({M("ad", 0.5, 0.5), M("shop", 0.8, 0.2).purchase()});
    s.money.enabled = true;
    s.money.revenue = 10.0;
    s.moments[0].cost.visit = 1.0;
    s.moments[1].cost.visit = 2.0;
    s.ticks = 30;
    Simulation sim(s, 7);
    sim.run_to_end();
    const double purchases = static_cast<double>(sim.totals().purchases);
    const double visits_ad = static_cast<double>(sim.moments()[0].entered);
    const double visits_shop = static_cast<double>(sim.moments()[1].entered);
    REQUIRE(purchases > 0);
    double profit = 0, revenue = 0, returns = -1;
    REQUIRE(lesson_metric(sim, "profit", profit));
    REQUIRE(lesson_metric(sim, "revenue", revenue));
    REQUIRE(lesson_metric(sim, "returns", returns));
    CHECK(revenue == doctest::Approx(10.0 * purchases));
    CHECK(profit == doctest::Approx(10.0 * purchases - visits_ad - 2.0 * visits_shop));
    CHECK(returns == 0.0);  // no loyalty block: nobody comes back
    CHECK(std::find(lesson_metric_names().begin(), lesson_metric_names().end(), "profit") !=
          lesson_metric_names().end());
    REQUIRE(io::lesson_metrics().size() == lesson_metric_names().size());
    for (std::size_t i = 0; i < lesson_metric_names().size(); ++i)
        CHECK(lesson_metric_names()[i] == io::lesson_metrics()[i].name);
}

TEST_CASE("package files: each format's generated files, the same every time, errors with pointers") {
    const Scenario hotel = shipped("hotel");
    Lesson l;
    std::vector<io::Problem> p;
    REQUIRE(io::load_lesson(read("web/examples/lesson.json"), l, p));
    l.title = "Win <the> \"booking\" & more";

    auto names = [](const std::vector<std::pair<std::string, std::string>>& f) {
        std::vector<std::string> n;
        for (const auto& e : f) n.push_back(e.first);
        return n;
    };
    std::vector<std::pair<std::string, std::string>> a, b, c;
    REQUIRE(io::package_generated_files(l, hotel, "scorm12", a, p));
    REQUIRE(io::package_generated_files(l, hotel, "scorm12", b, p));
    CHECK(a == b);
    CHECK(names(a) == std::vector<std::string>{"lesson.json", "scenario.json", "package.json", "package-data.js",
                                               "imsmanifest.xml"});
    // package-data.js: the three files again, as one ASCII script
    const std::string& data = a[3].second;
    CHECK(data.find("window.MOTSIM_PACKAGE_FILES = {\"lesson.json\":") != std::string::npos);
    CHECK(std::all_of(data.begin(), data.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; }));
    {
        const auto at = data.find('{');
        const nlohmann::json j = nlohmann::json::parse(data.substr(at, data.rfind(';') - at));
        CHECK(j["lesson.json"] == a[0].second);
        CHECK(j["scenario.json"] == a[1].second);
        CHECK(j["package.json"] == a[2].second);
    }
    const std::string& m12 = a[4].second;
    CHECK(m12.find("<schemaversion>1.2</schemaversion>") != std::string::npos);
    CHECK(m12.find("adlcp:scormtype=\"sco\" href=\"index.html\"") != std::string::npos);
    CHECK(m12.find("Win &lt;the&gt; &quot;booking&quot; &amp; more") != std::string::npos);
    for (const io::CopiedFile& f : io::package_copied_files(io::PackageFormat::Scorm12))
        CHECK(m12.find("<file href=\"" + f.to + "\"/>") != std::string::npos);
    CHECK(m12.find("<file href=\"lesson.json\"/>") != std::string::npos);
    // the lesson and scenario in the package read back as the same lesson and scenario
    Lesson back;
    REQUIRE(io::load_lesson(a[0].second, back, p));
    CHECK(io::lesson_to_json(back) == io::lesson_to_json(l));
    io::LoadResult sc = io::load_scenario(a[1].second);
    REQUIRE(sc.scenario.has_value());
    CHECK(io::scenario_to_json(*sc.scenario) == io::scenario_to_json(hotel));

    REQUIRE(io::package_generated_files(l, hotel, "scorm2004", b, p));
    CHECK(b[4].first == "imsmanifest.xml");
    CHECK(b[4].second.find("<schemaversion>2004 4th Edition</schemaversion>") != std::string::npos);
    CHECK(b[4].second.find("adlcp:scormType=\"sco\"") != std::string::npos);
    REQUIRE(io::package_generated_files(l, hotel, "cmi5", c, p));
    CHECK(c[4].first == "cmi5.xml");
    CHECK(c[4].second.find("<url>index.html</url>") != std::string::npos);
    CHECK(c[4].second.find("moveOn=\"CompletedAndPassed\"") != std::string::npos);
    CHECK(io::package_copied_files(io::PackageFormat::Cmi5).size() >
          io::package_copied_files(io::PackageFormat::Scorm12).size());
    // same lesson, same identifier; another lesson, another
    const auto id = [](const std::vector<std::pair<std::string, std::string>>& f) {
        const std::string& pj = f[2].second;
        const auto at = pj.find("\"identifier\": \"");
        return pj.substr(at + 15, pj.find('"', at + 15) - at - 15);
    };
    CHECK(id(a) == id(b));
    CHECK(id(a).rfind("motsim-win-the-booking-", 0) == 0);
    Lesson other = l;
    other.steps[0].goals[0].value = 0.63;
    REQUIRE(io::package_generated_files(other, hotel, "scorm12", b, p));
    CHECK(id(a) != id(b));

    p.clear();
    CHECK_FALSE(io::package_generated_files(l, hotel, "scorm3", a, p));
    CHECK(a.empty());
    CHECK(has_pointer(p, "/format"));
    Lesson profit = l;
    profit.steps[0].goals[0] = {"profit", true, 10};
    p.clear();
    CHECK_FALSE(io::package_generated_files(profit, hotel, "cmi5", a, p));
    CHECK(has_pointer(p, "/steps/0/goals/0/metric"));
    const std::string j = io::package_files_json(profit, hotel, "cmi5");
    CHECK(j.find("\"ok\":false") != std::string::npos);
    CHECK(j.find("/steps/0/goals/0/metric: ") != std::string::npos);
    const std::string ok = io::package_files_json(l, hotel, "cmi5");
    CHECK(ok.find("\"ok\":true") != std::string::npos);
    CHECK(ok.find("\"vendor/cmi5.js\"") != std::string::npos);
}

TEST_CASE("lesson io: every file in tests/bad_lessons is refused on the hotel scenario, with a pointer or a position") {
    const Scenario hotel = shipped("hotel");
    int files = 0;
    for (const char* name : {"unknown_metric", "goal_out_of_range", "locked_missing_path", "profit_without_money",
                             "no_steps", "syntax", "mirror_missing_path"}) {
        CAPTURE(name);
        ++files;
        Lesson l;
        std::vector<io::Problem> p;
        const bool read_ok = io::load_lesson(read(std::string("tests/bad_lessons/") + name + ".json"), l, p);
        const bool fits = read_ok && io::check_lesson_for(l, hotel, p);
        CHECK_FALSE(fits);
        REQUIRE_FALSE(p.empty());
        CHECK((!p[0].pointer.empty() || p[0].line > 0));
    }
    CHECK(files == 7);
}

TEST_CASE("lesson io: a number beyond double's range is a problem, not an exception") {
    const auto p = lesson_problems(R"({"title": "t", "steps": [{"text": "x", "goals": [{"metric": "nps", "at_least": 2e308}]}]})");
    REQUIRE(p.size() == 1);
    CHECK(p[0].message.find("too large") != std::string::npos);
}
