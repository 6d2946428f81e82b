#include "app/app.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "app/format.h"
#include "app/guidance.h"
#include "app/story.h"
#include "app/widgets.h"
#include "engine/graph.h"
#include "engine/money.h"
#include "engine/parameters.h"
#include "io/loader.h"
#include "scenarios_embedded.h"

namespace motsim::app {

namespace {
// When a slice of long work that starts now should stop (kWorkSliceMs from now).
std::chrono::steady_clock::time_point work_slice_end() {
    return std::chrono::steady_clock::now() + std::chrono::microseconds(static_cast<long long>(kWorkSliceMs * 1000));
}

constexpr const char* kStoreScenario = "motsim.scenario";
constexpr const char* kStoreSeed = "motsim.seed";
constexpr const char* kStoreSpeed = "motsim.speed";
constexpr const char* kStoreTextSize = "motsim.text_size";
constexpr const char* kStorePresentation = "motsim.presentation";
// The scenario as it was loaded (Revert's target), and where it came from.
constexpr const char* kStoreLoaded = "motsim.loaded";
constexpr const char* kStoreLoadedOrigin = "motsim.loaded_origin";

const char* embedded_scenario(const char* name) {
    for (const auto& f : scenarios::kFiles)
        if (std::string(f.name) == name) return f.text;
    return nullptr;
}
}  // namespace

// ==== Scenarios ================================================================================

App::App(Host& host) : host_(host) {
    const char* text = embedded_scenario("default.json");
    io::LoadResult r = io::load_scenario(text ? text : "");
    if (r.ok()) {
        edited_ = *r.scenario;
    } else {  // cannot happen with the shipped file (a test loads it), but never start empty
        edited_.name = "Empty";
        Moment m;
        m.id = m.name = "moment";
        m.positive = 0.5;
        m.next = {Route{{kDone}, {1.0}}, Route{{kDone}, {1.0}}, Route{{kLost}, {1.0}}};
        edited_.moments = {m};
        edited_.entry = Route{{0}, {1.0}};
    }
    run_.seed = edited_.seed;
    restart();
    lesson_.base = edited_;
    history_.loaded = edited_;
    history_.loaded_origin = "default.json";
}

namespace {
// "5.2 MB": a size for a message.
std::string megabytes(std::size_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buf;
}
}  // namespace

bool App::refuse_long_text(const std::string& text, const std::string& what) {
    if (text.size() <= kMaxTextBytes) return false;
    const std::string msg = what + " is " + megabytes(text.size()) + "; the limit is " + megabytes(kMaxTextBytes) +
                            ". Nothing was changed.";
    note(msg, true);
    host_.emit("error", nlohmann::json{{"message", msg}}.dump());
    return true;
}

namespace {
// A lesson file rather than a scenario: a JSON object with "steps" and no "moments" (every
// scenario has moments). Only text that mentions "steps" is parsed here.
bool looks_like_lesson(const std::string& text) {
    if (text.find("\"steps\"") == std::string::npos) return false;
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    return j.is_object() && j.contains("steps") && !j.contains("moments");
}
}  // namespace

bool App::load_text(const std::string& text, const std::string& origin) {
    if (refuse_long_text(text, "The scenario " + origin)) return false;
    if (looks_like_lesson(text)) return load_lesson_text(text, origin);
    io::LoadResult r = io::load_scenario(text);
    std::string summary;
    int errors = 0;
    for (const io::Problem& p : r.problems) {
        if (!p.warning) ++errors;
        summary += io::format_problem(origin, p) + "\n";
    }
    if (!r.ok()) {
        host_.emit("error", nlohmann::json{{"message", "could not load " + origin}, {"problems", summary}}.dump());
        note("Could not load " + origin + " (" + std::to_string(errors) + (errors == 1 ? " problem" : " problems") +
                 "); the current scenario keeps running.\n" + summary,
             true);
        return false;
    }
    if (!summary.empty()) note(summary, false);
    load_scenario(*r.scenario, origin);
    return true;
}

void App::load_scenario(const Scenario& s, const std::string& origin) {
    // A load is an undoable step: the journey it replaces (edited or not) is one Ctrl+Z away.
    EditHistory& h = history_;
    EditHistory::Step step;
    step.before = edited_;
    step.after = s;
    step.what = "load " + origin;
    step.load = true;
    step.loaded_before = h.loaded;
    step.clean_before = h.clean;
    h.steps.resize(h.pos);
    h.steps.push_back(std::move(step));
    if (h.steps.size() > EditHistory::kMaxSteps) h.steps.erase(h.steps.begin());
    h.pos = h.steps.size();
    h.loaded = s;
    h.loaded_origin = origin;
    h.clean = static_cast<long>(h.pos);
    install_loaded(s);
    note("Loaded " + s.name + " (" + origin + ")", false);
    host_.emit("loaded", nlohmann::json{{"scenario", s.name}}.dump());
}

void App::install_loaded(const Scenario& s) {
    edited_ = s;
    run_.seed = s.seed;
    selected_ = 0;
    run_.watched.reset();
    layout_.relayout = true;
    restart();
    dirty_ = true;
    lesson_.base = edited_;
}

std::string App::scenario_json() const {
    Scenario s = edited_;
    s.seed = run_.seed;
    return io::scenario_to_json(s);
}

// ==== Commands =================================================================================

void App::restart() {
    keep_run_for_comparison();  // the run being replaced, for the charts to compare (compare.cpp)
    ++scenario_version_;
    ++run_.version;
    if (run_.work != Work::None) end_work(true);
    // The live view keeps every customer as a dot; beyond a few million a browser tab runs out
    // of memory, so the live run is capped (the command line and the cohort engine are not).
    const Scenario live = live_scenario(edited_);
    if (live.max_customers != edited_.max_customers) {
        const double expected =
            static_cast<double>(edited_.initial) + edited_.arrivals_per_tick * static_cast<double>(edited_.ticks);
        note("This scenario would bring " + std::to_string(static_cast<long long>(expected)) +
                 " customers; the live view follows the first " + std::to_string(kLiveCustomerCap) +
                 ". Use Large populations (cohort engine) or the command line for all of them.",
             false);
    }
    run_.sim = std::make_unique<Simulation>(live, run_.seed);
    run_.started = live;
    run_.edit_log.clear();
    run_.tick_clock = 0;
    run_.story_tick = -1;
    run_.story_replay.reset();
    if (run_.watched) run_.sim->watch(*run_.watched);
    run_.finished_sent = false;
    run_.cohort.reset();
    if (run_.engine != Engine::Agents) start_cohort(0);
    refresh_analysis();
    refresh_view();
}

void App::start_cohort(int ticks) {
    CohortOptions opt;
    opt.mode = run_.engine == Engine::Expected ? CohortMode::Expected : CohortMode::Stochastic;
    run_.cohort = std::make_unique<Cohort>(edited_, run_.seed, opt);  // counts: no cap on the population
    // Replayed here while it is quick; the rest in slices across frames (a long run of a big
    // journey must not freeze a slider drag).
    const auto until = work_slice_end();
    while (run_.cohort->tick() < ticks && !run_.cohort->finished() && std::chrono::steady_clock::now() < until)
        run_.cohort->step();
    if (run_.cohort->tick() < ticks && !run_.cohort->finished())
        run_to(std::max(ticks, run_.work != Work::None ? run_.work_target : 0));
}

void App::refresh_view() { run_.view = run_.cohort ? view_of(*run_.cohort) : view_of(*run_.sim); }

void App::set_engine(Engine engine) {
    if (engine == run_.engine) return;
    run_.engine = engine;
    restart();
    note(run_.engine == Engine::Agents ? "Engine: agents (each customer a dot, with stories)"
         : run_.engine == Engine::Cohort
             ? "Engine: cohort (counts per moment, dwell, segment and impression; any population)"
             : "Engine: expected values (the cohort engine without randomness)",
         false);
}

void App::refresh_analysis() {
    run_.analysis = analyze(edited_);
    // Say once why there is no exact expectation (a journey over the analysis's size bound),
    // not on every slider drag.
    const std::string why = run_.analysis.ok ? "" : run_.analysis.message;
    if (!why.empty() && why != run_.analysis_note) note("No exact analysis: " + why, false);
    run_.analysis_note = why;
}

Scenario App::live_scenario(const Scenario& s) const {
    Scenario live = s;
    const double expected = static_cast<double>(s.initial) + s.arrivals_per_tick * static_cast<double>(s.ticks);
    if (live.max_customers > kLiveCustomerCap && expected > static_cast<double>(kLiveCustomerCap))
        live.max_customers = kLiveCustomerCap;
    if (live.market.enabled && live.market.size > kLiveMarketCap) {
        live.max_customers = std::min(live.max_customers, kLiveMarketCap);
        live.market.size = kLiveMarketCap;
    }
    return live;
}

void App::engine_step() {
    if (run_.cohort) {
        if (!run_.cohort->finished()) run_.cohort->step();
    } else if (!run_.sim->finished()) {
        run_.sim->step();
    }
    ++run_.version;
}

void App::step() {
    engine_step();
    refresh_view();
}

// ==== Long work in slices =========================================================================

void App::start_work(Work kind, int target) {
    run_.work = kind;
    run_.work_from = tick();
    run_.work_target = target;
    if (tick() >= target || finished()) end_work(false);  // nothing to do: say so at once
}

bool App::run_to(int target) {
    start_work(Work::RunTo, std::clamp(target, tick(), edited_.ticks));
    return true;
}

void App::finish() { start_work(Work::Finish, edited_.ticks); }

void App::finish_now() {
    while (!finished()) engine_step();
    if (run_.work != Work::None) end_work(false);
    refresh_view();
}

void App::cancel_work() {
    if (run_.work != Work::None) end_work(true);
    if (lesson_.check) {
        lesson_.check.reset();
        note("Lesson check cancelled", false);
        host_.emit("lesson_checked",
                   nlohmann::json{{"met", false}, {"step", lesson_.step}, {"cancelled", true}, {"detail", "cancelled"}}
                       .dump());
    }
}

void App::end_work(bool cancelled) {
    run_.work = Work::None;
    host_.emit("reached", nlohmann::json{{"tick", tick()}, {"cancelled", cancelled}}.dump());
}

std::string App::busy() const {
    if (run_.work == Work::RunTo) return "run_to";
    if (run_.work == Work::Finish) return "finish";
    if (lesson_.check) return "lesson";
    return "";
}

double App::busy_progress() const {
    if (run_.work != Work::None) {
        const int span = std::max(1, run_.work_target - run_.work_from);
        return std::clamp(static_cast<double>(tick() - run_.work_from) / span, 0.0, 1.0);
    }
    if (lesson_.check) return static_cast<double>(lesson_.check->tick()) / std::max(1, lesson_.check->scenario().ticks);
    return 0.0;
}

void App::advance_work(std::chrono::steady_clock::time_point until) {
    if (run_.work == Work::None) return;
    // At least one tick a frame, so the work ends however slow a tick is.
    do {
        if (tick() >= run_.work_target || finished()) break;
        engine_step();
    } while (std::chrono::steady_clock::now() < until);
    if (tick() >= run_.work_target || finished()) end_work(false);
}

void App::reset() {
    restart();
    note("Reset: tick 0, seed " + std::to_string(run_.seed), false);
}

void App::set_seed(std::uint64_t seed) {
    run_.seed = seed;
    dirty_ = true;
    restart();
}

void App::set_speed(double tps) {
    run_.speed = std::clamp(tps, 0.1, 1000.0);
    dirty_ = true;
}

bool App::apply_edit(const Scenario& edited, const std::string& what, bool by_learner) {
    for (const GraphIssue& g : check_graph(edited))
        if (g.error) {
            note("Not applied (" + what + "): " + g.message, true);
            return false;
        }
    // Which parameters changed: locked ones are refused for the learner, the rest reported.
    if (by_learner) {
        const std::string lock = locked_change(edited_, edited);
        if (!lock.empty()) {
            note(lock + " is locked in this lesson", true);
            return false;
        }
    }
    std::vector<std::pair<std::string, double>> changes;
    if (edited.moments.size() == edited_.moments.size()) changes = changed_parameters(edited_, edited);
    record_step(edited_, edited, what);
    land_scenario(edited, changes, by_learner);
    return true;
}

void App::land_scenario(const Scenario& edited, const std::vector<std::pair<std::string, double>>& changes,
                        bool by_learner) {
    edited_ = edited;
    if (!edited_.moments.empty()) selected_ = std::clamp(selected_, 0, static_cast<int>(edited_.moments.size()) - 1);
    dirty_ = true;
    ++scenario_version_;
    const Scenario live = live_scenario(edited_);
    if (run_.sim->update_parameters(live)) {
        run_.edit_log.emplace_back(run_.sim->tick(), live);
        run_.story_tick = -1;
        ++run_.version;
        // The cohort engine has no live edit: it replays the edited scenario up to now.
        if (run_.cohort) start_cohort(run_.cohort->tick());
    } else {
        restart();
    }
    refresh_analysis();
    refresh_view();
    for (const auto& c : changes)
        host_.emit(
            "param",
            nlohmann::json{{"path", c.first}, {"value", c.second}, {"by", by_learner ? "learner" : "host"}}.dump());
}

bool App::set_param(const std::string& path, double v, bool by_learner) {
    if (!std::isfinite(v)) {
        note("Not applied: " + path + " must be a finite number", true);
        return false;
    }
    if (path == "speed") {
        set_speed(v);
        return true;
    }
    if (path == "text_size") {  // a factor of the normal size, 0.75 to 2
        set_text_size(v);
        return true;
    }
    if (path == "presentation") {  // 0 off, 1 on
        set_presentation(v != 0);
        return true;
    }
    if (path == "engine") {  // 0 agents, 1 cohort, 2 expected values
        if (v != 0 && v != 1 && v != 2) return false;
        set_engine(v == 0 ? Engine::Agents : v == 1 ? Engine::Cohort : Engine::Expected);
        return true;
    }
    if (path == "seed") {
        if (v < 0 || v > 9007199254740992.0 || v != std::floor(v)) {
            note("Not applied: the seed must be a whole number from 0 to 2^53", true);
            return false;
        }
        set_seed(static_cast<std::uint64_t>(v));
        return true;
    }
    Scenario s = edited_;
    std::string error;
    if (!set_parameter(s, path, v, error)) {
        note("Not applied: " + path + ": " + error, true);
        host_.emit("error", nlohmann::json{{"message", path + ": " + error}}.dump());
        return false;
    }
    return apply_edit(s, path, by_learner);
}

// ==== Time =====================================================================================

void App::update(double dt) {
    time_ += dt;
    const auto slice_end = work_slice_end();
    advance_work(slice_end);
    advance_lesson_check(slice_end);
    if (run_.playing && !finished() && run_.work == Work::None) {
        run_.tick_clock += std::min(dt, 0.25) * run_.speed;  // a stalled tab does not catch up in one go
        // Whole ticks only: the numbers never depend on the frame rate.
        // At most ~30 ms of ticks a frame: a huge crowd at a high speed slows the run down
        // instead of freezing the page (the numbers stay the same, only later).
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(30);
        bool out_of_time = false;
        // (The tolerance keeps ten frames of 0.1 tick from adding up to 0.9999999.)
        while (run_.tick_clock >= 1.0 - 1e-9 && !finished()) {
            if (std::chrono::steady_clock::now() > until) {
                out_of_time = true;
                break;
            }
            engine_step();
            run_.tick_clock -= 1.0;
        }
        if (out_of_time) run_.tick_clock = 0;
    }
    if (finished()) run_.tick_clock = 0;
    refresh_view();
    advance_experiments();
    advance_large_run(work_slice_end());
    if (run_.watched) advance_story(std::chrono::steady_clock::now() + std::chrono::milliseconds(4));
    emit_tick_events();
    if (dirty_ && time_ - saved_at_ > 1.0) save_state();
}

void App::emit_tick_events() {
    // Throttled: at most four tick events a second, and one "finished" per run.
    if (time_ - run_.last_tick_event >= 0.25 && run_.playing) {
        run_.last_tick_event = time_;
        const LiveView& v = run_.view;
        host_.emit("tick", nlohmann::json{{"tick", v.tick},
                                          {"arrivals", v.arrivals},
                                          {"purchases", v.purchases},
                                          {"done", v.done},
                                          {"lost", v.lost},
                                          {"nps", v.nps}}
                               .dump());
    }
    if (finished() && !run_.finished_sent) {
        run_.finished_sent = true;
        host_.emit("finished", state_json());
        if (ui_.lesson) check_lesson();
    }
}

// ==== Embedding: configuration, lessons, shareable state ========================================

bool App::configure(const std::string& text) {
    on_host_page();  // only host pages configure: no first-visit Info window there
    if (refuse_long_text(text, "The page's configuration")) return false;
    std::vector<io::Problem> problems;
    const bool had_lesson = ui_.lesson.has_value();
    if (!parse_ui_config(text, ui_, problems)) {
        std::string msg = "The page's configuration was not applied:";
        for (const io::Problem& p : problems) msg += "\n" + io::format_problem("config", p);
        note(msg, true);
        host_.emit("error", nlohmann::json{{"message", msg}}.dump());
        return false;
    }
    if (ui_.lesson && !had_lesson) {
        lesson_.step = 0;
        lesson_.base = edited_;
    }
    layout_.relayout = true;
    return true;
}

bool App::check_lesson() {
    if (!ui_.lesson || lesson_.step >= static_cast<int>(ui_.lesson->steps.size())) return false;
    // A fresh run of the scenario as it is now, with the live view's cap, in slices.
    lesson_.checked = edited_;
    lesson_.check = std::make_unique<Simulation>(live_scenario(edited_), run_.seed);
    return true;
}

bool App::check_lesson_now() {
    if (!check_lesson()) return false;
    while (lesson_.check) advance_lesson_check(std::chrono::steady_clock::time_point::max());
    return lesson_.last_met;
}

void App::advance_lesson_check(std::chrono::steady_clock::time_point until) {
    if (!lesson_.check) return;
    do {
        if (lesson_.check->finished()) break;
        lesson_.check->step();
    } while (std::chrono::steady_clock::now() < until);
    if (!lesson_.check->finished()) return;
    const std::unique_ptr<Simulation> sim = std::move(lesson_.check);
    if (!ui_.lesson || lesson_.step >= static_cast<int>(ui_.lesson->steps.size())) return;
    const LessonStep& step = ui_.lesson->steps[static_cast<std::size_t>(lesson_.step)];
    const StepResult r = evaluate_step(step, lesson_.base, lesson_.checked, *sim);
    lesson_.detail = r.detail;
    lesson_.last_met = r.met;
    host_.emit("lesson_checked", nlohmann::json{{"met", r.met}, {"step", lesson_.step}, {"detail", r.detail}}.dump());
    if (!r.met) {
        note("Not yet: " + r.detail, false);
        return;
    }
    host_.emit("lesson_step", nlohmann::json{{"step", lesson_.step}, {"text", step.text}, {"detail", r.detail}}.dump());
    note("Step " + std::to_string(lesson_.step + 1) + " done: " + r.detail, false);
    ++lesson_.step;
    if (lesson_.step == static_cast<int>(ui_.lesson->steps.size()))
        host_.emit("lesson_done", nlohmann::json{{"title", ui_.lesson->title}}.dump());
}

std::string App::lesson_json() const {
    nlohmann::ordered_json j;
    if (!ui_.lesson) return "null";
    j["title"] = ui_.lesson->title;
    if (!ui_.lesson->introduction.empty()) j["introduction"] = ui_.lesson->introduction;
    j["step"] = lesson_.step;
    j["detail"] = lesson_.detail;
    nlohmann::ordered_json steps = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < ui_.lesson->steps.size(); ++i)
        steps.push_back({{"text", ui_.lesson->steps[i].text}, {"done", static_cast<int>(i) < lesson_.step}});
    j["steps"] = steps;
    return j.dump();
}

