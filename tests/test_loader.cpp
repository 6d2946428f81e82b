// Tests of the scenario loader (src/io/loader.*) and the journey graph checks (src/engine/graph.*).
// The broken-file corpus lives in tests/bad (must fail) and tests/warn (must load, with a
// warning); NAME.expected lists substrings that the formatted problems must contain.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "engine/graph.h"
#include "io/loader.h"

namespace fs = std::filesystem;
using motsim::Route;
using motsim::Scenario;
using motsim::io::load_scenario;
using motsim::io::Problem;

namespace {

// ================================================================================================
// Helpers
// ================================================================================================

const fs::path kSource = MOTSIM_SOURCE_DIR;

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

// All problems formatted with the file name "x", one per line.
std::string formatted(const motsim::io::LoadResult& r) {
    std::string out;
    for (const Problem& p : r.problems) out += motsim::io::format_problem("x", p) + "\n";
    return out;
}

// The *.json files of a folder, sorted; none when the folder does not exist.
std::vector<fs::path> json_files(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return out;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".json") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

bool has_problem(const motsim::io::LoadResult& r, const std::string& needle) {
    return formatted(r).find(needle) != std::string::npos;
}

void check_same_route(const Route& a, const Route& b) {
    CHECK(a.targets == b.targets);
    CHECK(a.weights == b.weights);
}

// Field-by-field equality, so that a failure names the field.
void check_same(const Scenario& a, const Scenario& b) {
    CHECK(a.format == b.format);
    CHECK(a.name == b.name);
    CHECK(a.description == b.description);
    CHECK(a.time_unit == b.time_unit);
    CHECK(a.ticks == b.ticks);
    CHECK(a.seed == b.seed);
    CHECK(a.initial == b.initial);
    CHECK(a.arrivals_per_tick == b.arrivals_per_tick);
    CHECK(a.max_customers == b.max_customers);
    CHECK(a.beta == b.beta);
    CHECK(a.gamma == b.gamma);
    CHECK(a.review_prior == b.review_prior);
    CHECK(a.review_half_life == b.review_half_life);
    CHECK(a.advocate_threshold == b.advocate_threshold);
    CHECK(a.referral_rate == b.referral_rate);
    CHECK(a.referral_ticks == b.referral_ticks);
    CHECK(a.referral_boost == b.referral_boost);
    // v2
    CHECK(a.critic_threshold == b.critic_threshold);
    CHECK(a.loyalty.enabled == b.loyalty.enabled);
    check_same_route(a.loyalty.return_to, b.loyalty.return_to);
    CHECK(a.loyalty.after_min == b.loyalty.after_min);
    CHECK(a.loyalty.after_max == b.loyalty.after_max);
    CHECK(a.loyalty.base == b.loyalty.base);
    CHECK(a.loyalty.impression == b.loyalty.impression);
    CHECK(a.market.enabled == b.market.enabled);
    CHECK(a.market.size == b.market.size);
    CHECK(a.market.advertising == b.market.advertising);
    CHECK(a.market.word_of_mouth == b.market.word_of_mouth);
    CHECK(a.market.negative == b.market.negative);
    CHECK(a.nps_asked == b.nps_asked);
    CHECK(a.money.enabled == b.money.enabled);
    CHECK(a.money.currency == b.money.currency);
    CHECK(a.money.revenue == b.money.revenue);
    REQUIRE(a.segments.size() == b.segments.size());
    for (std::size_t i = 0; i < a.segments.size(); ++i) {
        CHECK(a.segments[i].name == b.segments[i].name);
        CHECK(a.segments[i].share == b.segments[i].share);
        CHECK(a.segments[i].shift == b.segments[i].shift);
        CHECK(a.segments[i].initial_impression == b.segments[i].initial_impression);
    }
    CHECK(a.phases == b.phases);
    check_same_route(a.entry, b.entry);
    REQUIRE(a.moments.size() == b.moments.size());
    for (std::size_t i = 0; i < a.moments.size(); ++i) {
        const auto& m = a.moments[i];
        const auto& n = b.moments[i];
        INFO("moment " << m.id);
        CHECK(m.id == n.id);
        CHECK(m.name == n.name);
        CHECK(m.phase == n.phase);
        CHECK(m.positive == n.positive);
        CHECK(m.negative == n.negative);
        CHECK(m.magic == n.magic);
        CHECK(m.dwell_min == n.dwell_min);
        CHECK(m.dwell_max == n.dwell_max);
        CHECK(m.impact == n.impact);
        CHECK(m.reads_reviews == n.reads_reviews);
        CHECK(m.purchase == n.purchase);
        CHECK(m.review == n.review);
        CHECK(m.review_by_group == n.review_by_group);
        CHECK(m.review_group == n.review_group);
        CHECK(m.cost.visit == n.cost.visit);
        CHECK(m.cost.magic == n.cost.magic);
        CHECK(m.cost.improve == n.cost.improve);
        for (std::size_t r = 0; r < m.next.size(); ++r) check_same_route(m.next[r], n.next[r]);
        REQUIRE(m.causes.size() == n.causes.size());
        for (std::size_t c = 0; c < m.causes.size(); ++c) {
            CHECK(m.causes[c].name == n.causes[c].name);
            CHECK(m.causes[c].weight == n.causes[c].weight);
        }
    }
}

// Writes s, loads it back and compares; also checks that writing is stable.
void check_round_trip(const Scenario& s) {
    const std::string text = motsim::io::scenario_to_json(s);
    const auto back = load_scenario(text);
    INFO(formatted(back));
    REQUIRE(back.ok());
    check_same(s, *back.scenario);
    CHECK(motsim::io::scenario_to_json(*back.scenario) == text);
}

// A scenario that uses every field with values away from the defaults.
const char* kFullScenario = R"({
  "motsim": 1,
  "name": "Caf\u00e9 test \"journey\"",
  "description": "Every field set.\nTwo lines.",
  "time_unit": "week",
  "ticks": 52,
  "seed": 18446744073709551615,
  "population": {"initial": 12, "arrivals_per_tick": 0.1, "max_customers": 999},
  "influence": {"impression": 1.25, "reviews": -0.3333333333333333},
  "reviews": {"prior": 2.5, "half_life": 7},
  "word_of_mouth": {"advocate_threshold": -0.25, "referral_rate": 0.02, "referral_ticks": 9,
                    "referral_boost": 0.15},
  "segments": [{"name": "fans", "share": 3, "shift": 1, "initial_impression": 0.2},
               {"name": "sceptics", "share": 1, "shift": -0.7, "initial_impression": -0.1}],
  "phases": ["find", "buy", "use"],
  "entry": {"ad": 0.75, "word": 0.25},
  "moments": [
    {"id": "ad", "name": "Sees the ad", "phase": "find", "positive": 0.5, "negative": 0.1,
     "magic": 0.05, "dwell": {"min": 2, "max": 4},
     "impact": {"positive": 0.1, "neutral": -0.01, "negative": -0.2, "magic": 1.5},
     "reads_reviews": true, "review": 0.3, "causes": {"rudeness": 3, "ignorance": 0.5},
     "next": {"positive": "shop", "neutral": {"shop": 0.5, "lost": 0.5}, "negative": "lost"}},
    {"id": "word", "positive": 0.9, "negative": 0.1, "next": {"positive": "shop"}},
    {"id": "shop", "phase": "buy", "positive": 0.3, "negative": 0.7, "purchase": true,
     "dwell": 3, "next": {"negative": {"ad": 1, "lost": 2}}},
    {"id": "use", "phase": "use", "positive": 0, "negative": 0, "next": {"neutral": "done"}}
  ]
})";

