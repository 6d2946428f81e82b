// Compare and export (issue 11, part 4): the experiments' CSV and JSON files read back against
// the result structs, a chart's table as CSV, file names, the differences as people read them,
// the kept runs (pinned baselines and earlier runs) and the App's side of both.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/compare.h"
#include "engine/experiments.h"
#include "io/loader.h"
#include "io/results.h"

using namespace motsim;
using namespace motsim::app;

namespace {

const char* kDesk = R"({"motsim": 1, "name": "Desk & bed", "ticks": 30, "seed": 4,
  "population": {"arrivals_per_tick": 40},
  "moments": [{"id": "desk", "name": "Front desk", "positive": 0.5, "negative": 0.2, "purchase": true},
              {"id": "stay", "name": "The stay, with a long name", "positive": 0.7, "negative": 0.1}]})";

Scenario desk() {
    io::LoadResult r = io::load_scenario(kDesk);
    REQUIRE(r.ok());
    return *r.scenario;
}

// A CSV as rows of fields (RFC 4180 quoting).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(field);
            field.clear();
        } else if (c == '\n') {
            rows.back().push_back(field);
            field.clear();
            rows.emplace_back();
        } else {
            field += c;
        }
    }
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

double num(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

struct SavingHost final : Host {
    struct File {
        std::string name, mime, text;
    };
    std::vector<File> files;
    std::vector<std::string> pictures;
    std::map<std::string, std::string> stored;
    void open_file(const std::string&) override {}
    std::string save_file(const std::string& name, const std::string& mime, const std::string& text) override {
        files.push_back({name, mime, text});
        return name;
    }
    void request_screenshot(const std::string& name) override { pictures.push_back(name); }
    void store(const std::string& k, const std::string& v) override { stored[k] = v; }
    std::string load(const std::string& k) override { return stored.count(k) ? stored[k] : ""; }
    bool is_browser() const override { return true; }
};

}  // namespace

// ==== The experiments' files ======================================================================

TEST_CASE("exports: replications as CSV and JSON read back to the result's numbers") {
    const Scenario s = desk();
    ExperimentOptions o;
    o.runs = 6;
    o.master_seed = 9;
    o.threads = 1;
    const ReplicationResult r = replicate(s, o);
    const auto rows = parse_csv(io::replications_csv(s, r));
    REQUIRE(rows.size() == 1 + kMetricCount + s.moments.size() * kMomentMetricCount);
    CHECK(rows[0] == std::vector<std::string>{"metric", "unit", "mean", "lo", "hi", "sd", "runs"});
    for (int k = 0; k < kMetricCount; ++k) {
        const auto& row = rows[static_cast<std::size_t>(k) + 1];
        const Interval& i = r.metrics[static_cast<std::size_t>(k)];
        CHECK(row[0] == metric_name(static_cast<Metric>(k)));
        CHECK(row[1] == io::metric_unit(static_cast<Metric>(k)));
        CHECK(num(row[2]) == i.mean);  // written exactly: the same double back
        CHECK(num(row[3]) == i.lo);
        CHECK(num(row[4]) == i.hi);
        CHECK(num(row[5]) == i.sd);
        CHECK(std::atoi(row[6].c_str()) == i.n);
    }
    CHECK(rows[1 + kMetricCount][0] == "desk.entered");
    CHECK(num(rows[1 + kMetricCount][2]) == r.moments[0][0].mean);

    const auto j = nlohmann::json::parse(io::replications_json(s, r));
    CHECK(j["scenario"] == "Desk & bed");
    CHECK(j["runs"] == 6);
    CHECK(j["master_seed"] == 9);
    CHECK(j["metrics"]["conversion"]["mean"].get<double>() == r.metric(Metric::Conversion).mean);
    CHECK(j["moments"]["stay"]["lost_after"]["hi"].get<double>() == r.moments[1][2].hi);
    REQUIRE(j["bands"]["active"].size() == r.bands[0].size());
    CHECK(j["bands"]["nps"][5][2].get<double>() == r.bands[static_cast<std::size_t>(motsim::Series::Nps)][5].median);
}

TEST_CASE("exports: a sweep as CSV and JSON, one row per point, the command line's columns") {
    const Scenario s = desk();
    ExperimentOptions o;
    o.runs = 3;
    o.threads = 1;
    std::string error;
    const SweepResult r = sweep(s, {{"/moments/desk/positive", grid(0.4, 0.7, 4)}}, o, error);
    REQUIRE(error.empty());
    const auto rows = parse_csv(io::sweep_csv(r));
    REQUIRE(rows.size() == 1 + r.points.size());
    REQUIRE(rows[0].size() == 2 + 3 * kMetricCount);
    CHECK(rows[0][0] == "/moments/desk/positive");
    CHECK(rows[0][1] == "runs");
    CHECK(rows[0][2] == "arrivals");
    CHECK(rows[0][3 * static_cast<int>(Metric::Conversion) + 2] == "conversion");
    CHECK(rows[0][3 * static_cast<int>(Metric::Conversion) + 3] == "conversion_lo");
    for (std::size_t p = 0; p < r.points.size(); ++p) {
        const auto& row = rows[p + 1];
        CHECK(num(row[0]) == r.points[p].values[0]);
        CHECK(std::atoi(row[1].c_str()) == r.points[p].runs);
        const Interval& c = r.points[p].metric(Metric::Conversion);
        CHECK(num(row[3 * static_cast<int>(Metric::Conversion) + 2]) == c.mean);
        CHECK(num(row[3 * static_cast<int>(Metric::Conversion) + 3]) == c.lo);
        CHECK(num(row[3 * static_cast<int>(Metric::Conversion) + 4]) == c.hi);
    }
    const auto j = nlohmann::json::parse(io::sweep_json(s, r, 1));
    CHECK(j["axes"][0]["path"] == "/moments/desk/positive");
    REQUIRE(j["points"].size() == r.points.size());
    CHECK(j["points"][2]["metrics"]["nps"]["mean"].get<double>() == r.points[2].metric(Metric::Nps).mean);
}