std::string App::share_json() const {
    nlohmann::ordered_json j;
    j["v"] = 1;
    // ordered_json keeps the file's key order: route targets and causes are drawn in that
    // order, so a sorted copy would change the run.
    j["scenario"] = nlohmann::ordered_json::parse(scenario_json(), nullptr, false);
    j["seed"] = run_.seed;
    j["speed"] = run_.speed;
    j["selected"] = selected_;
    j["tick"] = tick();
    return j.dump();
}

bool App::load_share(const std::string& text) {
    if (refuse_long_text(text, "The shared link's state")) return false;
    const nlohmann::ordered_json j = nlohmann::ordered_json::parse(text, nullptr, false);
    // Never value() or get<int>() on a stranger's JSON: a wrong type throws, a huge number wraps
    // (whole numbers are read as doubles and clamped).
    if (j.is_discarded() || !j.is_object() || !j.contains("scenario") || !j.contains("v") || j["v"] != 1) {
        note("This link's state could not be read; showing the default scenario.", true);
        host_.emit("error", nlohmann::json{{"message", "the shared link is corrupt or from another version"}}.dump());
        return false;
    }
    if (!load_text(j["scenario"].dump(), "shared link")) return false;
    if (j.contains("seed") && j["seed"].is_number_unsigned()) set_seed(j["seed"].get<std::uint64_t>());
    if (j.contains("speed") && j["speed"].is_number()) set_speed(j["speed"].get<double>());
    if (j.contains("selected") && j["selected"].is_number_integer())
        selected_ = static_cast<int>(std::clamp(j["selected"].get<double>(), 0.0,
                                                std::max(0.0, static_cast<double>(edited_.moments.size()) - 1)));
    if (j.contains("tick") && j["tick"].is_number_integer()) {
        // In slices across frames: a link's tick can be far into a long run.
        run_to(static_cast<int>(std::clamp(j["tick"].get<double>(), 0.0, static_cast<double>(edited_.ticks))));
    }
    return true;
}