// Every v2 key with values away from the defaults: a market (so no Poisson arrivals or
// referrals), loyalty with a weighted return and a delay range, NPS asked of the finishers,
// money, per-moment costs, reviews by NPS group and a critic threshold.
const char* kFullV2Scenario = R"({
  "motsim": 1,
  "name": "v2 test",
  "time_unit": "week",
  "ticks": 104,
  "seed": 7,
  "population": {"initial": 25},
  "word_of_mouth": {"advocate_threshold": 0.4, "critic_threshold": -0.35, "referral_ticks": 12},
  "market": {"size": 123457, "advertising": 0.0005, "word_of_mouth": 0.0073, "negative": 0.25},
  "loyalty": {"return_to": {"search": 3, "buy": 1}, "after": {"min": 4, "max": 9}, "base": 0.35,
              "impression": 2.5},
  "nps": {"asked": "finished"},
  "money": {"currency": "\u00a3", "revenue": 79.99},
  "moments": [
    {"id": "search", "positive": 0.5, "negative": 0.2, "reads_reviews": true,
     "review": 0.01, "cost": {"visit": 0.25}},
    {"id": "buy", "positive": 0.7, "negative": 0.1, "purchase": true, "magic": 0.1,
     "cost": {"visit": 3, "magic": 12.5, "improve": 1500}},
    {"id": "use", "positive": 0.6, "negative": 0.2, "magic": 0.2,
     "review": {"promoter": 0.06, "passive": 0.02, "detractor": 0.125},
     "cost": {"improve": 900}}
  ]
})";

}  // namespace

// ================================================================================================
// The corpus of broken and suspicious files
// ================================================================================================

TEST_CASE("loader: every tests/bad file fails with the expected problems") {
    const auto files = json_files(kSource / "tests" / "bad");
    CHECK(files.size() >= 20);
    for (const auto& f : files) {
        INFO("file: " << f.filename().string());
        const auto r = motsim::io::load_scenario_file(f.string());
        const std::string text = formatted(r);
        INFO("problems:\n" << text);
        CHECK_FALSE(r.ok());
        CHECK_FALSE(r.problems.empty());
        fs::path expected = f;
        expected.replace_extension(".expected");
        REQUIRE_MESSAGE(fs::exists(expected), "missing " << expected.filename().string());
        const auto wanted = lines_of(read_text(expected));
        CHECK_FALSE(wanted.empty());
        for (const auto& w : wanted) {
            INFO("expected: " << w);
            CHECK(text.find(w) != std::string::npos);
        }
    }
}

