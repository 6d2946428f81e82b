#include "app/app.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "app/story.h"
#include "engine/graph.h"
#include "io/loader.h"
#include "scenarios_embedded.h"

namespace motsim::app {

namespace {
constexpr const char* kStoreScenario = "motsim.scenario";
constexpr const char* kStoreSeed = "motsim.seed";
constexpr const char* kStoreSpeed = "motsim.speed";

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
    seed_ = edited_.seed;
    restart();
}

bool App::load_text(const std::string& text, const std::string& origin) {
    io::LoadResult r = io::load_scenario(text);
    std::string summary;
    int errors = 0;
    for (const io::Problem& p : r.problems) {
        if (!p.warning) ++errors;
        summary += io::format_problem(origin, p) + "\n";
    }
    if (!r.ok()) {
        note("Could not load " + origin + " (" + std::to_string(errors) +
                 (errors == 1 ? " problem" : " problems") + "); the current scenario keeps running.\n" + summary,
             true);
        return false;
    }
    if (!summary.empty()) note(summary, false);
    load_scenario(*r.scenario, origin);
    return true;
}

void App::load_scenario(const Scenario& s, const std::string& origin) {
    edited_ = s;
    seed_ = s.seed;
    selected_ = 0;
    watched_.reset();
    relayout_ = true;
    restart();
    note("Loaded " + s.name + " (" + origin + ")", false);
    dirty_ = true;
}

std::string App::scenario_json() const {
    Scenario s = edited_;
    s.seed = seed_;
    return io::scenario_to_json(s);
}

// ==== Commands =================================================================================

void App::restart() {
    sim_ = std::make_unique<Simulation>(edited_, seed_);
    started_ = edited_;
    edit_log_.clear();
    tick_clock_ = 0;
    story_tick_ = -1;
    if (watched_) sim_->watch(*watched_);
    refresh_analysis();
}

void App::refresh_analysis() { analysis_ = analyze(edited_); }

void App::step() {
    if (!sim_->finished()) sim_->step();
}

void App::reset() {
    restart();
    note("Reset: tick 0, seed " + std::to_string(seed_), false);
}

void App::set_seed(std::uint64_t seed) {
    seed_ = seed;
    dirty_ = true;
    restart();
}

void App::set_speed(double tps) {
    speed_ = std::clamp(tps, 0.1, 1000.0);
    dirty_ = true;
}

bool App::apply_edit(const Scenario& edited, const std::string& what) {
    for (const GraphIssue& g : check_graph(edited))
        if (g.error) {
            note("Not applied (" + what + "): " + g.message, true);
            return false;
        }
    edited_ = edited;
    dirty_ = true;
    if (sim_->update_parameters(edited_)) {
        edit_log_.emplace_back(sim_->tick(), edited_);
        story_tick_ = -1;
    } else {
        restart();
    }
    refresh_analysis();
    return true;
}

bool App::set_param(const std::string& path, double v) {
    if (!std::isfinite(v)) {
        note("Not applied: " + path + " must be a finite number", true);
        return false;
    }
    if (path == "speed") {
        set_speed(v);
        return true;
    }
    if (path == "seed") {
        if (v < 0 || v > 9007199254740992.0 || v != std::floor(v)) return false;
        set_seed(static_cast<std::uint64_t>(v));
        return true;
    }
    // Split "/a/b/c".
    std::vector<std::string> parts;
    std::size_t at = path[0] == '/' ? 1 : 0;
    while (at <= path.size()) {
        const std::size_t slash = path.find('/', at);
        parts.push_back(path.substr(at, slash == std::string::npos ? std::string::npos : slash - at));
        if (slash == std::string::npos) break;
        at = slash + 1;
    }
    Scenario s = edited_;
    auto prob = [&](double& field) {
        if (v < 0 || v > 1) return false;
        field = v;
        return true;
    };
    auto range = [&](double& field, double lo, double hi) {
        if (v < lo || v > hi) return false;
        field = v;
        return true;
    };
    bool ok = false;
    if (parts.size() == 2 && parts[0] == "population") {
        if (parts[1] == "arrivals_per_tick") ok = range(s.arrivals_per_tick, 0, 1e6);
        else if (parts[1] == "max_customers" && v >= 0 && v <= 1e9) { s.max_customers = static_cast<std::int64_t>(v); ok = true; }
        else if (parts[1] == "initial" && v >= 0 && v <= 1e7) { s.initial = static_cast<std::int64_t>(v); ok = true; }
    } else if (parts.size() == 1 && parts[0] == "ticks" && v >= 1 && v <= 100000) {
        s.ticks = static_cast<int>(v);
        ok = true;
    } else if (parts.size() == 2 && parts[0] == "influence") {
        if (parts[1] == "impression") ok = range(s.beta, -20, 20);
        else if (parts[1] == "reviews") ok = range(s.gamma, -20, 20);
    } else if (parts.size() == 2 && parts[0] == "reviews") {
        if (parts[1] == "prior") ok = v > 0 && range(s.review_prior, 0, 1e6);
        else if (parts[1] == "half_life") ok = range(s.review_half_life, 0, 1e6);
    } else if (parts.size() == 2 && parts[0] == "word_of_mouth") {
        if (parts[1] == "advocate_threshold") ok = range(s.advocate_threshold, -1, 1);
        else if (parts[1] == "referral_rate") ok = range(s.referral_rate, 0, 1000);
        else if (parts[1] == "referral_boost") ok = range(s.referral_boost, -2, 2);
        else if (parts[1] == "referral_ticks" && v >= 0 && v <= 100000) { s.referral_ticks = static_cast<int>(v); ok = true; }
    } else if (parts.size() == 3 && parts[0] == "segments") {
        char* end = nullptr;
        const long i = std::strtol(parts[1].c_str(), &end, 10);
        if (*end == '\0' && i >= 0 && static_cast<std::size_t>(i) < s.segments.size()) {
            Segment& g = s.segments[static_cast<std::size_t>(i)];
            if (parts[2] == "share") ok = range(g.share, 0, 1e6);
            else if (parts[2] == "shift") ok = range(g.shift, -20, 20);
            else if (parts[2] == "initial_impression") ok = range(g.initial_impression, -1, 1);
        }
    } else if (parts.size() >= 3 && parts[0] == "moments") {
        int m = s.find_moment(parts[1]);
        if (m < 0) {
            char* end = nullptr;
            const long i = std::strtol(parts[1].c_str(), &end, 10);
            if (!parts[1].empty() && *end == '\0' && i >= 0 && static_cast<std::size_t>(i) < s.moments.size())
                m = static_cast<int>(i);
        }
        if (m >= 0) {
            Moment& mo = s.moments[static_cast<std::size_t>(m)];
            const std::string& f = parts[2];
            if (parts.size() == 3) {
                if (f == "positive") {
                    ok = prob(mo.positive);
                    if (ok && mo.positive + mo.negative > 1) mo.negative = 1 - mo.positive;  // keep p+ + p- <= 1
                } else if (f == "negative") {
                    ok = prob(mo.negative);
                    if (ok && mo.positive + mo.negative > 1) mo.positive = 1 - mo.negative;
                } else if (f == "magic") ok = prob(mo.magic);
                else if (f == "review") ok = prob(mo.review);
                else if (f == "dwell" && v >= 1 && v <= 10000 && v == std::floor(v)) {
                    mo.dwell_min = mo.dwell_max = static_cast<int>(v);
                    ok = true;
                }
            } else if (parts.size() == 4 && f == "impact") {
                const char* names[] = {"positive", "neutral", "negative", "magic"};
                for (int o = 0; o < 4; ++o)
                    if (parts[3] == names[o]) ok = range(mo.impact[static_cast<std::size_t>(o)], -2, 2);
            } else if (parts.size() == 4 && f == "dwell" && v >= 1 && v <= 10000 && v == std::floor(v)) {
                if (parts[3] == "min") { mo.dwell_min = static_cast<int>(v); mo.dwell_max = std::max(mo.dwell_max, mo.dwell_min); ok = true; }
                else if (parts[3] == "max") { mo.dwell_max = static_cast<int>(v); mo.dwell_min = std::min(mo.dwell_min, mo.dwell_max); ok = true; }
            }
        }
    }
    if (!ok) {
        note("Not applied: " + path + " = " + std::to_string(v) + " (unknown parameter or out of range)", true);
        return false;
    }
    return apply_edit(s, path);
}

// ==== Time =====================================================================================

void App::update(double dt) {
    time_ += dt;
    if (playing_ && !sim_->finished()) {
        tick_clock_ += std::min(dt, 0.25) * speed_;  // a stalled tab does not catch up in one go
        // Whole ticks only: the numbers never depend on the frame rate.
        int budget = 2000;
        while (tick_clock_ >= 1.0 && budget-- > 0 && !sim_->finished()) {
            sim_->step();
            tick_clock_ -= 1.0;
        }
        if (budget <= 0) tick_clock_ = 0;
    }
    if (sim_->finished()) tick_clock_ = 0;
    if (dirty_ && time_ - saved_at_ > 1.0) save_state();
}

// ==== Stories ==================================================================================

void App::watch_customer(std::uint32_t id) {
    watched_ = id;
    story_tick_ = -1;
}

// The story is replayed from tick 0 with the same seed and the same live edits, so it is the
// customer's whole journey even if they were picked halfway: the engine is deterministic.
std::vector<std::string> App::story() const {
    if (!watched_) return {};
    if (story_tick_ == sim_->tick()) return story_cache_;
    Simulation replay(started_, seed_);
    replay.watch(*watched_);
    std::size_t next_edit = 0;
    while (replay.tick() < sim_->tick()) {
        while (next_edit < edit_log_.size() && edit_log_[next_edit].first == replay.tick())
            replay.update_parameters(edit_log_[next_edit++].second);
        replay.step();
    }
    auto& self = const_cast<App&>(*this);
    self.story_cache_ = story_lines(replay.scenario(), replay.story_events(), *watched_);
    self.story_tick_ = sim_->tick();
    return story_cache_;
}

// ==== Messages, persistence, read-back ===========================================================

void App::note(const std::string& text, bool error) {
    messages_.push_back({text, error, time_});
    if (messages_.size() > 20) messages_.erase(messages_.begin());
}

void App::save_state() {
    host_.store(kStoreScenario, scenario_json());
    host_.store(kStoreSeed, std::to_string(seed_));
    host_.store(kStoreSpeed, std::to_string(speed_));
    dirty_ = false;
    saved_at_ = time_;
}

void App::restore_state() {
    const std::string text = host_.load(kStoreScenario);
    if (text.empty()) return;
    io::LoadResult r = io::load_scenario(text);
    if (!r.ok()) {
        note("The scenario saved in this browser could not be read; starting with the default.", true);
        return;
    }
    edited_ = *r.scenario;
    seed_ = edited_.seed;
    const std::string speed = host_.load(kStoreSpeed);
    if (!speed.empty()) speed_ = std::clamp(std::atof(speed.c_str()), 0.1, 1000.0);
    relayout_ = true;
    restart();
    note("Restored your last scenario: " + edited_.name, false);
}

std::string App::state_json() const {
    const Simulation& sim = *sim_;
    const Totals& t = sim.totals();
    nlohmann::ordered_json j;
    j["scenario"] = edited_.name;
    j["tick"] = sim.tick();
    j["ticks"] = edited_.ticks;
    j["finished"] = sim.finished();
    j["playing"] = playing_;
    j["speed"] = speed_;
    j["seed"] = seed_;
    j["arrivals"] = t.arrivals;
    j["purchases"] = t.purchases;
    j["done"] = t.done;
    j["lost"] = t.lost;
    j["active"] = sim.active();
    j["nps"] = t.nps();
    j["rating"] = sim.rating();
    j["referrals"] = t.referrals;
    j["conversion"] = t.arrivals ? static_cast<double>(t.purchases) / static_cast<double>(t.arrivals) : 0.0;
    j["expected_conversion"] = analysis_.ok ? analysis_.expected_purchases : 0.0;
    j["selected"] = selected_ >= 0 && static_cast<std::size_t>(selected_) < edited_.moments.size()
                        ? edited_.moments[static_cast<std::size_t>(selected_)].id
                        : "";
    nlohmann::ordered_json moments = nlohmann::ordered_json::object();
    for (std::size_t m = 0; m < edited_.moments.size(); ++m) {
        const MomentStats& st = sim.moments()[m];
        moments[edited_.moments[m].id] = {{"entered", st.entered},     {"positive", st.positive},
                                          {"neutral", st.neutral},     {"negative", st.negative},
                                          {"magic", st.magic},         {"lost_after", st.lost_after},
                                          {"p_positive", edited_.moments[m].positive},
                                          {"p_negative", edited_.moments[m].negative}};
    }
    j["moments"] = moments;
    nlohmann::ordered_json msgs = nlohmann::ordered_json::array();
    for (const Message& m : messages_) msgs.push_back({{"text", m.text}, {"error", m.error}});
    j["messages"] = msgs;
    j["digest"] = sim.digest();
    return j.dump();
}


std::string App::widget_rect_json(const std::string& name) const {
    for (const Rect& r : rects_)
        if (r.name == name)
            // In CSS pixels: ImGui works in drawing-buffer pixels, ui_scale_ (the device pixel
            // ratio) times larger.
            return nlohmann::json{{"x", r.x / ui_scale_}, {"y", r.y / ui_scale_}, {"w", r.w / ui_scale_},
                                   {"h", r.h / ui_scale_}}.dump();
    return "null";
}

}  // namespace motsim::app