// ==== Experiments: one job at a time, in slices across frames ===================================

bool App::start_experiment(const std::string& kind) {
    if (experiments_.job) return false;
    if (kind == "replicate") {
        experiments_.job = std::make_unique<ReplicationJob>(edited_, experiments_.runs, run_.seed);
        experiments_.kind = ExperimentKind::Replications;
    } else if (kind == "sweep" && !edited_.moments.empty()) {
        // The panel's bounds are floats: 0.3f is 0.30000001..., so the grid starts from the
        // value the panel shows (three decimals), not from the float's digits.
        const auto tidy = [](float v) { return std::round(static_cast<double>(v) * 1000.0) / 1000.0; };
        std::vector<SweepAxis> axes{
            {"/moments/" + edited_.moments[static_cast<std::size_t>(selected_)].id + "/" +
                 kSweepFields[std::clamp(experiments_.sweep_field, 0, 2)],
             grid(tidy(experiments_.sweep_lo), tidy(experiments_.sweep_hi), experiments_.sweep_steps)}};
        auto job = std::make_unique<SweepJob>(edited_, axes, experiments_.runs, run_.seed);
        if (!job->ok()) {
            note("Sweep not started: " + job->error(), true);
            return false;
        }
        experiments_.job = std::move(job);
        experiments_.kind = ExperimentKind::Sweep;
    } else if (kind == "rank") {
        // By profit per improvement cost only with money (else there is no profit to rank by).
        const RankBy by = edited_.money.enabled && experiments_.rank_by == 1 ? RankBy::Profit : RankBy::Purchases;
        experiments_.job =
            std::make_unique<RankJob>(edited_, experiments_.rank_delta, experiments_.runs, run_.seed, by);
        experiments_.kind = ExperimentKind::Rank;
    } else {
        return false;
    }
    experiments_.select_tab = experiments_.kind;
    experiments_.job_version = scenario_version_;
    return true;
}