TEST_CASE("loader: every tests/warn file loads with the expected warnings") {
    const auto files = json_files(kSource / "tests" / "warn");
    CHECK_FALSE(files.empty());
    for (const auto& f : files) {
        INFO("file: " << f.filename().string());
        const auto r = motsim::io::load_scenario_file(f.string());
        const std::string text = formatted(r);
        INFO("problems:\n" << text);
        CHECK(r.ok());
        CHECK(std::all_of(r.problems.begin(), r.problems.end(), [](const Problem& p) { return p.warning; }));
        fs::path expected = f;
        expected.replace_extension(".expected");
        for (const auto& w : lines_of(read_text(expected))) {
            INFO("expected: " << w);
            CHECK(text.find(w) != std::string::npos);
        }
    }
}

TEST_CASE("loader: shipped scenarios load without problems") {
    for (const auto& dir : {kSource / "assets" / "scenarios", kSource / "tests" / "scenarios"}) {
        for (const auto& f : json_files(dir)) {
            INFO("file: " << f.string());
            const auto r = motsim::io::load_scenario_file(f.string());
            INFO(formatted(r));
            CHECK(r.ok());
        }
    }
}

// ================================================================================================
// Defaults and the two forms of routes
// ================================================================================================

TEST_CASE("loader: defaults are applied") {
    const auto r = load_scenario(R"({"motsim": 1, "phases": ["a", "b"], "moments": [
        {"id": "m0", "positive": 0.6, "negative": 0.2},
        {"id": "m1", "phase": "b", "positive": 0.5, "negative": 0.5},
        {"id": "m2", "name": "Third", "positive": 0.4, "negative": 0.1}]})");
    INFO(formatted(r));
    REQUIRE(r.ok());
    CHECK(r.problems.empty());
    const Scenario& s = *r.scenario;
    const Scenario d;  // the model's defaults
    CHECK(s.name == "Untitled journey");
    CHECK(s.description.empty());
    CHECK(s.time_unit == "day");
    CHECK(s.ticks == 180);
    CHECK(s.seed == 1);
    CHECK(s.initial == 0);
    CHECK(s.arrivals_per_tick == 50.0);
    CHECK(s.max_customers == 100000);
    CHECK(s.beta == 0.0);
    CHECK(s.gamma == 0.0);
    CHECK(s.review_prior == 5.0);
    CHECK(s.review_half_life == 0.0);
    CHECK(s.advocate_threshold == d.advocate_threshold);
    CHECK(s.referral_rate == 0.0);
    CHECK(s.referral_ticks == 30);
    CHECK(s.referral_boost == d.referral_boost);
    // v2: every block off, NPS asked of the buyers, the critic threshold at -0.5.
    CHECK(s.critic_threshold == -0.5);
    CHECK_FALSE(s.loyalty.enabled);
    CHECK_FALSE(s.market.enabled);
    CHECK_FALSE(s.money.enabled);
    CHECK(s.nps_asked == motsim::NpsAsked::Buyers);
    REQUIRE(s.segments.size() == 1);
    CHECK(s.segments[0].name == "everyone");
    CHECK(s.segments[0].share == 1.0);
    CHECK(s.segments[0].shift == 0.0);
    CHECK(s.segments[0].initial_impression == 0.0);

    // Entry: the first moment.
    CHECK(s.entry.targets == std::vector<int>{0});
    CHECK(s.entry.weights == std::vector<double>{1.0});

    REQUIRE(s.moments.size() == 3);
    const auto& m0 = s.moments[0];
    CHECK(m0.name == "m0");  // name defaults to the id
    CHECK(s.moments[2].name == "Third");
    // Phase: the first phase, then inherited from the previous moment.
    CHECK(m0.phase == 0);
    CHECK(s.moments[1].phase == 1);
    CHECK(s.moments[2].phase == 1);
    CHECK(m0.magic == 0.0);
    CHECK(m0.dwell_min == 1);
    CHECK(m0.dwell_max == 1);
    CHECK(m0.impact[0] == 0.2);
    CHECK(m0.impact[1] == 0.0);
    CHECK(m0.impact[2] == -0.3);
    CHECK(m0.impact[3] == 0.5);
    CHECK_FALSE(m0.reads_reviews);
    CHECK_FALSE(m0.purchase);
    CHECK(m0.review == 0.0);
    CHECK_FALSE(m0.review_by_group);
    CHECK(m0.cost.visit == 0.0);
    CHECK(m0.cost.magic == 0.0);
    CHECK(m0.cost.improve == 0.0);
    // Causes: the seven deadly sins, equal weights.
    const auto sins = motsim::default_causes();
    REQUIRE(m0.causes.size() == sins.size());
    for (std::size_t i = 0; i < sins.size(); ++i) {
        CHECK(m0.causes[i].name == sins[i].name);
        CHECK(m0.causes[i].weight == sins[i].weight);
    }
    // Routes: positive and neutral to the next moment ("done" after the last), negative lost.
    CHECK(s.moments[0].next[0].targets == std::vector<int>{1});
    CHECK(s.moments[0].next[1].targets == std::vector<int>{1});
    CHECK(s.moments[0].next[2].targets == std::vector<int>{motsim::kLost});
    CHECK(s.moments[1].next[0].targets == std::vector<int>{2});
    CHECK(s.moments[2].next[0].targets == std::vector<int>{motsim::kDone});
    CHECK(s.moments[2].next[1].targets == std::vector<int>{motsim::kDone});
    CHECK(s.moments[2].next[2].targets == std::vector<int>{motsim::kLost});
    CHECK(s.moments[2].next[0].weights == std::vector<double>{1.0});
    // Default phases when none are given.
    const auto r2 = load_scenario(R"({"motsim": 1, "moments": [{"id": "a", "positive": 1, "negative": 0}]})");
    REQUIRE(r2.ok());
    CHECK(r2.scenario->phases == motsim::default_phases());
}

