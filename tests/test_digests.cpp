// Pinned numbers (issue 10): every row of tests/digests/digests.txt - scenario, seed, ticks,
// engine -> digest - is run again here and must give the same digest. The same test binary runs
// natively and in WebAssembly under Node (ctest -R '^unit$' in both build folders), so one table
// pins both, and both must agree with it. A change of numbers that is deliberate is recorded by
// scripts/update-digests.sh (docs/determinism.md); anything else that fails here is a bug.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cohort_digest.h"
#include "engine/cohort.h"
#include "engine/simulation.h"
#include "io/loader.h"

using namespace motsim;

namespace {

const std::string kSource = MOTSIM_SOURCE_DIR;

struct Row {
    std::string scenario, seed, engine, digest;
    int ticks = 0;
    int line = 0;
};

std::vector<Row> read_table() {
    std::ifstream in(kSource + "/tests/digests/digests.txt");
    REQUIRE_MESSAGE(in.good(), "tests/digests/digests.txt is missing (scripts/update-digests.sh)");
    std::vector<Row> rows;
    std::string text;
    int line = 0;
    while (std::getline(in, text)) {
        ++line;
        if (text.empty() || text[0] == '#') continue;
        std::istringstream fields(text);
        Row r;
        r.line = line;
        fields >> r.scenario >> r.seed >> r.ticks >> r.engine >> r.digest;
        std::string extra;
        CAPTURE(text);
        REQUIRE_MESSAGE(!fields.fail(), "digests.txt line ", line, " does not have 5 fields");
        REQUIRE_MESSAGE(!(fields >> extra), "digests.txt line ", line, " has more than 5 fields");
        rows.push_back(r);
    }
    return rows;
}

// The digest the command line prints for `motsim run SCENARIO --engine E --ticks T [--seed S]`.
std::string run_digest(const Row& r) {
    io::LoadResult loaded = io::load_scenario_file(kSource + "/" + r.scenario);
    REQUIRE_MESSAGE(loaded.ok(), r.scenario, " does not load");
    Scenario s = *loaded.scenario;
    s.ticks = r.ticks;
    const std::uint64_t seed = r.seed == "-" ? s.seed : std::stoull(r.seed);
    if (r.engine == "agent") {
        Simulation sim(s, seed);
        sim.run_to_end();
        return sim.digest();
    }
    const bool expected = r.engine == "expected";
    REQUIRE_MESSAGE((expected || r.engine == "cohort"), "unknown engine ", r.engine);
    Cohort c(s, seed, CohortOptions{expected ? CohortMode::Expected : CohortMode::Stochastic, 41});
    c.run_to_end();
    return cli::cohort_digest(c);
}

}  // namespace

TEST_CASE("digests: every pinned run gives its pinned digest") {
    const std::vector<Row> rows = read_table();
    REQUIRE(!rows.empty());
    int failed = 0;
    for (const Row& r : rows) {
        const std::string got = run_digest(r);
        if (got != r.digest) ++failed;
        CHECK_MESSAGE(got == r.digest, "tests/digests/digests.txt:", r.line, ": ", r.scenario, " seed ", r.seed,
                      " ticks ", r.ticks, " ", r.engine, ": pinned ", r.digest, ", now ", got);
    }
    MESSAGE(rows.size(), " pinned runs, ", failed, " changed");
}

TEST_CASE("digests: every shipped and test scenario is pinned for every engine") {
    const std::vector<Row> rows = read_table();
    std::set<std::string> pinned;  // "scenario engine"
    for (const Row& r : rows) pinned.insert(r.scenario + " " + r.engine);
    int scenarios = 0;
    for (const char* dir : {"assets/scenarios", "tests/scenarios"}) {
        std::vector<std::string> files;
        for (const auto& e : std::filesystem::directory_iterator(kSource + "/" + dir))
            if (e.path().extension() == ".json") files.push_back(std::string(dir) + "/" + e.path().filename().string());
        std::sort(files.begin(), files.end());
        for (const std::string& f : files) {
            ++scenarios;
            for (const char* engine : {"agent", "cohort", "expected"})
                CHECK_MESSAGE(pinned.count(f + " " + engine) == 1, f, " has no pinned ", engine,
                              " digest: run scripts/update-digests.sh");
        }
    }
    CHECK(scenarios >= 11);  // 6 shipped + 5 test scenarios when this was written
}

TEST_CASE("digests: the cohort digest sees a change in any number") {
    // A digest that ignored a field would let that field drift unpinned: change one input and
    // the digest must change; run the same thing twice and it must not.
    io::LoadResult loaded = io::load_scenario_file(kSource + "/tests/scenarios/loop.json");
    REQUIRE(loaded.ok());
    Scenario s = *loaded.scenario;
    s.ticks = 30;
    auto digest = [](const Scenario& sc, std::uint64_t seed, CohortMode mode) {
        Cohort c(sc, seed, CohortOptions{mode, 41});
        c.run_to_end();
        return cli::cohort_digest(c);
    };
    const std::string base = digest(s, 7, CohortMode::Stochastic);
    CHECK(base.size() == 16);
    CHECK(digest(s, 7, CohortMode::Stochastic) == base);
    CHECK(digest(s, 8, CohortMode::Stochastic) != base);
    CHECK(digest(s, 7, CohortMode::Expected) != base);
    Scenario t = s;
    t.ticks = 31;
    CHECK(digest(t, 7, CohortMode::Stochastic) != base);
    Scenario u = s;
    u.moments[0].positive += 1e-9;  // a tiny change of odds still moves some expected count
    CHECK(digest(u, 7, CohortMode::Expected) != digest(s, 7, CohortMode::Expected));
}