// The Large populations tab's run: the scenario with its arrivals scaled up, in the cohort
// engine, advanced a slice a frame by advance_large_run.
void App::start_large_population_run() {
    ExperimentRoom& x = experiments_;
    Scenario s = edited_;
    const double k = std::pow(10.0, std::clamp(x.cohort_scale, 0, 5));
    s.arrivals_per_tick *= k;
    s.initial = static_cast<std::int64_t>(static_cast<double>(s.initial) * k);
    s.max_customers = static_cast<std::int64_t>(std::min(1e15, static_cast<double>(s.max_customers) * k));
    // A market (v2) grows with the same factor: the same p, q and r, so the same shares over time.
    if (s.market.enabled)
        s.market.size = static_cast<std::int64_t>(std::min(1e15, static_cast<double>(s.market.size) * k));
    CohortOptions opt;
    opt.mode = x.cohort_expected ? CohortMode::Expected : CohortMode::Stochastic;
    const auto t0 = std::chrono::steady_clock::now();
    x.large_run = std::make_unique<Cohort>(s, run_.seed, opt);
    x.large_scale = k;
    x.cohort_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// A slice of the Large populations run each frame; its summary and curves when it ends.
void App::advance_large_run(std::chrono::steady_clock::time_point until) {
    ExperimentRoom& x = experiments_;
    if (!x.large_run) return;
    const auto t0 = std::chrono::steady_clock::now();
    do {
        if (x.large_run->finished()) break;
        x.large_run->step();
    } while (std::chrono::steady_clock::now() < until);
    x.cohort_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!x.large_run->finished()) return;
    const std::unique_ptr<Cohort> cohort = std::move(x.large_run);
    const double k = x.large_scale;
    static const char* scales[] = {"x1", "x10", "x100", "x1,000", "x10,000", "x100,000"};
    const CohortTotals& t = cohort->totals();
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "%.4g customers (%s arrivals), %d %ss in %.1f ms: %.4g purchases (conversion %.1f%%), "
                  "%.4g done, %.4g lost, %s %s, rating %.2f",
                  t.arrivals, scales[std::clamp(x.cohort_scale, 0, 5)], cohort->tick(),
                  cohort->scenario().time_unit.c_str(), x.cohort_ms, t.purchases,
                  t.arrivals > 0 ? 100 * t.purchases / t.arrivals : 0.0, t.done, t.lost,
                  nps_label(cohort->scenario()).c_str(), signed_score(t.nps()).c_str(),  // "-": nobody asked
                  cohort->rating());
    x.cohort_summary = buf;
    x.cohort_active.clear();
    x.cohort_conversion.clear();
    double arrivals = 0, purchases = 0;
    for (const CohortTick& ct : cohort->series()) {
        arrivals += ct.arrivals;
        purchases += ct.purchases;
        x.cohort_active.push_back(static_cast<float>(ct.active / k));
        x.cohort_conversion.push_back(static_cast<float>(arrivals > 0 ? purchases / arrivals : 0));
    }
}