TEST_CASE("loader: partial objects keep the other defaults") {
    const auto r = load_scenario(R"({"motsim": 1, "moments": [
        {"id": "a", "positive": 0.5, "negative": 0.2, "impact": {"negative": -1},
         "next": {"neutral": "lost"}},
        {"id": "b", "positive": 0.5, "negative": 0.2}],
        "population": {"arrivals_per_tick": 7}})");
    INFO(formatted(r));
    REQUIRE(r.ok());
    const auto& a = r.scenario->moments[0];
    CHECK(a.impact[0] == 0.2);
    CHECK(a.impact[2] == -1.0);
    CHECK(a.impact[3] == 0.5);
    CHECK(a.next[0].targets == std::vector<int>{1});
    CHECK(a.next[1].targets == std::vector<int>{motsim::kLost});
    CHECK(a.next[2].targets == std::vector<int>{motsim::kLost});
    CHECK(r.scenario->arrivals_per_tick == 7.0);
    CHECK(r.scenario->max_customers == 100000);
}

TEST_CASE("loader: routes and entry in string and weighted forms") {
    const auto r = load_scenario(R"({"motsim": 1,
        "entry": {"b": 2, "a": 0.5},
        "moments": [
        {"id": "a", "positive": 0.5, "negative": 0.2, "dwell": {"min": 2, "max": 5},
         "next": {"positive": "b", "neutral": {"b": 0.8, "lost": 0.2}, "negative": {"done": 3}}},
        {"id": "b", "positive": 0.5, "negative": 0.2, "dwell": 4,
         "next": {"positive": "done", "neutral": "a"}}]})");
    INFO(formatted(r));
    REQUIRE(r.ok());
    const Scenario& s = *r.scenario;
    // Weighted objects keep the file's order.
    CHECK(s.entry.targets == std::vector<int>{1, 0});
    CHECK(s.entry.weights == std::vector<double>{2.0, 0.5});
    const auto& a = s.moments[0];
    CHECK(a.next[0].targets == std::vector<int>{1});
    CHECK(a.next[0].weights == std::vector<double>{1.0});
    CHECK(a.next[1].targets == std::vector<int>{1, motsim::kLost});
    CHECK(a.next[1].weights == std::vector<double>{0.8, 0.2});
    CHECK(a.next[2].targets == std::vector<int>{motsim::kDone});
    CHECK(a.next[2].weights == std::vector<double>{3.0});
    CHECK(a.dwell_min == 2);
    CHECK(a.dwell_max == 5);
    CHECK(s.moments[1].dwell_min == 4);
    CHECK(s.moments[1].dwell_max == 4);
    CHECK(s.moments[1].next[1].targets == std::vector<int>{0});

    const auto single = load_scenario(R"({"motsim": 1, "entry": "b", "moments": [
        {"id": "a", "positive": 0.5, "negative": 0.2},
        {"id": "b", "positive": 0.5, "negative": 0.2, "next": {"positive": "a"}}]})");
    REQUIRE(single.ok());
    CHECK(single.scenario->entry.targets == std::vector<int>{1});
    CHECK(single.scenario->entry.weights == std::vector<double>{1.0});
}

TEST_CASE("loader: accepted edge values") {
    // Integral floats count as integers; positive + negative == 1 after decimal rounding.
    const auto r = load_scenario(R"({"motsim": 1.0, "ticks": 3.0, "seed": 0,
        "reviews": {"prior": 1e6, "half_life": 0},
        "moments": [{"id": "a-b_C9", "positive": 0.7, "negative": 0.3, "dwell": 10000}]})");
    INFO(formatted(r));
    REQUIRE(r.ok());
    CHECK(r.scenario->ticks == 3);
    CHECK(r.scenario->seed == 0);
    CHECK(r.scenario->moments[0].dwell_max == 10000);
    // A UTF-8 byte order mark is allowed.
    const auto bom = load_scenario(
        "\xEF\xBB\xBF{\"motsim\": 1, \"moments\": [{\"id\": \"a\", "
        "\"positive\": 1, \"negative\": 0}]}");
    CHECK(bom.ok());
}

