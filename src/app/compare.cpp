#include "app/compare.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "app/app.h"
#include "app/format.h"

namespace motsim::app {

int RunSnapshot::phase_index(const std::string& name) const {
    for (std::size_t p = 0; p < phases.size(); ++p)
        if (phases[p] == name) return static_cast<int>(p);
    return -1;
}

std::string RunSnapshot::short_label(const std::string& current) const {
    return tag + " (" + (scenario == current ? "" : scenario + ", ") + "seed " + std::to_string(seed) + ", " +
           time_unit + " " + std::to_string(tick) + ")";
}

int RunSnapshot::moment_index(const std::string& id) const {
    for (std::size_t m = 0; m < moment_ids.size(); ++m)
        if (moment_ids[m] == id) return static_cast<int>(m);
    return -1;
}

std::string run_description(const Scenario& s, std::uint64_t seed, int tick) {
    return s.name + ", seed " + std::to_string(seed) + ", " + s.time_unit + " " + std::to_string(tick);
}

std::vector<float> nps_series_of(const LiveView& v) {
    const std::size_t nt = v.ticks_recorded();
    std::vector<float> out(nt, std::numeric_limits<float>::quiet_NaN());
    double gone = 0;  // customers who left so far: the ones asked
    for (std::size_t t = 0; t < nt; ++t) {
        if (v.agents)
            gone += static_cast<double>(v.agents->series()[t].done + v.agents->series()[t].lost);
        else if (v.cohort)
            gone += v.cohort->series()[t].done + v.cohort->series()[t].lost;
        // NaN (a gap) while nobody was asked (nps_of), also after someone left without buying.
        if (gone > 0 && std::isfinite(v.nps_at(t))) out[t] = static_cast<float>(v.nps_at(t));
    }
    return out;
}

RunSnapshot snapshot_of(const LiveView& v, const Scenario& s, std::uint64_t seed, const std::string& label) {
    RunSnapshot r;
    r.label = label;
    r.scenario = s.name;
    r.engine = v.engine;
    r.time_unit = s.time_unit;
    r.seed = seed;
    r.tick = v.tick;
    r.ticks = s.ticks;
    r.arrivals = v.arrivals;
    r.purchases = v.purchases;
    r.done = v.done;
    r.lost = v.lost;
    r.nps = v.nps;
    r.nps_defined = v.done + v.lost > 0 && std::isfinite(v.nps);
    r.rating = v.rating;
    const std::size_t nt = v.ticks_recorded(), nm = std::min(s.moments.size(), v.moments.size());
    r.phases = s.phases;
    r.phase_series.assign(s.phases.size(), std::vector<float>(nt, 0.0f));
    for (std::size_t t = 0; t < nt; ++t)
        for (std::size_t m = 0; m < nm; ++m) {
            const std::size_t p = static_cast<std::size_t>(s.moments[m].phase);
            if (p < r.phase_series.size()) r.phase_series[p][t] += static_cast<float>(v.occupancy(t, m));
        }
    r.nps_series = nps_series_of(v);
    r.rating_series.resize(nt);
    for (std::size_t t = 0; t < nt; ++t) r.rating_series[t] = static_cast<float>(v.rating_at(t));
    for (std::size_t m = 0; m < nm; ++m) {
        r.moment_ids.push_back(s.moments[m].id);
        r.moments.push_back(v.moments[m]);
    }
    return r;
}

void CompareRoom::pin(RunSnapshot s) {
    s.pinned = true;
    s.tag = "Baseline";
    std::size_t pinned = 0;
    for (const RunSnapshot& r : runs) pinned += r.pinned ? 1 : 0;
    if (pinned >= kMaxPinned)
        for (auto it = runs.begin(); it != runs.end(); ++it)
            if (it->pinned) {
                runs.erase(it);
                break;
            }
    // After the last pinned one, before the earlier runs.
    auto at = runs.begin();
    while (at != runs.end() && at->pinned) ++at;
    runs.insert(at, std::move(s));
}

void CompareRoom::keep_earlier(RunSnapshot s) {
    s.pinned = false;
    s.tag = "Run " + std::to_string(next_run++);
    s.label = s.tag + ": " + s.label;
    std::size_t earlier = 0;
    for (const RunSnapshot& r : runs) earlier += r.pinned ? 0 : 1;
    if (earlier >= kMaxEarlier)
        for (auto it = runs.begin(); it != runs.end(); ++it)
            if (!it->pinned) {
                runs.erase(it);
                break;
            }
    runs.push_back(std::move(s));
}

const RunSnapshot* CompareRoom::reference() const {
    const RunSnapshot* last_pinned = nullptr;
    for (const RunSnapshot& r : runs)
        if (r.pinned) last_pinned = &r;
    if (last_pinned) return last_pinned;
    return runs.empty() ? nullptr : &runs.back();
}

namespace {
std::string signed_fixed(double v, int decimals, const char* unit) {
    if (!std::isfinite(v)) return "-";
    // -0.0 and values that round to zero read as "+0.0".
    const double scale = std::pow(10.0, decimals);
    if (std::round(std::fabs(v) * scale) == 0.0) v = 0.0;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%+.*f%s", decimals, v, unit);
    return buf;
}
}  // namespace

std::string points_difference(double now, double before) { return signed_fixed(100.0 * (now - before), 1, " pts"); }

std::string score_difference(double now, double before) { return signed_fixed(now - before, 0, " pts"); }

std::string count_difference(double now, double before) {
    const double d = now - before;
    if (!std::isfinite(d)) return "-";
    const std::string body = human_count(std::fabs(d));
    return (d < 0 ? "-" : "+") + body;
}

std::string file_slug(const std::string& text) {
    std::string out;
    bool dash = false;
    for (unsigned char c : text) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        const bool upper = c >= 'A' && c <= 'Z';
        if (keep || upper) {
            if (dash && !out.empty()) out += '-';
            out += upper ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
            dash = false;
        } else {
            dash = true;
        }
        if (out.size() >= 48) break;
    }
    return out;
}