void App::cancel_experiments() {
    experiments_.job.reset();
    experiments_.kind = ExperimentKind::None;
}

void App::advance_experiments() {
    if (!experiments_.job) return;
    // About 10 ms of work per frame: the page stays responsive, the crowd keeps moving.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(10);
    // Natively every core takes a run at a time; in WebAssembly this is one run per call.
    const int cores = resolve_threads(0);
    // One core (WebAssembly): a few ticks at a time, so a long run never holds a frame.
    if (cores <= 1) experiments_.job->step_until(until);
    while (cores > 1 && !experiments_.job->finished() && std::chrono::steady_clock::now() < until)
        experiments_.job->step_parallel(cores);
    if (!experiments_.job->finished()) return;
    if (experiments_.kind == ExperimentKind::Replications)
        experiments_.replications = static_cast<ReplicationJob*>(experiments_.job.get())->result();
    if (experiments_.kind == ExperimentKind::Sweep)
        experiments_.sweep = static_cast<SweepJob*>(experiments_.job.get())->result();
    if (experiments_.kind == ExperimentKind::Rank)
        experiments_.rank = static_cast<RankJob*>(experiments_.job.get())->result();
    experiments_.version = experiments_.job_version;  // an edit during the job leaves its results stale
    note("Experiment finished", false);
    experiments_.job.reset();
    experiments_.kind = ExperimentKind::None;
}