TEST_CASE("loader: the v2 blocks are read with their defaults") {
    const auto r = load_scenario(kFullV2Scenario);
    INFO(formatted(r));
    REQUIRE(r.ok());
    CHECK(r.problems.empty());
    const Scenario& s = *r.scenario;
    // The market replaces the Poisson arrivals and is the limit on customers.
    REQUIRE(s.market.enabled);
    CHECK(s.market.size == 123457);
    CHECK(s.market.advertising == 0.0005);
    CHECK(s.market.word_of_mouth == 0.0073);
    CHECK(s.market.negative == 0.25);
    CHECK(s.arrivals_per_tick == 0.0);
    CHECK(s.max_customers == 123457);
    CHECK(s.initial == 25);
    CHECK(s.critic_threshold == -0.35);
    // Loyalty: a weighted return in file order, a delay range.
    REQUIRE(s.loyalty.enabled);
    CHECK(s.loyalty.return_to.targets == std::vector<int>{0, 1});
    CHECK(s.loyalty.return_to.weights == std::vector<double>{3.0, 1.0});
    CHECK(s.loyalty.after_min == 4);
    CHECK(s.loyalty.after_max == 9);
    CHECK(s.loyalty.base == 0.35);
    CHECK(s.loyalty.impression == 2.5);
    CHECK(s.nps_asked == motsim::NpsAsked::Finished);
    REQUIRE(s.money.enabled);
    CHECK(s.money.currency == "\xC2\xA3");
    CHECK(s.money.revenue == 79.99);
    // A number applies to every group; an object is by group, in NpsGroup order
    // {detractor, passive, promoter}, and `review` is then the largest of the three.
    const auto& search = s.moments[0];
    CHECK_FALSE(search.review_by_group);
    CHECK(search.review == 0.01);
    CHECK(search.cost.visit == 0.25);
    CHECK(search.cost.magic == 0.0);
    CHECK(search.cost.improve == 0.0);
    const auto& use = s.moments[2];
    CHECK(use.review_by_group);
    CHECK(use.review_group == std::array<double, 3>{0.125, 0.02, 0.06});
    CHECK(use.review == 0.125);
    CHECK(use.cost.visit == 0.0);
    CHECK(use.cost.improve == 900.0);
    CHECK(s.moments[1].cost.magic == 12.5);

    // Loyalty's short forms: one moment, one delay; impression defaults to 0; money's
    // currency to EUR; a market's own max_customers is kept.
    const auto r2 = load_scenario(R"({"motsim": 1,
        "population": {"arrivals_per_tick": 0, "max_customers": 500},
        "market": {"size": 1000, "advertising": 0.01},
        "loyalty": {"return_to": "b", "after": 30, "base": 1},
        "money": {"revenue": 5}, "nps": {"asked": "everyone"},
        "moments": [{"id": "a", "positive": 0.5, "negative": 0.2}, {"id": "b", "positive": 1, "negative": 0}]})");
    INFO(formatted(r2));
    REQUIRE(r2.ok());
    const Scenario& t = *r2.scenario;
    CHECK(t.loyalty.return_to.targets == std::vector<int>{1});
    CHECK(t.loyalty.after_min == 30);
    CHECK(t.loyalty.after_max == 30);
    CHECK(t.loyalty.base == 1.0);
    CHECK(t.loyalty.impression == 0.0);
    CHECK(t.market.word_of_mouth == 0.0);
    CHECK(t.market.negative == 0.0);
    CHECK(t.max_customers == 500);
    CHECK(t.money.currency == "EUR");
    CHECK(t.nps_asked == motsim::NpsAsked::Everyone);
    CHECK_FALSE(t.memoryless());  // the market breaks the chain

    // A currency is 1 to 12 characters, not bytes: five rupee signs (15 bytes) are fine.
    const auto rupees = load_scenario(R"({"motsim": 1, "money": {"currency": "\u20b9\u20b9\u20b9\u20b9\u20b9"},
        "moments": [{"id": "a", "positive": 0.5, "negative": 0.2}]})");
    INFO(formatted(rupees));
    CHECK(rupees.ok());
    CHECK_FALSE(
        load_scenario(
            R"({"motsim": 1, "money": {"currency": "\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac"},
        "moments": [{"id": "a", "positive": 0.5, "negative": 0.2}]})")
            .ok());

    // Loyalty without a market keeps the Poisson arrivals and referrals.
    const auto r3 = load_scenario(R"({"motsim": 1, "word_of_mouth": {"referral_rate": 0.02},
        "loyalty": {"return_to": "a", "after": {"min": 1, "max": 1}, "base": 0},
        "moments": [{"id": "a", "positive": 0.5, "negative": 0.2}]})");
    INFO(formatted(r3));
    REQUIRE(r3.ok());
    CHECK(r3.scenario->arrivals_per_tick == 50.0);
    CHECK(r3.scenario->max_customers == 100000);
    CHECK(r3.scenario->referral_rate == 0.02);
    CHECK(r3.scenario->loyalty.base == 0.0);
}