std::string export_file_name(const std::string& scenario, std::uint64_t seed, const std::string& what,
                             const std::string& extension) {
    std::string name = file_slug(scenario);
    if (name.empty()) name = "motsim";
    name += "-seed" + std::to_string(seed);
    const std::string w = file_slug(what);
    if (!w.empty()) name += "-" + w;
    const std::string ext = file_slug(extension);
    return ext.empty() ? name : name + "." + ext;
}

// ==== The App's side (app.h: compare and export) ================================================

void App::pin_baseline() {
    refresh_view();
    compare_.pin(
        snapshot_of(run_.view, edited_, run_.seed, "Baseline: " + run_description(edited_, run_.seed, run_.view.tick)));
    note("Pinned " + compare_.reference()->label + ": the charts draw it dashed behind this run", false);
}

void App::clear_baselines() {
    compare_.clear();
    note("Baselines and earlier runs cleared", false);
}

void App::keep_run_for_comparison() {
    if (!run_.sim && !run_.cohort) return;  // the first run
    const LiveView v = run_.cohort ? view_of(*run_.cohort) : view_of(*run_.sim);
    if (v.tick <= 0) return;  // nothing to compare with
    // The scenario the run had at its end: the last live edit, else the one it started with.
    const Scenario& s = run_.edit_log.empty() ? run_.started : run_.edit_log.back().second;
    const std::uint64_t seed = run_.cohort ? run_.cohort->seed() : run_.sim->seed();
    compare_.keep_earlier(snapshot_of(v, s, seed, run_description(s, seed, v.tick)));
}

std::string App::export_name(const std::string& what, const std::string& extension) const {
    return export_file_name(edited_.name, run_.seed, what, extension);
}

bool App::export_data(const std::string& what) {
    std::string name, mime, text;
    const ExperimentRoom& x = experiments_;
    const bool csv = what.size() > 4 && what.compare(what.size() - 4, 4, "_csv") == 0;
    const std::string ext = csv ? "csv" : "json";
    const char* csv_mime = "text/csv";
    const char* json_mime = "application/json";
    const auto nothing = [this](const std::string& why) {
        note(why, true);
        return false;
    };
    if (what == "chart") {
        if (chart_table_.columns.empty()) return nothing("No chart data to export yet: open a chart tab");
        name = export_name(chart_table_what_, "csv"), mime = csv_mime, text = io::chart_csv(chart_table_);
    } else if (what == "results" || what == "series") {
        if (!run_.view.individuals())
            return nothing("Results and per-tick series files are the agent engine's: switch the engine to agents");
        const std::string day = edited_.time_unit + std::to_string(run_.sim->tick());
        if (what == "results")
            name = export_name("results-" + day, "json"), mime = json_mime, text = io::results_json(*run_.sim);
        else
            name = export_name("series-" + day, "csv"), mime = csv_mime, text = io::series_csv(*run_.sim);
    } else if (what == "analysis") {
        name = export_name("analysis", "json"), mime = json_mime, text = io::analysis_json(edited_, run_.analysis);
    } else if (what == "replications_csv" || what == "replications_json") {
        if (!x.replications) return nothing("No replications to export yet: run them first");
        const std::string w = "replications-" + std::to_string(x.replications->runs) + "runs";
        name = export_name(w, ext), mime = csv ? csv_mime : json_mime;
        text = csv ? io::replications_csv(edited_, *x.replications) : io::replications_json(edited_, *x.replications);
    } else if (what == "sweep_csv" || what == "sweep_json") {
        if (!x.sweep || x.sweep->axes.empty()) return nothing("No sweep to export yet: run one first");
        std::string path = x.sweep->axes[0].path;
        if (path.rfind("/moments/", 0) == 0) path = path.substr(9);
        name = export_name("sweep-" + path, ext), mime = csv ? csv_mime : json_mime;
        text = csv ? io::sweep_csv(*x.sweep) : io::sweep_json(edited_, *x.sweep, run_.seed);
    } else if (what == "rank_csv" || what == "rank_json") {
        if (!x.rank) return nothing("No ranking to export yet: rank the moments first");
        name = export_name("where-to-invest", ext), mime = csv ? csv_mime : json_mime;
        text = csv ? io::rank_csv(edited_, *x.rank) : io::rank_json(edited_, *x.rank, run_.seed);
    } else {
        return false;
    }
    note("Exported " + host_.save_file(name, mime, text), false);
    return true;
}

void App::save_picture(const std::string& name) { picture_pending_ = name.empty() ? export_name("view", "png") : name; }

}  // namespace motsim::app
