// The `motsim` command line: run, analyze, validate, the experiments and package. Same code natively and under Node (wasm).
// Exit codes: 0 ok, 1 bad input (the scenario or a file), 2 usage.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <optional>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cli/experiments_cli.h"
#include "cli/common.h"
#include "cli/memory.h"
#include "cli/package_cli.h"
#include "engine/analysis.h"
#include "engine/cohort.h"
#include "engine/simulation.h"
#include "io/loader.h"
#include "engine/money.h"
#include "io/results.h"

namespace {

using namespace motsim;

using namespace motsim::cli;

const char* kHelp =
    "motsim - a moments-of-truth customer-journey simulator\n"
    "\n"
    "usage:\n"
    "  motsim run FILE [--seed N] [--ticks N] [--engine agent|cohort|expected] [--json PATH|-]\n"
    "             [--csv PATH|-] [--max-memory SIZE]\n"
    "      simulate the scenario and print a summary; --json writes the metrics (with a digest),\n"
    "      --csv the per-tick series ('-' = standard output, then no summary is printed)\n"
    "      a run estimated to need more than 2G of memory is refused unless --max-memory\n"
    "      allows it (SIZE like 8G, 512M; also for replicate, sweep and rank)\n"
    "  motsim analyze FILE [--json]\n"
    "      the exact Markov analysis: absorption, expected visits, purchases and ticks,\n"
    "      removal effect and lift per moment\n"
    "  motsim validate FILE\n"
    "      check a scenario; problems go to standard error as FILE: /json/pointer: message\n"
    "      (a warning, exit 0, when a run would need more than the 2G default memory limit)\n"
    "%s"
    "%s"
    "  motsim --help\n"
    "\n"
    "exit status: 0 ok, 1 bad input, 2 usage\n";

std::string pct(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f%%", 100.0 * v);
    return b;
}

void print_summary(const Simulation& sim) {
    const Scenario& sc = sim.scenario();
    const Totals& t = sim.totals();
    std::printf("%s - seed %llu, %d %ss\n", sc.name.c_str(), static_cast<unsigned long long>(sim.seed()), sim.tick(),
                sc.time_unit.c_str());
    std::printf("  customers  %lld arrived (%lld referred); %lld done, %lld lost, %lld still in the journey\n",
                static_cast<long long>(t.arrivals), static_cast<long long>(t.referrals), static_cast<long long>(t.done),
                static_cast<long long>(t.lost), static_cast<long long>(sim.active()));
    const double conv = t.arrivals ? static_cast<double>(t.purchases) / static_cast<double>(t.arrivals) : 0.0;
    if (sc.loyalty.enabled)  // returners buy again: purchases per customer, not a conversion rate
        std::printf("  purchases  %lld (%.2f per customer, returns included)\n", static_cast<long long>(t.purchases), conv);
    else
        std::printf("  purchases  %lld (conversion %s)\n", static_cast<long long>(t.purchases), pct(conv).c_str());
    const char* asked = sc.nps_asked == NpsAsked::Buyers     ? "buyers"
                        : sc.nps_asked == NpsAsked::Finished ? "customers who finished"
                                                             : "customers who left";
    char nps[32] = "-";
    if (!std::isnan(t.nps())) std::snprintf(nps, sizeof nps, "%+.1f", t.nps());
    std::printf("  NPS        %s over %lld %s asked   rating %.2f (%lld positive, %lld negative reviews)\n", nps,
                static_cast<long long>(t.promoters + t.passives + t.detractors), asked, sim.rating(),
                static_cast<long long>(t.reviews_positive), static_cast<long long>(t.reviews_negative));
    std::printf("  advocates  %lld\n", static_cast<long long>(t.advocates));
    if (sc.loyalty.enabled) {
        const double b = static_cast<double>(t.buyers[0]);
        auto share = [&](std::int64_t n) { return b > 0 ? pct(static_cast<double>(n) / b) : std::string("-"); };
        std::printf("  returns    %lld came back, %lld waiting to; buyers with 1, 2, 3+ purchases %s, %s, %s\n",
                    static_cast<long long>(t.returns), static_cast<long long>(t.waiting),
                    share(t.buyers[0] - t.buyers[1]).c_str(), share(t.buyers[1] - t.buyers[2]).c_str(),
                    share(t.buyers[2]).c_str());
    }
    if (sc.market.enabled) {
        std::printf("  market     %lld of %lld reached (%s); %lld advocates, %lld critics by their latest visit\n",
                    static_cast<long long>(t.arrivals), static_cast<long long>(sc.market.size),
                    pct(static_cast<double>(t.arrivals) / static_cast<double>(sc.market.size)).c_str(),
                    static_cast<long long>(t.market_advocates), static_cast<long long>(t.market_critics));
    }
    if (sc.money.enabled) {
        const Ledger l = ledger_of(sc, t, sim.moments());
        const char* cur = sc.money.currency.c_str();
        std::printf("  money      revenue %.2f %s, cost %.2f %s, profit %.2f %s (%.2f %s per customer)\n", l.revenue, cur,
                    l.cost, cur, l.profit, cur, l.per_customer, cur);
    }
    std::printf("\n");
    std::printf("  %-18s %-8s %9s %9s %9s %9s %7s %10s  %s\n", "moment", "phase", "entered", "positive", "neutral",
                "negative", "magic", "lost after", "top cause of negatives");
    for (std::size_t m = 0; m < sc.moments.size(); ++m) {
        const Moment& mo = sc.moments[m];
        const MomentStats& st = sim.moments()[m];
        std::string cause = "-";
        std::int64_t best = 0;
        for (std::size_t c = 0; c < st.causes.size(); ++c)
            if (st.causes[c] > best) {
                best = st.causes[c];
                cause = mo.causes[c].name + " (" + std::to_string(st.causes[c]) + ")";
            }
        std::printf("  %-18s %-8s %9lld %9lld %9lld %9lld %7lld %10lld  %s\n", mo.id.c_str(),
                    sc.phases[static_cast<std::size_t>(mo.phase)].c_str(), static_cast<long long>(st.entered),
                    static_cast<long long>(st.positive), static_cast<long long>(st.neutral),
                    static_cast<long long>(st.negative), static_cast<long long>(st.magic),
                    static_cast<long long>(st.lost_after), cause.c_str());
    }
    std::printf("\n  digest %s\n", sim.digest().c_str());
}

int cmd_run(const std::vector<std::string>& args) {
    std::string file, json_path, csv_path, engine = "agent";
    std::optional<std::uint64_t> seed;
    std::optional<int> ticks;
    std::uint64_t max_memory = kDefaultMaxMemory;
    for (std::size_t k = 0; k < args.size(); ++k) {
        const std::string& a = args[k];
        auto value = [&](const char* what) -> const std::string* {
            if (k + 1 >= args.size()) return nullptr;
            (void)what;
            return &args[++k];
        };
        if (a == "--seed") {
            const std::string* v = value("seed");
            std::uint64_t s;
            if (!v || !parse_seed(*v, s)) return usage("--seed needs a non-negative integer");
            seed = s;
        } else if (a == "--ticks") {
            const std::string* v = value("ticks");
            long long n;
            if (!v || !parse_int(*v, 1, 100000, n)) return usage("--ticks needs an integer from 1 to 100000");
            ticks = static_cast<int>(n);
        } else if (a == "--json") {
            const std::string* v = value("json");
            if (!v) return usage("--json needs a path or -");
            json_path = *v;
        } else if (a == "--engine") {
            const std::string* v = value("engine");
            if (!v || (*v != "agent" && *v != "cohort" && *v != "expected"))
                return usage("--engine needs agent, cohort or expected");
            engine = *v;
        } else if (a == "--max-memory") {
            const std::string* v = value("max-memory");
            if (!v || !parse_size(*v, max_memory)) return usage("--max-memory needs a size like 8G, 512M or 1.5G");
        } else if (a == "--csv") {
            const std::string* v = value("csv");
            if (!v) return usage("--csv needs a path or -");
            csv_path = *v;
        } else if (!a.empty() && a[0] == '-' && a != "-") {
            return usage("unknown option " + a);
        } else if (file.empty()) {
            file = a;
        } else {
            return usage("run takes one scenario file");
        }
    }
    if (file.empty()) return usage("run needs a scenario file");
    if (json_path == "-" && csv_path == "-") return usage("only one of --json and --csv can be -");
    std::optional<Scenario> sc = load(file);
    if (!sc) return kBadInput;
    if (ticks) sc->ticks = *ticks;
    if (engine != "agent") {
        if (!csv_path.empty()) return usage("--csv is for the agent engine");
        if (!within_limit(file, estimate_cohort(*sc), max_memory, "this run of the " + engine + " engine"))
            return kBadInput;
        return motsim::cli::run_cohort(*sc, seed.value_or(sc->seed), engine == "expected", json_path);
    }
    if (!within_limit(file, estimate_agent(*sc), max_memory, "this run")) return kBadInput;
    Simulation sim(*sc, seed.value_or(sc->seed));
    sim.run_to_end();
    if (json_path != "-" && csv_path != "-") print_summary(sim);
    if (!json_path.empty() && !write_text(json_path, io::results_json(sim))) return kBadInput;
    if (!csv_path.empty() && !write_text(csv_path, io::series_csv(sim))) return kBadInput;
    return kOk;
}

int cmd_analyze(const std::vector<std::string>& args) {
    std::string file;
    bool json = false;
    for (const std::string& a : args) {
        if (a == "--json")
            json = true;
        else if (!a.empty() && a[0] == '-')
            return usage("unknown option " + a);
        else if (file.empty())
            file = a;
        else
            return usage("analyze takes one scenario file");
    }
    if (file.empty()) return usage("analyze needs a scenario file");
    std::optional<Scenario> sc = load(file);
    if (!sc) return kBadInput;
    const Analysis a = analyze(*sc);
    if (json) {
        std::cout << io::analysis_json(*sc, a);
        if (!a.ok) std::cerr << file << ": cannot analyse: " << a.message << "\n";
        return a.ok ? kOk : kBadInput;
    }
    std::printf("%s - exact analysis (absorbing Markov chain)\n", sc->name.c_str());
    if (!a.ignores.empty()) {  // v2: what breaks the chain, one line each (analysis.h)
        std::printf("  note: the exact analysis ignores what breaks the chain and describes the rest:\n");
        for (const std::string& what : a.ignores) std::printf("    - %s\n", what.c_str());
    }
    if (!a.ok) {
        std::printf("  cannot analyse: %s\n", a.message.c_str());
        return kBadInput;
    }
    if (a.loyalty && a.lifetime_bounded)
        std::printf("  loyalty: over a lifetime of returns, %.4f completions and %.4f returns per customer; the\n"
                    "           numbers below are per customer over that lifetime\n",
                    a.expected_completions, a.expected_returns);
    else if (a.loyalty)
        std::printf("  loyalty: unbounded (base x P(done) >= 1: customers come back forever); the numbers\n"
                    "           below are one journey's, without returns\n");
    std::printf("  per arriving customer: done %s, lost %s, expected purchases %.4f, expected %ss %.2f\n\n",
                pct(a.done).c_str(), pct(a.lost).c_str(), a.expected_purchases, sc->time_unit.c_str(),
                a.expected_ticks);
    std::printf("  %-18s %10s %10s %10s\n", "moment", "visits", "removal", "lift");
    for (std::size_t m = 0; m < sc->moments.size(); ++m)
        std::printf("  %-18s %10.4f %10s %10.4f\n", sc->moments[m].id.c_str(), a.expected_visits[m],
                    pct(a.removal_effect[m]).c_str(), a.lift[m]);
    return kOk;
}

int cmd_validate(const std::vector<std::string>& args) {
    if (args.size() != 1 || (!args[0].empty() && args[0][0] == '-' && args[0] != "-"))
        return usage("validate takes one scenario file");
    const std::optional<Scenario> sc = load(args[0]);
    if (!sc) return kBadInput;
    // Valid, but perhaps too big to run as it stands: say so now rather than at `run`.
    const MemoryEstimate agent = estimate_agent(*sc), cohort = estimate_cohort(*sc);
    if (agent.bytes > static_cast<double>(kDefaultMaxMemory)) {
        char customers[64];
        std::snprintf(customers, sizeof customers, "%.0f", agent.customers);
        std::cerr << args[0] << ": /population: warning: a run with the agent engine needs about "
                  << format_bytes(agent.bytes) << " of memory (up to " << customers
                  << " customers at once), more than the default limit of "
                  << format_bytes(static_cast<double>(kDefaultMaxMemory))
                  << ": motsim run refuses it unless --max-memory allows it";
        if (cohort.bytes <= static_cast<double>(kDefaultMaxMemory))
            std::cerr << " (the cohort engine needs about " << format_bytes(cohort.bytes) << ")";
        std::cerr << "\n";
    }
    if (cohort.bytes > static_cast<double>(kDefaultMaxMemory))
        std::cerr << args[0] << ": /moments: warning: a run with the cohort engine needs about "
                  << format_bytes(cohort.bytes) << " of memory for its cells (moments x dwell x segments x "
                  << CohortOptions{}.buckets << " impression points), more than the default limit of "
                  << format_bytes(static_cast<double>(kDefaultMaxMemory)) << "\n";
    return kOk;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage("no command");
    const std::string cmd = args[0];
    args.erase(args.begin());
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        std::string help = kHelp;  // the experiment commands go where "%s" stands
        help.replace(help.find("%s"), 2, motsim::cli::kExperimentsHelp);
        help.replace(help.find("%s"), 2, motsim::cli::kPackageHelp);
        std::cout << help;
        return kOk;
    }
    if (cmd == "run") return cmd_run(args);
    if (cmd == "analyze") return cmd_analyze(args);
    if (cmd == "validate") return cmd_validate(args);
    if (cmd == "replicate") return motsim::cli::cmd_replicate(args);
    if (cmd == "sweep") return motsim::cli::cmd_sweep(args);
    if (cmd == "rank") return motsim::cli::cmd_rank(args);
    if (cmd == "package") return motsim::cli::cmd_package(args, argv[0]);
    return usage("unknown command " + cmd);
}