TEST_CASE("loader: each v2 mistake names its pointer") {
    // The same checks as tests/bad/v2_*, inline, one problem each, on a valid base.
    const std::string head = R"({"motsim": 1, )";
    const std::string moments =
        R"("moments": [{"id": "research", "positive": 0.5, "negative": 0.2}, {"id": "buy", "positive": 0.7,
            "negative": 0.1, "purchase": true}]})";
    struct Case {
        const char* blocks;
        const char* problem;
    };
    const Case cases[] = {
        {R"("market": {"size": 0.5, "advertising": 0.01}, )", "x: /market/size: must be an integer, got 0.5"},
        {R"("market": {"size": 1000000001, "advertising": 0.01}, )",
         "x: /market/size: must be an integer between 1 and 1000000000, got 1000000001"},
        {R"("market": {"size": 1000}, )", "x: /market: missing required key 'advertising'"},
        {R"("population": {"arrivals_per_tick": 0.5}, "market": {"size": 1000, "advertising": 0.01}, )",
         "x: /population/arrivals_per_tick: must be 0 or absent with a market"},
        {R"("word_of_mouth": {"referral_rate": 1}, "market": {"size": 1000, "advertising": 0.01}, )",
         "x: /word_of_mouth/referral_rate: must be 0 or absent with a market"},
        {R"("population": {"initial": 1001}, "market": {"size": 1000, "advertising": 0.01}, )",
         "x: /population/initial: must not be more than the market's size (1000), got 1001"},
        {R"("loyalty": {"after": 3, "base": 0.5}, )", "x: /loyalty: missing required key 'return_to'"},
        {R"("loyalty": {"return_to": "research", "base": 0.5}, )", "x: /loyalty: missing required key 'after'"},
        {R"("loyalty": {"return_to": "research", "after": 3}, )", "x: /loyalty: missing required key 'base'"},
        {R"("loyalty": {"return_to": "bye", "after": 3, "base": 0.5}, )",
         "x: /loyalty/return_to: unknown moment 'bye' (did you mean 'buy'?)"},
        {R"("loyalty": {"return_to": {"research": 1, "lost": 1}, "after": 3, "base": 0.5}, )",
         "x: /loyalty/return_to/lost: return_to must be a moment, not 'lost'"},
        {R"("loyalty": {"return_to": "research", "after": 0, "base": 0.5}, )",
         "x: /loyalty/after: must be an integer between 1 and 100000, got 0"},
        {R"("loyalty": {"return_to": "research", "after": {"min": 9, "max": 3}, "base": 0.5}, )",
         "x: /loyalty/after: min (9) must not be greater than max (3)"},
        {R"("loyalty": {"return_to": "research", "after": "soon", "base": 0.5}, )",
         "x: /loyalty/after: must be a whole number"},
        {R"("loyalty": {"return_to": "research", "after": 3, "base": -0.1}, )",
         "x: /loyalty/base: must be between 0 and 1, got -0.1"},
        {R"("loyalty": {"return_to": "research", "after": 3, "base": 0.5, "impression": -0.5}, )",
         "x: /loyalty/impression: must be between 0 and 20, got -0.5"},
        {R"("loyalty": {"return_to": "research", "after": 3, "base": 0.5, "when": 1}, )",
         "x: /loyalty/when: unknown key 'when'"},
        {R"("nps": {"asked": "buyer"}, )", "x: /nps/asked: must be 'buyers', 'finished' or 'everyone', got \"buyer\""},
        {R"("nps": {"asked": 1}, )", "x: /nps/asked: must be a string"},
        {R"("money": {"currency": "", "revenue": 1}, )", "x: /money/currency: must be 1 to 12 characters"},
        {R"("money": {"currency": "EUR", "revenue": -1}, )",
         "x: /money/revenue: must be between 0 and 1000000000, got -1"},
        {R"("money": 80, )", "x: /money: must be an object"},
        {R"("word_of_mouth": {"critic_threshold": -2}, )",
         "x: /word_of_mouth/critic_threshold: must be between -1 and 1, got -2"},
    };
    for (const Case& c : cases) {
        const auto r = load_scenario(head + c.blocks + moments);
        INFO("blocks: " << c.blocks);
        INFO(formatted(r));
        CHECK_FALSE(r.ok());
        CHECK(has_problem(r, c.problem));
    }
    // Per moment: reviews by group and costs.
    const struct {
        const char* moment_keys;
        const char* problem;
    } moment_cases[] = {
        {R"("review": {"promoter": 0.1, "passive": 0.02})", "x: /moments/0/review: missing required key 'detractor'"},
        {R"("review": {"promoter": 0.1, "passive": 0.02, "detractor": 1.1})",
         "x: /moments/0/review/detractor: must be between 0 and 1, got 1.1"},
        {R"("review": [0.1, 0.2, 0.3])", "x: /moments/0/review: must be a probability (0 to 1) or {"},
        {R"("cost": {"visit": -1})", "x: /moments/0/cost/visit: must be between 0 and 1000000000, got -1"},
        {R"("cost": {"magic": 2e9})", "x: /moments/0/cost/magic: must be between 0 and 1000000000"},
        {R"("cost": {"improve": "cheap"})", "x: /moments/0/cost/improve: must be a number"},
        {R"("cost": 5)", "x: /moments/0/cost: must be an object"},
    };
    for (const auto& c : moment_cases) {
        const auto r =
            load_scenario(std::string(R"({"motsim": 1, "moments": [{"id": "a", "positive": 0.5, "negative": 0.2, )") +
                          c.moment_keys + "}]}");
        INFO("moment keys: " << c.moment_keys);
        INFO(formatted(r));
        CHECK_FALSE(r.ok());
        CHECK(has_problem(r, c.problem));
    }
}

// ================================================================================================
// Round trips
// ================================================================================================