// ==== Stories ==================================================================================

void App::watch_customer(std::uint32_t id) {
    run_.watched = id;
    run_.story_tick = -1;
    run_.story_replay.reset();
}

// The story is replayed from tick 0 with the same seed and the same live edits, so it is the
// customer's whole journey even if they were picked halfway: the engine is deterministic. The
// replay is kept and advanced a slice at a time (each frame, and by story()), so following a
// customer deep into a long run never stalls a frame.
void App::advance_story(std::chrono::steady_clock::time_point until) const {
    if (!run_.watched || run_.cohort) return;
    if (run_.story_tick == run_.sim->tick()) return;
    if (!run_.story_replay || run_.story_replay->tick() > run_.sim->tick()) {
        run_.story_replay = std::make_unique<Simulation>(run_.started, run_.seed);
        run_.story_replay->watch(*run_.watched);
        run_.story_next_edit = 0;
        run_.story_tick = -1;
    }
    Simulation& replay = *run_.story_replay;
    while (replay.tick() < run_.sim->tick()) {
        while (run_.story_next_edit < run_.edit_log.size() &&
               run_.edit_log[run_.story_next_edit].first == replay.tick())
            replay.update_parameters(run_.edit_log[run_.story_next_edit++].second);
        replay.step();
        if (std::chrono::steady_clock::now() >= until) break;
    }
    if (replay.tick() < run_.sim->tick()) {
        // Not there yet: keep the story so far, more on the next frame.
        run_.story_lines = story_lines(replay.scenario(), replay.story_events(), *run_.watched);
        run_.story_lines.push_back("(replaying: " + std::to_string(replay.tick()) + " of " +
                                   std::to_string(run_.sim->tick()) + " " + edited_.time_unit + "s)");
        return;
    }
    run_.story_lines = story_lines(replay.scenario(), replay.story_events(), *run_.watched);
    run_.story_tick = run_.sim->tick();
}

std::vector<std::string> App::story() const {
    if (!run_.watched) return {};
    advance_story(std::chrono::steady_clock::now() + std::chrono::milliseconds(50));
    return run_.story_lines;
}

// ==== Messages, persistence, read-back ===========================================================

void App::note(const std::string& text, bool error) {
    messages_.push_back({text, error, time_});
    if (messages_.size() > 20) messages_.erase(messages_.begin());
}