TEST_CASE("exports: where to invest as CSV and JSON in ranked order, names quoted when they need it") {
    Scenario s = desk();
    s.moments[1].name = "The stay, \"long\"";
    ExperimentOptions o;
    o.runs = 4;
    o.threads = 1;
    const RankResult r = rank(s, 0.05, o);
    const auto rows = parse_csv(io::rank_csv(s, r));
    REQUIRE(rows.size() == 1 + r.entries.size());
    CHECK(rows[0].size() == 11);
    CHECK(rows[0][1] == "moment");
    for (std::size_t k = 0; k < r.entries.size(); ++k) {
        const RankEntry& e = r.entries[k];
        const auto& row = rows[k + 1];
        CHECK(std::atoi(row[0].c_str()) == static_cast<int>(k) + 1);
        CHECK(row[1] == e.id);
        CHECK(row[2] == s.moments[static_cast<std::size_t>(e.moment)].name);  // the comma and quotes survive
        CHECK(num(row[7]) == e.exact_effect);
        CHECK(num(row[8]) == e.effect.mean);
        CHECK(num(row[9]) == e.effect.lo);
        CHECK(num(row[10]) == e.effect.hi);
    }
    const auto j = nlohmann::json::parse(io::rank_json(s, r, 1));
    CHECK(j["objective"] == r.objective);
    REQUIRE(j["ranking"].size() == r.entries.size());
    CHECK(j["ranking"][0]["moment"] == r.entries[0].id);
    CHECK(j["ranking"][0]["effect"]["mean"].get<double>() == r.entries[0].effect.mean);
}

TEST_CASE("exports: a chart's table names each column with its unit; no value is an empty cell") {
    io::ChartTable t;
    t.x_name = "day";
    t.rows = {"0", "1", "2"};
    t.columns.push_back({"NPS", "points", {std::nan(""), 12.5, -3}});
    t.columns.push_back({"rating, public", "", {0.5, 0.25, 1}});
    const auto rows = parse_csv(io::chart_csv(t));
    REQUIRE(rows.size() == 4);
    CHECK(rows[0] == std::vector<std::string>{"day", "NPS (points)", "rating, public"});
    CHECK(rows[1] == std::vector<std::string>{"0", "", "0.5"});
    CHECK(rows[2] == std::vector<std::string>{"1", "12.5", "0.25"});
    CHECK(io::csv_field("a\"b") == "\"a\"\"b\"");
}

// ==== Names and differences =======================================================================