TEST_CASE("loader: scenario_to_json round-trips an inline scenario with every field") {
    const auto r = load_scenario(kFullScenario);
    INFO(formatted(r));
    REQUIRE(r.ok());
    // Entry weights and cause order are preserved, and the moments cover the non-defaults.
    CHECK(r.scenario->entry.weights == std::vector<double>{0.75, 0.25});
    CHECK(r.scenario->moments[0].causes.size() == 2);
    CHECK(r.scenario->seed == std::numeric_limits<std::uint64_t>::max());
    CHECK(r.scenario->name == "Caf\xC3\xA9 test \"journey\"");
    check_round_trip(*r.scenario);
}

TEST_CASE("loader: scenario_to_json round-trips every v2 field") {
    const auto r = load_scenario(kFullV2Scenario);
    INFO(formatted(r));
    REQUIRE(r.ok());
    check_round_trip(*r.scenario);
    // The same with loyalty alone (Poisson arrivals and referrals kept), a single return moment,
    // one delay, reviews by group everywhere and NPS asked of everyone.
    Scenario s = *r.scenario;
    s.market = motsim::Market{};
    s.arrivals_per_tick = 12.5;
    s.referral_rate = 0.03;
    s.max_customers = 40000;
    s.loyalty.return_to = Route{{2}, {1.0}};
    s.loyalty.after_min = s.loyalty.after_max = 17;
    s.nps_asked = motsim::NpsAsked::Everyone;
    for (auto& m : s.moments) {
        m.review_by_group = true;
        m.review_group = {0.3, 0.0, 1.0};
        m.review = 1.0;
    }
    s.money.currency = "$";
    s.money.revenue = 0.0;
    check_round_trip(s);
    // And v2 switched off again writes no v2 block.
    s.loyalty = motsim::Loyalty{};
    s.money = motsim::Money{};
    s.nps_asked = motsim::NpsAsked::Buyers;
    s.critic_threshold = -0.5;
    for (auto& m : s.moments) m.cost = motsim::MomentCost{};
    const std::string text = motsim::io::scenario_to_json(s);
    for (const char* key : {"\"loyalty\"", "\"market\"", "\"nps\"", "\"money\"", "\"cost\"", "critic_threshold"}) {
        INFO("key " << key);
        CHECK(text.find(key) == std::string::npos);
    }
    check_round_trip(s);
}

TEST_CASE("loader: scenario_to_json round-trips the model's own defaults") {
    Scenario s;
    motsim::Moment m;
    m.id = "only";
    m.name = "only";
    m.positive = 0.25;
    m.negative = 0.25;
    m.causes = motsim::default_causes();
    m.next = {Route{{motsim::kDone}, {1.0}}, Route{{motsim::kDone}, {1.0}}, Route{{motsim::kLost}, {1.0}}};
    s.moments.push_back(m);
    s.entry = Route{{0}, {1.0}};
    check_round_trip(s);
}

TEST_CASE("loader: scenario_to_json round-trips every shipped scenario") {
    for (const auto& dir : {kSource / "assets" / "scenarios", kSource / "tests" / "scenarios"}) {
        for (const auto& f : json_files(dir)) {
            INFO("file: " << f.string());
            const auto r = motsim::io::load_scenario_file(f.string());
            if (!r.ok()) continue;  // reported by "shipped scenarios load without problems"
            check_round_trip(*r.scenario);
        }
    }
}

// ================================================================================================
// Problem formatting and robustness
// ================================================================================================

TEST_CASE("loader: format_problem") {
    using motsim::io::format_problem;
    CHECK(format_problem("f.json", {"/moments/2/positive", "must be between 0 and 1, got 1.5", false, 0, 0}) ==
          "f.json: /moments/2/positive: must be between 0 and 1, got 1.5");
    CHECK(format_problem("f.json", {"", "file is empty", false, 0, 0}) == "f.json: /: file is empty");
    CHECK(format_problem("f.json", {"/moments/1", "moment 'x' cannot be reached", true, 0, 0}) ==
          "f.json: /moments/1: warning: moment 'x' cannot be reached");
    CHECK(format_problem("f.json", {"", "syntax error", false, 3, 7}) == "f.json: line 3, column 7: syntax error");
}

TEST_CASE("loader: all problems are collected, in document order") {
    const auto r = load_scenario(R"({"motsim": 1, "ticks": 0, "moments": [
        {"id": "a", "positive": 2, "negative": -1},
        {"id": "a", "positive": 0.5, "negative": 0.2, "phse": "zmot"}]})");
    CHECK_FALSE(r.ok());
    const std::string text = formatted(r);
    INFO(text);
    CHECK(r.problems.size() == 5);
    CHECK(text.find("x: /ticks:") < text.find("x: /moments/0/positive:"));
    CHECK(has_problem(r, "x: /moments/0/negative: must be between 0 and 1, got -1"));
    CHECK(has_problem(r, "x: /moments/1/id: duplicate id 'a'"));
    CHECK(has_problem(r, "x: /moments/1/phse: unknown key 'phse' (did you mean 'phase'?)"));
}