void App::save_state() {
    host_.store(kStoreScenario, scenario_json());
    host_.store(kStoreSeed, std::to_string(run_.seed));
    host_.store(kStoreSpeed, std::to_string(run_.speed));
    host_.store(kStoreLoaded, edited() ? io::scenario_to_json(history_.loaded) : "");
    host_.store(kStoreLoadedOrigin, history_.loaded_origin);
    dirty_ = false;
    saved_at_ = time_;
}

// ==== Reading: text size and presentation mode ==================================================

void App::set_text_size(double factor) {
    if (!std::isfinite(factor)) return;
    text_size_ = std::clamp(factor, 0.75, 2.0);
    host_.store(kStoreTextSize, std::to_string(text_size_));
}

void App::set_presentation(bool on) {
    presentation_ = on;
    host_.store(kStorePresentation, on ? "1" : "0");
}

void App::restore_state() {
    // The reader's text size and presentation mode, whatever the scenario.
    const std::string size = host_.load(kStoreTextSize);
    if (!size.empty()) {
        const double f = std::atof(size.c_str());
        if (std::isfinite(f) && f > 0) text_size_ = std::clamp(f, 0.75, 2.0);
    }
    presentation_ = host_.load(kStorePresentation) == "1";
    const std::string text = host_.load(kStoreScenario);
    if (text.empty()) return;
    io::LoadResult r = io::load_scenario(text);
    if (!r.ok()) {
        note("The scenario saved in this browser could not be read; starting with the default.", true);
        return;
    }
    edited_ = *r.scenario;
    run_.seed = edited_.seed;
    const std::string speed = host_.load(kStoreSpeed);
    if (!speed.empty()) run_.speed = std::clamp(std::atof(speed.c_str()), 0.1, 1000.0);
    layout_.relayout = true;
    restart();
    lesson_.base = edited_;
    // What Revert goes back to: the scenario as it was loaded before the saved edits, when the
    // edits were saved with it; else the restored scenario itself.
    history_ = EditHistory{};
    history_.loaded = edited_;
    history_.loaded_origin = host_.load(kStoreLoadedOrigin);
    const std::string loaded = host_.load(kStoreLoaded);
    if (!loaded.empty()) {
        io::LoadResult lr = io::load_scenario(loaded);
        if (lr.ok()) {
            history_.loaded = *lr.scenario;
            history_.clean = -1;
        }
    }
    note("Restored your last scenario: " + edited_.name + (edited() ? " (with your edits)" : ""), false);
}