TEST_CASE("exports: file names say the scenario, the seed and what it is, in safe characters") {
    CHECK(export_file_name("Hotel stay", 1, "sweep-check_in/positive", "csv") ==
          "hotel-stay-seed1-sweep-check_in-positive.csv");
    CHECK(export_file_name("../../etc/passwd", 7, "rank", "json") == "etc-passwd-seed7-rank.json");
    CHECK(export_file_name("Café <script>", 2, "", "png") == "caf-script-seed2.png");
    CHECK(export_file_name("", 3, "flow", "csv") == "motsim-seed3-flow.csv");
    for (char c : export_file_name("A \"quoted\", name\n\t", 12, "x: y", "csv"))
        CHECK(((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'));
}

TEST_CASE("compare: differences read as people say them") {
    CHECK(points_difference(0.567, 0.525) == "+4.2 pts");
    CHECK(points_difference(0.5, 0.55) == "-5.0 pts");
    CHECK(points_difference(0.5, 0.50001) == "+0.0 pts");  // no "-0.0"
    CHECK(score_difference(12, 20) == "-8 pts");
    CHECK(count_difference(68, 70) == "-2");
    CHECK(count_difference(8070000, 0) == "+8.07 M");
    CHECK(count_difference(5, 5) == "+0");
}

TEST_CASE("compare: up to three pinned baselines and three earlier runs, numbered") {
    CompareRoom room;
    RunSnapshot s;
    s.label = "Desk, seed 1, day 30";
    for (int i = 0; i < 5; ++i) room.keep_earlier(s);
    REQUIRE(room.runs.size() == 3);
    CHECK(room.runs[0].label == "Run 3: Desk, seed 1, day 30");
    CHECK(room.runs[2].label == "Run 5: Desk, seed 1, day 30");
    CHECK(room.reference() == &room.runs[2]);  // no baseline: the newest earlier run
    for (int i = 0; i < 4; ++i) {
        s.label = "Baseline " + std::to_string(i);
        room.pin(s);
    }
    REQUIRE(room.runs.size() == 6);
    CHECK(room.runs[0].label == "Baseline 1");  // the oldest went
    CHECK(room.runs[2].label == "Baseline 3");
    CHECK(room.runs[3].label == "Run 3: Desk, seed 1, day 30");
    CHECK(room.reference()->label == "Baseline 3");
    room.clear();
    CHECK(room.reference() == nullptr);
}

// ==== The App's side ==============================================================================

TEST_CASE("app: pin a baseline, change a probability, run again: the state says the difference") {
    SavingHost host;
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    app.pause();
    app.finish_now();
    app.pin_baseline();
    auto state = nlohmann::json::parse(app.state_json());
    REQUIRE(state["baselines"].size() == 1);
    CHECK(state["baselines"][0]["label"] == "Baseline: Desk & bed, seed 4, day 30");
    CHECK(state["baselines"][0]["pinned"] == true);
    const double before = state["conversion"].get<double>();
    CHECK(state["baselines"][0]["conversion"].get<double>() == before);
    CHECK(state["baselines"][0]["difference"]["conversion"] == "+0.0 pts");

    REQUIRE(app.set_param("/moments/desk/negative", 0.02));  // fewer lost at the desk: more purchases
    app.reset();                                             // the run before the reset is kept as "Run 1"
    app.finish_now();
    state = nlohmann::json::parse(app.state_json());
    REQUIRE(state["baselines"].size() == 2);
    CHECK(state["baselines"][1]["label"] == "Run 1: Desk & bed, seed 4, day 30");
    CHECK(state["baselines"][1]["pinned"] == false);
    const double after = state["conversion"].get<double>();
    CHECK(after > before);
    CHECK(state["baselines"][0]["difference"]["conversion"] == points_difference(after, before));
    CHECK(app.compare().runs[0].phase_series.size() == app.scenario().phases.size());
    CHECK(app.compare().runs[0].nps_series.size() == 30);

    app.reset();  // at tick 0 nothing is kept: there is nothing to compare with
    app.reset();
    CHECK(nlohmann::json::parse(app.state_json())["baselines"].size() == 3);
    app.clear_baselines();
    CHECK(nlohmann::json::parse(app.state_json())["baselines"].empty());
}

TEST_CASE("app: NPS is a gap until somebody has left") {
    SavingHost host;
    App app(host);
    // Three ticks at the desk: nobody leaves during the first two.
    REQUIRE(app.load_text(R"({"motsim": 1, "ticks": 20, "population": {"arrivals_per_tick": 20},
      "nps": {"asked": "everyone"},
      "moments": [{"id": "desk", "positive": 0.5, "negative": 0.2, "dwell": 3}]})",
                          "slow.json"));
    app.pause();
    app.finish_now();
    const LiveView& v = app.view();
    const std::vector<float> nps = nps_series_of(v);
    REQUIRE(nps.size() == v.ticks_recorded());
    std::int64_t gone = 0;
    bool some_gap = false;
    for (std::size_t t = 0; t < nps.size(); ++t) {
        gone += app.simulation().series()[t].done + app.simulation().series()[t].lost;
        CHECK(std::isnan(nps[t]) == (gone == 0));
        some_gap = some_gap || std::isnan(nps[t]);
        if (gone > 0) CHECK(nps[t] == static_cast<float>(app.simulation().series()[t].nps));
    }
    CHECK(some_gap);
}

TEST_CASE("app: exports go to the host under names that say what they are") {
    SavingHost host;
    App app(host);
    REQUIRE(app.load_text(kDesk, "desk.json"));
    app.pause();
    CHECK_FALSE(app.export_data("sweep_csv"));  // nothing yet: a message, no file
    CHECK_FALSE(app.export_data("chart"));      // no chart drawn (no window here)
    CHECK(host.files.empty());
    REQUIRE(app.start_experiment("sweep"));
    while (app.experiment_running()) app.update(1.0 / 60);
    REQUIRE(app.export_data("sweep_csv"));
    REQUIRE(app.export_data("sweep_json"));
    REQUIRE(host.files.size() == 2);
    CHECK(host.files[0].name == "desk-bed-seed4-sweep-desk-positive.csv");
    CHECK(host.files[0].mime == "text/csv");
    CHECK(host.files[1].name == "desk-bed-seed4-sweep-desk-positive.json");
    const auto rows = parse_csv(host.files[0].text);
    CHECK(rows.size() == 1 + 8u);  // the panel's default: 8 points
    CHECK(nlohmann::json::parse(host.files[1].text)["points"].size() == 8);
    app.finish_now();
    REQUIRE(app.export_data("series"));
    CHECK(host.files.back().name == "desk-bed-seed4-series-day30.csv");
    app.save_picture("");
    CHECK(host.pictures.empty());  // taken after the next drawn frame, not now
}