TEST_CASE("loader: syntax errors carry line and column") {
    const auto r = load_scenario("{\n  \"motsim\": 1,\n  \"moments\": [}\n");
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].line == 3);
    CHECK(r.problems[0].column == 15);
    CHECK(r.problems[0].message.find("syntax error") == 0);
    CHECK(r.problems[0].message.find("json.exception") == std::string::npos);
}

TEST_CASE("loader: hostile input is refused without crashing") {
    // Deep nesting far beyond the limit (would overflow a recursive parser's stack).
    const std::string deep(1000000, '[');
    const auto r1 = load_scenario(deep);
    CHECK_FALSE(r1.ok());
    CHECK(has_problem(r1, "nesting is deeper than 64 levels"));
    // Brackets inside strings do not count as nesting.
    const std::string in_string = R"({"motsim": 1, "description": ")" + std::string(200, '[') +
                                  R"(", "moments": [{"id": "a", "positive": 1, "negative": 0}]})";
    CHECK(load_scenario(in_string).ok());
    // More than 16 MB.
    const std::string huge(16u * 1024u * 1024u + 1u, ' ');
    const auto r2 = load_scenario(huge);
    CHECK_FALSE(r2.ok());
    CHECK(has_problem(r2, "file is too large"));
    // Millions of tiny values: refused before the DOM grows large.
    std::string flat = "[0";
    for (int i = 0; i < 1100000; ++i) flat += ",0";
    flat += "]";
    CHECK(has_problem(load_scenario(flat), "x: /: the file holds more than 1000000 values"));
    // Invalid UTF-8 inside a string, a lone surrogate escape, NUL bytes, a missing file.
    CHECK(has_problem(load_scenario("{\"name\": \"\xC0\xAF\"}"), "invalid UTF-8: byte 0xC0 at byte offset 10"));
    CHECK_FALSE(load_scenario(R"({"motsim": 1, "name": "\ud800", "moments": []})").ok());
    CHECK_FALSE(load_scenario(std::string("{\"motsim\": 1\0}", 14)).ok());
    const auto missing = motsim::io::load_scenario_file("/nonexistent/dir/s.json");
    CHECK_FALSE(missing.ok());
    CHECK(has_problem(missing, "x: /: cannot open file"));
    // Many problems: the list is capped and says so.
    std::string many = R"({"motsim": 1, "moments": [)";
    for (int i = 0; i < 500; ++i) many += std::string(i ? "," : "") + R"({"id": "a", "positive": 5, "negative": 0})";
    many += "]}";
    const auto r3 = load_scenario(many);
    CHECK_FALSE(r3.ok());
    CHECK(r3.problems.size() <= 101);
    CHECK(has_problem(r3, "more problems not shown"));
}

TEST_CASE("loader: every prefix and byte flip of a valid file is handled") {
    // A small fuzz: truncations and corruptions must give problems, never a crash or throw.
    const std::string text = kFullScenario;
    for (std::size_t n = 0; n < text.size(); ++n) {
        const auto r = load_scenario(std::string_view(text).substr(0, n));
        CHECK_FALSE(r.ok());
        CHECK_FALSE(r.problems.empty());
    }
    const char replacements[] = {'"', '{', '}', '[', ']', ',', ':', '\\', '0', '-', 'e', '\xff'};
    for (std::size_t i = 0; i < text.size(); i += 3) {
        for (char c : replacements) {
            std::string t = text;
            t[i] = c;
            const auto r = load_scenario(t);
            CHECK((r.ok() || !r.problems.empty()));
        }
    }
}

// ================================================================================================
// Graph checks (engine/graph.h)
// ================================================================================================

TEST_CASE("graph: reachability and exits follow possible outcomes only") {
    const auto r = load_scenario(R"({"motsim": 1, "moments": [
        {"id": "a", "positive": 1, "negative": 0, "next": {"neutral": "c", "negative": "c"}},
        {"id": "b", "positive": 0.5, "negative": 0.5, "next": {"positive": "done"}},
        {"id": "c", "positive": 0.5, "negative": 0.5}]})");
    INFO(formatted(r));
    REQUIRE(r.ok());  // "c" unreachable is only a warning
    const Scenario& s = *r.scenario;
    CHECK(motsim::reachable_moments(s) == std::vector<bool>{true, true, false});
    CHECK(motsim::moments_that_can_finish(s) == std::vector<bool>{true, true, true});
    const auto issues = motsim::check_graph(s);
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].kind == motsim::GraphIssue::Kind::Unreachable);
    CHECK(issues[0].moment == 2);
    CHECK_FALSE(issues[0].error);
    CHECK(has_problem(r, "x: /moments/2: warning: moment 'c' cannot be reached"));

    // A loop whose only exit has probability 0 cannot finish.
    Scenario loop = s;
    loop.moments[2].next[2] = Route{{2}, {1.0}};  // negative loops back
    loop.moments[2].next[0] = Route{{2}, {1.0}};
    const auto finish = motsim::moments_that_can_finish(loop);
    CHECK_FALSE(finish[2]);
    const auto loop_issues = motsim::check_graph(loop);
    CHECK(std::any_of(loop_issues.begin(), loop_issues.end(), [](const motsim::GraphIssue& g) {
        return g.kind == motsim::GraphIssue::Kind::NoExit && g.moment == 2 && g.error;
    }));
}