std::string App::state_json() const {
    const LiveView& v = run_.view;
    // Counts are whole customers with the agent engine, fractional with expected values.
    auto count = [&](double x) {
        return v.individuals() ? nlohmann::ordered_json(static_cast<std::int64_t>(x)) : nlohmann::ordered_json(x);
    };
    nlohmann::ordered_json j;
    j["scenario"] = edited_.name;
    j["engine"] = v.engine;
    j["tick"] = v.tick;
    j["ticks"] = edited_.ticks;
    j["finished"] = v.finished;
    j["playing"] = run_.playing;
    j["speed"] = run_.speed;
    j["seed"] = run_.seed;
    j["arrivals"] = count(v.arrivals);
    j["purchases"] = count(v.purchases);
    j["done"] = count(v.done);
    j["lost"] = count(v.lost);
    j["active"] = count(v.active);
    j["nps"] = v.nps;
    j["rating"] = v.rating;
    j["referrals"] = count(v.referrals);
    // v2: who the NPS asks; loyalty's comebacks, customers waiting to come back and buyers with
    // at least 1, 2, 3 purchases; the market's size, reach, advocates and critics (null without).
    j["nps_asked"] = nps_asked_name(edited_.nps_asked);
    j["returns"] = count(v.returns);
    j["waiting"] = count(v.waiting);
    j["buyers"] = nlohmann::ordered_json::array({count(v.buyers[0]), count(v.buyers[1]), count(v.buyers[2])});
    if (edited_.market.enabled) {
        const Market& mk = v.individuals() ? run_.sim->scenario().market : edited_.market;
        j["market"] = {{"size", mk.size},
                       {"scenario_size", edited_.market.size},
                       {"reached", count(v.arrivals)},
                       {"share", mk.size > 0 ? v.arrivals / static_cast<double>(mk.size) : 0.0},
                       {"advocates", count(v.market_advocates)},
                       {"critics", count(v.market_critics)}};
    } else {
        j["market"] = nullptr;
    }
    if (edited_.money.enabled) {
        const Scenario& run_scenario = v.individuals() ? run_.sim->scenario() : edited_;
        const Ledger l = ledger_of(run_scenario, v, v.moments);
        j["money"] = {{"currency", edited_.money.currency},
                      {"revenue", l.revenue},
                      {"cost", l.cost},
                      {"profit", l.profit},
                      {"per_customer", l.per_customer}};
    } else {
        j["money"] = nullptr;
    }
    j["conversion"] = v.arrivals > 0 ? v.purchases / v.arrivals : 0.0;
    j["expected_conversion"] = run_.analysis.ok ? run_.analysis.expected_purchases : 0.0;
    j["selected"] = selected_ >= 0 && static_cast<std::size_t>(selected_) < edited_.moments.size()
                        ? edited_.moments[static_cast<std::size_t>(selected_)].id
                        : "";
    nlohmann::ordered_json moments = nlohmann::ordered_json::object();
    for (std::size_t m = 0; m < edited_.moments.size() && m < v.moments.size(); ++m) {
        const LiveMoment& st = v.moments[m];
        moments[edited_.moments[m].id] = {{"entered", count(st.entered)},
                                          {"positive", count(st.positive)},
                                          {"neutral", count(st.neutral)},
                                          {"negative", count(st.negative)},
                                          {"magic", count(st.magic)},
                                          {"lost_after", count(st.lost_after)},
                                          {"p_positive", edited_.moments[m].positive},
                                          {"p_negative", edited_.moments[m].negative}};
    }
    j["moments"] = moments;
    nlohmann::ordered_json msgs = nlohmann::ordered_json::array();
    for (const Message& m : messages_) msgs.push_back({{"text", m.text}, {"error", m.error}});
    j["messages"] = msgs;
    j["lesson"] = nlohmann::json::parse(lesson_json(), nullptr, false);
    // The lesson editor (lesson_editor.h): open, lock mode, preview and the draft as lesson JSON.
    j["lesson_editor"] = {{"open", editor_.open},
                          {"lock_mode", lock_mode()},
                          {"previewing", editor_.previewing},
                          {"draft", editor_.has_draft ? nlohmann::ordered_json(io::lesson_json(editor_.draft.lesson))
                                                      : nlohmann::ordered_json(nullptr)}};
    j["experiment"] = {{"running", experiments_.job != nullptr},
                       {"progress", experiments_.job ? experiments_.job->progress() : 0.0},
                       {"replications", experiments_.replications.has_value()},
                       {"sweep", experiments_.sweep.has_value()},
                       {"rank", experiments_.rank.has_value()},
                       {"stale", experiments_.version != scenario_version_}};
    if (experiments_.rank) {
        nlohmann::json order = nlohmann::json::array();
        for (const RankEntry& e : experiments_.rank->entries) order.push_back(e.id);
        j["experiment"]["rank_order"] = order;
    }
    const std::string what = busy();
    j["busy"] = what.empty() ? nlohmann::ordered_json(nullptr)
                             : nlohmann::ordered_json{{"kind", what}, {"progress", busy_progress()}};
    j["locked"] = ui_.locked;
    j["edited"] = edited();  // differs from the scenario as loaded (Edit > Revert goes back)
    j["can_undo"] = can_undo();
    j["can_redo"] = can_redo();
    // Text the last frame had to shorten (widgets.h): 0 when everything could be read in full.
    j["truncated"] = truncation_log().last_count;
    j["truncated_texts"] = truncation_log().last_texts;
    j["text_size"] = text_size_;
    j["presentation"] = presentation_;
    // The digest hashes the whole series (tens of milliseconds at 100,000 ticks): it is given
    // while the run stands still (paused or finished), computed once per change, and left empty
    // while it plays (it would be stale a tick later anyway).
    const bool still = !run_.playing || v.finished;
    if (v.individuals() && still && run_.digest_version != run_.version) {
        run_.digest = run_.sim->digest();
        run_.digest_version = run_.version;
    }
    j["digest"] = v.individuals() && still ? run_.digest : "";
    // Baselines and earlier runs (compare.h), each with the differences the Compare tab shows.
    const double conversion = v.arrivals > 0 ? v.purchases / v.arrivals : 0.0;
    nlohmann::ordered_json baselines = nlohmann::ordered_json::array();
    for (const RunSnapshot& b : compare_.runs)
        baselines.push_back(
            {{"label", b.label},
             {"pinned", b.pinned},
             {"scenario", b.scenario},
             {"seed", b.seed},
             {"tick", b.tick},
             {"arrivals", b.arrivals},
             {"purchases", b.purchases},
             {"conversion", b.conversion()},
             {"nps", b.nps_defined ? nlohmann::ordered_json(b.nps) : nlohmann::ordered_json(nullptr)},
             {"rating", b.rating},
             {"difference",
              {{"conversion", points_difference(conversion, b.conversion())},
               {"purchases", count_difference(v.purchases, b.purchases)},
               {"nps", b.nps_defined && std::isfinite(nps_shown(v)) ? score_difference(v.nps, b.nps) : "-"},
               {"rating", points_difference(v.rating, b.rating)}}}});
    j["baselines"] = baselines;
    j["pictures"] = {{"taken", pictures_taken_}, {"pending", !picture_pending_.empty()}};
    return j.dump();
}

std::string App::widget_rect_json(const std::string& name) const {
    for (const WindowLayout::Rect& r : layout_.rects)
        if (r.name == name)
            // In CSS pixels: ImGui works in drawing-buffer pixels, ui_scale_ (the device pixel
            // ratio) times larger.
            return nlohmann::json{
                {"x", r.x / ui_scale_}, {"y", r.y / ui_scale_}, {"w", r.w / ui_scale_}, {"h", r.h / ui_scale_}}
                .dump();
    return "null";
}

}  // namespace motsim::app
