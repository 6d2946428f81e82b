// replicate, sweep, rank and `run --engine cohort|expected` (see experiments_cli.h).
#include "cli/experiments_cli.h"

#include "cli/cohort_digest.h"
#include "cli/common.h"
#include "cli/memory.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "engine/cohort.h"
#include "engine/experiments.h"
#include "engine/parameters.h"
#include "io/loader.h"
#include "io/results.h"

namespace motsim::cli {

const char* kExperimentsHelp =
    "  motsim run FILE --engine agent|cohort|expected ...\n"
    "      cohort: the engine that moves counts (100 million customers are cheap);\n"
    "      expected: the same without randomness (fractional customers)\n"
    "  motsim replicate FILE [--runs N] [--seed N] [--threads N] [--json PATH|-]\n"
    "      N runs with seeds derived from the master seed: mean and 95% interval of every\n"
    "      metric, per moment and per tick (bands in the JSON)\n"
    "  motsim sweep FILE --param PATH --values LO:HI:STEPS [--param2 PATH --values2 LO:HI:STEPS]\n"
    "               [--runs N] [--seed N] [--threads N] [--csv PATH|-] [--json PATH|-]\n"
    "      vary one or two parameters (e.g. /moments/check_in/positive) over a grid\n"
    "  motsim rank FILE [--delta 0.05] [--by purchases|profit] [--runs N] [--seed N] [--threads N]\n"
    "               [--json PATH|-]\n"
    "      where to invest: per moment the exact lift and removal effect and the simulated\n"
    "      effect of raising its positive odds by delta, ranked; --by profit ranks the moments\n"
    "      with an improvement cost by profit gained per unit of that cost (money block)\n"
    "  replicate, sweep and rank take --max-memory SIZE as run does (the estimate counts the\n"
    "      runs done at once, one per thread, and every run's kept summary)\n";

namespace {

using nlohmann::ordered_json;

// LO:HI:STEPS
bool parse_grid(const std::string& text, std::vector<double>& out) {
    const std::size_t a = text.find(':');
    const std::size_t b = a == std::string::npos ? a : text.find(':', a + 1);
    if (b == std::string::npos) return false;
    double lo, hi;
    long long steps;
    if (!parse_double(text.substr(0, a), lo) || !parse_double(text.substr(a + 1, b - a - 1), hi) ||
        !parse_int(text.substr(b + 1), 1, 1000, steps))
        return false;
    out = grid(lo, hi, static_cast<int>(steps));
    return true;
}

// FILE and --name VALUE options; every option takes a value. Returns an error or "".
struct Args {
    std::string file;
    std::map<std::string, std::string> options;
    bool has(const std::string& k) const { return options.count(k) > 0; }
    const std::string& get(const std::string& k) const { return options.at(k); }
};
std::string parse_args(const std::vector<std::string>& args, const std::vector<std::string>& known, Args& out) {
    for (std::size_t k = 0; k < args.size(); ++k) {
        const std::string& a = args[k];
        if (a.size() > 1 && a[0] == '-') {
            bool ok = false;
            for (const std::string& name : known) ok = ok || a == "--" + name;
            if (!ok) return "unknown option " + a;
            if (k + 1 >= args.size()) return a + " needs a value";
            out.options[a.substr(2)] = args[++k];
        } else if (out.file.empty()) {
            out.file = a;
        } else {
            return "one scenario file only";
        }
    }
    return out.file.empty() ? "a scenario file is needed" : "";
}

// --runs, --seed, --threads into options; returns an error or "".
std::string common_options(const Args& a, const Scenario& s, int default_runs, ExperimentOptions& o) {
    long long v;
    o.runs = default_runs;
    o.master_seed = s.seed;
    if (a.has("runs")) {
        if (!parse_int(a.get("runs"), 2, 100000, v)) return "--runs needs an integer from 2 to 100000";
        o.runs = static_cast<int>(v);
    }
    if (a.has("seed")) {
        const std::string& t = a.get("seed");
        char* end = nullptr;
        errno = 0;
        const unsigned long long seed = std::strtoull(t.c_str(), &end, 10);
        if (t.empty() || t[0] == '-' || errno || *end != '\0') return "--seed needs a non-negative integer";
        o.master_seed = seed;
    }
    if (a.has("threads")) {
        if (!parse_int(a.get("threads"), 1, 256, v)) return "--threads needs an integer from 1 to 256";
        o.threads = static_cast<int>(v);
    }
    return "";
}

// --max-memory SIZE into limit; returns an error or "".
std::string memory_option(const Args& a, std::uint64_t& limit) {
    limit = kDefaultMaxMemory;
    if (a.has("max-memory") && !parse_size(a.get("max-memory"), limit))
        return "--max-memory needs a size like 8G, 512M or 1.5G";
    return "";
}

// Whether `runs` runs of `variants` scenarios (the largest run of them: `one`) fit the limit.
bool experiment_fits(const Args& a, const Scenario& s, const MemoryEstimate& one, const ExperimentOptions& o, int runs,
                     int variants, std::uint64_t limit, const char* what) {
    const double total = static_cast<double>(runs) * variants;  // up to 1e11 for a big sweep
    const int threads = static_cast<int>(std::max(1.0, std::min<double>(resolve_threads(o.threads), total)));
    return within_limit(a.file, estimate_experiment(one, s, threads, total, variants), limit, what);
}

// The experiments' JSON, the same as the app's exports (io/results.h).
using io::interval_json;
using io::metrics_json;
using io::moments_json;

std::string pm(const Interval& i, const char* fmt) {
    char a[64], b[64], out[160];
    std::snprintf(a, sizeof a, fmt, i.mean);
    std::string plain = fmt;  // the half width never needs a sign
    plain.erase(std::remove(plain.begin(), plain.end(), '+'), plain.end());
    std::snprintf(b, sizeof b, plain.c_str(), i.half_width());
    std::snprintf(out, sizeof out, "%s +- %s", a, b);
    return out;
}

}  // namespace

// ==== replicate =================================================================================

int cmd_replicate(const std::vector<std::string>& args) {
    Args a;
    if (const std::string e = parse_args(args, {"runs", "seed", "threads", "json", "max-memory"}, a); !e.empty())
        return usage("replicate: " + e);
    std::optional<Scenario> sc = load(a.file);
    if (!sc) return kBadInput;
    ExperimentOptions o;
    if (const std::string e = common_options(a, *sc, 20, o); !e.empty()) return usage(e);
    std::uint64_t limit;
    if (const std::string e = memory_option(a, limit); !e.empty()) return usage(e);
    if (!experiment_fits(a, *sc, estimate_agent(*sc), o, o.runs, 1, limit, "this replication")) return kBadInput;
    const ReplicationResult r = replicate(*sc, o);
    const std::string json_path = a.has("json") ? a.get("json") : "";
    if (json_path != "-") {
        std::printf("%s - %d runs, master seed %llu, %d %ss each; mean and 95%% interval\n", sc->name.c_str(), r.runs,
                    static_cast<unsigned long long>(o.master_seed), sc->ticks, sc->time_unit.c_str());
        for (int k = 0; k < kMetricCount; ++k) {
            const Interval& i = r.metrics[static_cast<std::size_t>(k)];
            const bool ratio = k == static_cast<int>(Metric::Conversion) || k == static_cast<int>(Metric::Rating);
            if (ratio)
                std::printf("  %-11s %s   [%.4f, %.4f]\n", metric_name(static_cast<Metric>(k)), pm(i, "%.4f").c_str(),
                            i.lo, i.hi);
            else
                std::printf("  %-11s %s   [%.1f, %.1f]\n", metric_name(static_cast<Metric>(k)), pm(i, "%.1f").c_str(),
                            i.lo, i.hi);
        }
        std::printf("\n  %-18s %22s %22s %22s\n", "moment", "entered", "negative", "lost after");
        for (std::size_t m = 0; m < sc->moments.size(); ++m)
            std::printf("  %-18s %22s %22s %22s\n", sc->moments[m].id.c_str(), pm(r.moments[m][0], "%.1f").c_str(),
                        pm(r.moments[m][1], "%.1f").c_str(), pm(r.moments[m][2], "%.1f").c_str());
    }
    if (!json_path.empty()) {
        ordered_json j;
        j["scenario"] = sc->name;
        j["runs"] = r.runs;
        j["master_seed"] = o.master_seed;
        j["ticks"] = sc->ticks;
        j["metrics"] = metrics_json(r.metrics);
        j["moments"] = moments_json(*sc, r.moments);
        ordered_json bands = ordered_json::object();
        for (int s = 0; s < kSeriesCount; ++s) {
            ordered_json rows = ordered_json::array();
            for (const Band& b : r.bands[static_cast<std::size_t>(s)])
                rows.push_back({b.p2_5, b.p25, b.median, b.p75, b.p97_5});
            bands[series_name(static_cast<Series>(s))] = rows;
        }
        j["bands_columns"] = {"p2_5", "p25", "median", "p75", "p97_5"};
        j["bands"] = bands;
        if (!write_text(json_path, j.dump(2) + "\n")) return kBadInput;
    }
    return kOk;
}

// ==== sweep =====================================================================================

int cmd_sweep(const std::vector<std::string>& args) {
    Args a;
    if (const std::string e = parse_args(
            args, {"param", "values", "param2", "values2", "runs", "seed", "threads", "csv", "json", "max-memory"}, a);
        !e.empty())
        return usage("sweep: " + e);
    if (!a.has("param") || !a.has("values")) return usage("sweep needs --param PATH and --values LO:HI:STEPS");
    if (a.has("param2") != a.has("values2")) return usage("--param2 and --values2 go together");
    std::vector<SweepAxis> axes(1);
    axes[0].path = a.get("param");
    if (!parse_grid(a.get("values"), axes[0].values)) return usage("--values needs LO:HI:STEPS (steps 1 to 1000)");
    if (a.has("param2")) {
        axes.emplace_back();
        axes[1].path = a.get("param2");
        if (!parse_grid(a.get("values2"), axes[1].values))
            return usage("--values2 needs LO:HI:STEPS (steps 1 to 1000)");
    }
    const std::string csv_path = a.has("csv") ? a.get("csv") : "", json_path = a.has("json") ? a.get("json") : "";
    if (csv_path == "-" && json_path == "-") return usage("only one of --csv and --json can be -");
    std::optional<Scenario> sc = load(a.file);
    if (!sc) return kBadInput;
    ExperimentOptions o;
    if (const std::string e = common_options(a, *sc, 10, o); !e.empty()) return usage(e);
    std::uint64_t limit;
    if (const std::string e = memory_option(a, limit); !e.empty()) return usage(e);
    {
        // The largest point: every estimated quantity grows with the population, dwell and tick
        // parameters, so the largest run is at a corner of the grid.
        MemoryEstimate largest = estimate_agent(*sc);
        const std::size_t corners = std::size_t{1} << axes.size();
        for (std::size_t c = 0; c < corners; ++c) {
            Scenario v = *sc;
            std::string ignored;  // a bad path is reported by the sweep itself
            bool ok = true;
            for (std::size_t k = 0; k < axes.size(); ++k) {
                const auto [lo, hi] = std::minmax_element(axes[k].values.begin(), axes[k].values.end());
                ok = ok && set_parameter(v, axes[k].path, (c >> k) & 1 ? *hi : *lo, ignored);
            }
            if (!ok) continue;
            const MemoryEstimate e = estimate_agent(v);
            if (e.bytes > largest.bytes) largest = e;
        }
        int points = 1;
        for (const SweepAxis& ax : axes) points *= static_cast<int>(ax.values.size());
        if (!experiment_fits(a, *sc, largest, o, o.runs, points, limit, "this sweep")) return kBadInput;
    }
    std::string error;
    const SweepResult r = sweep(*sc, axes, o, error);
    if (!error.empty()) {
        std::cerr << a.file << ": " << error << "\n";
        return kBadInput;
    }
    const Metric shown[] = {Metric::Conversion, Metric::Purchases, Metric::Nps, Metric::Rating};
    if (csv_path != "-" && json_path != "-") {
        std::printf("%s - sweep, %d runs per point (same seeds at every point)\n", sc->name.c_str(), r.runs);
        std::printf("  %-14s", axes[0].path.size() > 14 ? "value" : axes[0].path.c_str());
        if (axes.size() > 1) std::printf(" %-14s", "value 2");
        for (Metric m : shown) std::printf(" %24s", metric_name(m));
        std::printf("\n");
        for (const SweepPoint& p : r.points) {
            for (double v : p.values) std::printf("  %-14g", v);
            for (Metric m : shown)
                std::printf(" %24s",
                            pm(p.metric(m), m == Metric::Purchases || m == Metric::Nps ? "%.1f" : "%.4f").c_str());
            std::printf("\n");
        }
    }
    if (!csv_path.empty()) {
        std::string csv;
        for (const SweepAxis& ax : axes) csv += ax.path + ",";
        csv += "runs";
        for (int k = 0; k < kMetricCount; ++k) {
            const std::string n = metric_name(static_cast<Metric>(k));
            csv += "," + n + "," + n + "_lo," + n + "_hi";
        }
        csv += "\n";
        char buf[128];
        for (const SweepPoint& p : r.points) {
            for (double v : p.values) {
                std::snprintf(buf, sizeof buf, "%.17g,", v);
                csv += buf;
            }
            csv += std::to_string(p.runs);
            for (const Interval& i : p.metrics) {
                std::snprintf(buf, sizeof buf, ",%.17g,%.17g,%.17g", i.mean, i.lo, i.hi);
                csv += buf;
            }
            csv += "\n";
        }
        if (!write_text(csv_path, csv)) return kBadInput;
    }
    if (!json_path.empty()) {
        ordered_json j;
        j["scenario"] = sc->name;
        j["runs"] = r.runs;
        j["master_seed"] = o.master_seed;
        ordered_json ax = ordered_json::array();
        for (const SweepAxis& x : axes) ax.push_back({{"path", x.path}, {"values", x.values}});
        j["axes"] = ax;
        ordered_json pts = ordered_json::array();
        for (const SweepPoint& p : r.points)
            pts.push_back({{"values", p.values},
                           {"runs", p.runs},
                           {"metrics", metrics_json(p.metrics)},
                           {"moments", moments_json(*sc, p.moments)}});
        j["points"] = pts;
        if (!write_text(json_path, j.dump(2) + "\n")) return kBadInput;
    }
    return kOk;
}

// ==== rank ======================================================================================

namespace {

// rank --by profit: the moments with an improvement cost, by profit gained per unit of it.
void print_profit_rank(const Scenario& sc, const RankResult& r) {
    const char* cur = sc.money.currency.c_str();
    std::printf(
        "%s - where to invest by profit: raise the positive odds of each moment with an improvement\n"
        "  cost by %.3g; profit gained per unit of that cost\n",
        sc.name.c_str(), r.delta);
    std::printf("  profit per run now %s %s (%d paired runs, same seeds); exact per customer %.4f\n",
                pm(r.base_profit, "%.2f").c_str(), cur, r.runs, r.exact_base_profit);
    if (!sc.money.enabled) std::printf("  note: the scenario has no money block: revenue per purchase is 0\n");
    if (!sc.memoryless())
        std::printf(
            "  note: the exact gain is for the journey without its feedback loops; the simulated\n"
            "        gain includes them\n");
    if (!r.analysis_ok) std::printf("  note: no exact analysis (%s)\n", r.analysis_message.c_str());
    if (r.entries.empty()) {
        std::printf("\n  no moment has an improvement cost (moments' cost.improve) and room to improve\n");
        return;
    }
    std::printf("\n  %4s  %-18s %11s %12s %26s %24s %14s\n", "rank", "moment", "p+", "step cost",
                "profit gained per run", "per unit of cost", "exact/customer");
    int place = 1;
    for (const RankEntry& e : r.entries) {
        char odds[32];
        std::snprintf(odds, sizeof odds, "%.2f->%.2f", e.positive_before, e.positive_after);
        std::printf("  %4d  %-18s %11s %12.2f %26s %24s %+14.5f\n", place++, e.id.c_str(), odds, e.improve_cost,
                    pm(e.profit_gain, "%+.2f").c_str(), pm(e.profit_per_cost, "%+.4f").c_str(), e.exact_profit_gain);
    }
}

}  // namespace

int cmd_rank(const std::vector<std::string>& args) {
    Args a;
    if (const std::string e = parse_args(args, {"delta", "by", "runs", "seed", "threads", "json", "max-memory"}, a);
        !e.empty())
        return usage("rank: " + e);
    double delta = 0.05;
    if (a.has("delta") && (!parse_double(a.get("delta"), delta) || !(delta > 0.0) || delta > 1.0))
        return usage("--delta needs a number above 0 and at most 1");
    RankBy by = RankBy::Purchases;
    if (a.has("by")) {
        if (a.get("by") == "profit")
            by = RankBy::Profit;
        else if (a.get("by") != "purchases")
            return usage("--by needs purchases or profit");
    }
    std::optional<Scenario> sc = load(a.file);
    if (!sc) return kBadInput;
    ExperimentOptions o;
    if (const std::string e = common_options(a, *sc, 20, o); !e.empty()) return usage(e);
    std::uint64_t limit;
    if (const std::string e = memory_option(a, limit); !e.empty()) return usage(e);
    if (!experiment_fits(a, *sc, estimate_agent(*sc), o, o.runs, static_cast<int>(sc->moments.size()) + 1, limit,
                         "this ranking"))
        return kBadInput;
    const RankResult r = rank(*sc, delta, o, by);
    const std::string json_path = a.has("json") ? a.get("json") : "";
    if (json_path != "-" && by == RankBy::Profit) {
        print_profit_rank(*sc, r);
    } else if (json_path != "-") {
        std::printf("%s - where to invest: raise each moment's positive odds by %.3g\n", sc->name.c_str(), delta);
        std::printf("  objective: %s per arriving customer, now %s (%d paired runs, same seeds)\n", r.objective.c_str(),
                    pm(r.base, "%.4f").c_str(), r.runs);
        if (!sc->memoryless())
            std::printf(
                "  note: lift and removal are exact for the journey without its feedback loops; the\n"
                "        simulated effect includes them\n");
        if (!r.analysis_ok) std::printf("  note: no exact analysis (%s)\n", r.analysis_message.c_str());
        std::printf("\n  %4s  %-18s %11s %9s %9s %10s  %s\n", "rank", "moment", "p+", "lift", "removal", "exact",
                    "simulated effect (95% CI)");
        int place = 1;
        for (const RankEntry& e : r.entries) {
            char odds[32];
            std::snprintf(odds, sizeof odds, "%.2f->%.2f", e.positive_before, e.positive_after);
            std::printf("  %4d  %-18s %11s %9.4f %8.1f%% %+10.5f  %s\n", place++, e.id.c_str(), odds, e.lift,
                        100.0 * e.removal_effect, e.exact_effect, pm(e.effect, "%+.5f").c_str());
        }
    }
    if (!json_path.empty()) {
        if (!write_text(json_path, io::rank_json(*sc, r, o.master_seed))) return kBadInput;
    }
    return kOk;
}

// ==== run --engine cohort|expected ================================================================

int run_cohort(const Scenario& sc, std::uint64_t seed, bool expected, const std::string& json_path) {
    Cohort c(sc, seed, CohortOptions{expected ? CohortMode::Expected : CohortMode::Stochastic, 41});
    c.run_to_end();
    const CohortTotals& t = c.totals();
    const double conv = t.arrivals > 0 ? t.purchases / t.arrivals : 0.0;
    if (json_path != "-") {
        std::printf("%s - %s engine%s, %d %ss\n", sc.name.c_str(), expected ? "expected-value" : "cohort",
                    expected ? "" : (", seed " + std::to_string(seed)).c_str(), c.tick(), sc.time_unit.c_str());
        std::printf("  customers  %.0f arrived (%.0f referred); %.0f done, %.0f lost, %.0f still in the journey\n",
                    t.arrivals, t.referrals, t.done, t.lost, c.active());
        std::printf("  purchases  %.0f (conversion %.1f%%)\n", t.purchases, 100.0 * conv);
        std::printf(
            "  NPS        %+.1f over %.0f customers who left   rating %.2f (%.0f positive, %.0f negative reviews)\n",
            t.nps(), t.promoters + t.passives + t.detractors, c.rating(), t.reviews_positive, t.reviews_negative);
        std::printf("  advocates  %.0f\n\n", t.advocates);
        std::printf("  %-18s %12s %12s %12s %12s %10s %12s\n", "moment", "entered", "positive", "neutral", "negative",
                    "magic", "lost after");
        for (std::size_t m = 0; m < sc.moments.size(); ++m) {
            const CohortMomentStats& st = c.moments()[m];
            std::printf("  %-18s %12.0f %12.0f %12.0f %12.0f %10.0f %12.0f\n", sc.moments[m].id.c_str(), st.entered,
                        st.positive, st.neutral, st.negative, st.magic, st.lost_after);
        }
        std::printf("\n  digest %s\n", cohort_digest(c).c_str());
    }
    if (!json_path.empty()) {
        ordered_json j;
        j["scenario"] = sc.name;
        j["engine"] = expected ? "expected" : "cohort";
        if (!expected) j["seed"] = seed;
        j["ticks"] = c.tick();
        j["arrivals"] = t.arrivals;
        j["referrals"] = t.referrals;
        j["purchases"] = t.purchases;
        j["done"] = t.done;
        j["lost"] = t.lost;
        j["active"] = c.active();
        j["nps"] = t.nps();
        j["rating"] = c.rating();
        j["advocates"] = t.advocates;
        ordered_json ms = ordered_json::object();
        for (std::size_t m = 0; m < sc.moments.size(); ++m) {
            const CohortMomentStats& st = c.moments()[m];
            ms[sc.moments[m].id] = {{"entered", st.entered}, {"positive", st.positive},
                                    {"neutral", st.neutral}, {"negative", st.negative},
                                    {"magic", st.magic},     {"lost_after", st.lost_after}};
        }
        j["moments"] = ms;
        ordered_json active = ordered_json::array();
        for (const CohortTick& tk : c.series()) active.push_back(tk.active);
        j["active_per_tick"] = active;
        j["digest"] = cohort_digest(c);
        if (!write_text(json_path, j.dump(2) + "\n")) return kBadInput;
    }
    return kOk;
}

}  // namespace motsim::cli
