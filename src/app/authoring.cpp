// Authoring: the edit commands a trainer (or a host page, or a test) uses to build a journey,
// undo and redo, the "edited" marker and Revert. Every command works on a copy of the scenario
// that the loader then checks with its own rules (scenario_to_json + load_scenario), so an edit
// the loader would refuse in a file is refused here with the same message and JSON pointer, and
// nothing changes. At the end: lesson authoring (the lesson editor's commands).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>

#include "app/app.h"
#include "engine/graph.h"
#include "engine/parameters.h"
#include "io/lesson_io.h"
#include "io/loader.h"
#include "io/package.h"
#include "scenarios_embedded.h"

namespace motsim::app {

namespace {

using Json = nlohmann::json;

std::string answer_error(const std::string& error) { return Json{{"ok", false}, {"error", error}}.dump(); }

// "Checks out!" -> "checks_out": an id the loader accepts, unique among the moments.
std::string unique_id(const Scenario& s, const std::string& name) {
    std::string base;
    for (unsigned char c : name) {
        if (std::isalnum(c))
            base += static_cast<char>(std::tolower(c));
        else if (!base.empty() && base.back() != '_')
            base += '_';
        if (base.size() >= 40) break;
    }
    while (!base.empty() && base.back() == '_') base.pop_back();
    if (base.empty() || std::isdigit(static_cast<unsigned char>(base[0]))) base = "moment" + base;
    std::string id = base;
    for (int k = 2; s.find_moment(id) >= 0; ++k) id = base + "_" + std::to_string(k);
    return id;
}

// A string field of a command, or nullptr if missing or not a string.
const std::string* str(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

// A moment named by id (or by index as a number); -1 if there is none.
int moment_arg(const Scenario& s, const Json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end()) return -1;
    if (it->is_string()) return s.find_moment(it->get<std::string>());
    if (it->is_number_integer()) {
        const double i = it->get<double>();
        return i >= 0 && i < static_cast<double>(s.moments.size()) ? static_cast<int>(i) : -1;
    }
    return -1;
}

// A route target: a moment id, "done" or "lost"; false if none of them.
bool target_arg(const Scenario& s, const Json& j, const char* key, int& target) {
    const std::string* t = str(j, key);
    if (!t) return false;
    if (*t == "done")
        target = kDone;
    else if (*t == "lost")
        target = kLost;
    else
        target = s.find_moment(*t);
    return target != -1 || *t == "lost";
}

// A phase by name or index; -1 if neither.
int phase_arg(const Scenario& s, const Json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end()) return -1;
    if (it->is_string())
        for (std::size_t p = 0; p < s.phases.size(); ++p)
            if (s.phases[p] == it->get<std::string>()) return static_cast<int>(p);
    if (it->is_number_integer()) {
        const double p = it->get<double>();
        return p >= 0 && p < static_cast<double>(s.phases.size()) ? static_cast<int>(p) : -1;
    }
    return -1;
}

// Which routes an outcome names: positive, neutral, negative, "success" (positive and neutral)
// or "all". Empty if the name is none of them.
std::vector<int> outcome_routes(const std::string& o) {
    if (o == "positive") return {0};
    if (o == "neutral") return {1};
    if (o == "negative") return {2};
    if (o == "success") return {0, 1};
    if (o == "all") return {0, 1, 2};
    return {};
}

// Moves every route target and the entry through `map` (old index -> new index, or -1 for a
// moment that is gone, whose targets are dropped).
void remap(Scenario& s, const std::vector<int>& map) {
    auto move_route = [&](Route& r) {
        Route out;
        for (std::size_t k = 0; k < r.targets.size(); ++k) {
            const int t = r.targets[k];
            const int nt =
                t >= 0 ? (static_cast<std::size_t>(t) < map.size() ? map[static_cast<std::size_t>(t)] : -1) : t;
            if (t >= 0 && nt < 0) continue;
            out.targets.push_back(nt);
            out.weights.push_back(r.weights[k]);
        }
        r = std::move(out);
    };
    for (Moment& m : s.moments)
        for (Route& r : m.next) move_route(r);
    move_route(s.entry);
}

// A blank journey: one moment in the first phase that a trainer builds on.
Scenario blank_scenario() {
    Scenario s;
    s.name = "New journey";
    s.description = "A journey of your own: add moments, draw routes between them and press Play.";
    s.ticks = 120;
    s.arrivals_per_tick = 20;
    Moment m;
    m.id = "first_moment";
    m.name = "First moment";
    m.phase = 0;
    m.positive = 0.6;
    m.negative = 0.1;
    m.next = {Route{{kDone}, {1.0}}, Route{{kDone}, {1.0}}, Route{{kLost}, {1.0}}};
    s.moments = {m};
    s.entry = Route{{0}, {1.0}};
    return s;
}

}  // namespace

// ==== History ======================================================================================

void App::record_step(const Scenario& before, const Scenario& after, const std::string& what) {
    EditHistory& h = history_;
    // A held slider's edits are one step: merge into the open step of the same control.
    if (h.pos > 0 && h.pos == h.steps.size()) {
        EditHistory::Step& top = h.steps[h.pos - 1];
        if (top.open && !top.load && top.what == what) {
            top.after = after;
            return;
        }
    }
    if (h.clean > static_cast<long>(h.pos)) h.clean = -1;  // the clean state was in the redo part
    h.steps.resize(h.pos);
    EditHistory::Step step;
    step.before = before;
    step.after = after;
    step.what = what;
    step.open = h.ui_gesture;
    h.steps.push_back(std::move(step));
    if (h.steps.size() > EditHistory::kMaxSteps) {
        h.steps.erase(h.steps.begin());
        --h.clean;  // -1 stays unreachable (-2), 0 becomes unreachable too
        if (h.clean < 0) h.clean = -1;
    }
    h.pos = h.steps.size();
}

bool App::can_undo() const { return history_.pos > 0; }
bool App::can_redo() const { return history_.pos < history_.steps.size(); }
bool App::edited() const { return history_.clean != static_cast<long>(history_.pos); }

std::string App::locked_change(const Scenario& before, const Scenario& after) const {
    if (ui_.locked.empty()) return "";
    const bool same_structure = before.moments.size() == after.moments.size() && [&] {
        for (std::size_t m = 0; m < before.moments.size(); ++m)
            if (before.moments[m].id != after.moments[m].id || before.moments[m].phase != after.moments[m].phase ||
                before.moments[m].name != after.moments[m].name)
                return false;
        return before.segments.size() == after.segments.size() && before.name == after.name &&
               before.description == after.description;
    }();
    if (!same_structure) return "The journey's structure";
    for (const auto& c : changed_parameters(before, after))
        if (locked(c.first)) return c.first;
    return "";
}

bool App::undo() {
    EditHistory& h = history_;
    if (h.pos == 0) {
        note("Nothing to undo", false);
        return false;
    }
    EditHistory::Step& st = h.steps[h.pos - 1];
    if (!st.load) {
        const std::string lock = locked_change(edited_, st.before);
        if (!lock.empty()) {
            note("Cannot undo: " + lock + " is locked in this lesson", true);
            return false;
        }
    }
    st.open = false;
    --h.pos;
    if (st.load) {
        h.loaded = st.loaded_before;
        h.clean = st.clean_before;
        const int keep = selected_;
        install_loaded(st.before);
        selected_ = std::clamp(keep, 0, std::max(0, static_cast<int>(edited_.moments.size()) - 1));
    } else {
        land_scenario(st.before, {}, false);
    }
    note("Undone: " + st.what, false);
    host_.emit("edit", Json{{"op", "undo"}, {"what", st.what}}.dump());
    return true;
}

bool App::redo() {
    EditHistory& h = history_;
    if (h.pos >= h.steps.size()) {
        note("Nothing to redo", false);
        return false;
    }
    EditHistory::Step& st = h.steps[h.pos];
    if (!st.load) {
        const std::string lock = locked_change(edited_, st.after);
        if (!lock.empty()) {
            note("Cannot redo: " + lock + " is locked in this lesson", true);
            return false;
        }
    }
    ++h.pos;
    if (st.load) {
        h.loaded = st.after;
        h.clean = static_cast<long>(h.pos);
        install_loaded(st.after);
    } else {
        land_scenario(st.after, {}, false);
    }
    note("Redone: " + st.what, false);
    host_.emit("edit", Json{{"op", "redo"}, {"what", st.what}}.dump());
    return true;
}

void App::revert() {
    if (!edited()) return;
    const Scenario target = history_.loaded;
    if (!apply_edit(target, "revert to the loaded scenario", true)) return;
    history_.steps[history_.pos - 1].open = false;
    history_.clean = static_cast<long>(history_.pos);
    note("Reverted to " + target.name + " as loaded", false);
}

// ==== Edit commands ==================================================================================

std::string App::edit(const std::string& text, bool by_learner) {
    (void)by_learner;  // locks hold for every command, whoever sends it
    if (text.size() > kMaxTextBytes) return answer_error("the command is longer than the text limit");
    const Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return answer_error("an edit command is a JSON object with an \"op\"");
    const std::string* op_p = str(j, "op");
    if (!op_p) return answer_error("/op: missing (e.g. \"add_moment\", \"connect\", \"undo\")");
    const std::string op = *op_p;

    if (op == "undo") return Json{{"ok", undo()}}.dump();
    if (op == "redo") return Json{{"ok", redo()}}.dump();
    if (op == "revert") {
        if (!edited()) return Json{{"ok", true}, {"note", "nothing to revert"}}.dump();
        revert();
        return Json{{"ok", !edited()}}.dump();
    }
    if (op == "select") {
        const int m = moment_arg(edited_, j, "moment");
        if (m < 0) return answer_error("/moment: no such moment");
        selected_ = m;
        return Json{{"ok", true}}.dump();
    }
    if (op == "set") {
        const auto v = j.find("value");
        const std::string* path = str(j, "path");
        if (!path) return answer_error("/path: missing (e.g. \"/moments/check_in/positive\")");
        if (v == j.end() || !v->is_number()) return answer_error("/value: must be a number");
        Scenario s = edited_;
        std::string error;
        if (!set_parameter(s, *path, v->get<double>(), error)) return answer_error(*path + ": " + error);
        const std::string lock = locked_change(edited_, s);
        if (!lock.empty()) return answer_error(lock + " is locked in this lesson");
        if (!apply_edit(s, *path, true)) return answer_error(messages_.empty() ? "not applied" : messages_.back().text);
        return Json{{"ok", true}}.dump();
    }

    // The structural commands: change a copy, then let the loader judge it.
    Scenario s = edited_;
    Json extra = Json::object();
    std::string what;
    if (op == "new") {
        const std::string from = str(j, "from") ? *str(j, "from") : "blank";
        if (from == "blank") {
            s = blank_scenario();
        } else {
            const char* text_of = nullptr;
            for (const auto& f : scenarios::kFiles)
                if (from == f.name) text_of = f.text;
            if (!text_of) return answer_error("/from: \"blank\" or a shipped scenario's file name (e.g. hotel.json)");
            io::LoadResult r = io::load_scenario(text_of);
            if (!r.ok()) return answer_error("/from: the shipped scenario did not load");
            s = *r.scenario;
            s.name = "My " + s.name;
        }
        // A new journey is a load: Revert goes back to it, and Ctrl+Z to what was there before.
        load_scenario(s, from == "blank" ? "a blank journey" : "a copy of " + from);
        return Json{{"ok", true}}.dump();
    } else if (op == "add_moment") {
        const std::string name = str(j, "name") && !str(j, "name")->empty() ? *str(j, "name") : "New moment";
        if (name.size() > 200) return answer_error("/name: at most 200 characters");
        const int after = j.contains("after") ? moment_arg(s, j, "after") : selected_;
        if (j.contains("after") && after < 0) return answer_error("/after: no such moment");
        int phase = j.contains("phase") ? phase_arg(s, j, "phase") : -1;
        if (j.contains("phase") && phase < 0)
            return answer_error("/phase: one of the scenario's phases (name or index)");
        if (phase < 0)
            phase = after >= 0 && static_cast<std::size_t>(after) < s.moments.size()
                        ? s.moments[static_cast<std::size_t>(after)].phase
                        : 0;
        if (s.moments.size() >= 1000) return answer_error("/moments: at most 1000 moments");
        Moment m;
        m.id = unique_id(s, name);
        m.name = name;
        m.phase = phase;
        m.positive = 0.6;
        m.negative = 0.1;
        m.next = {Route{{kDone}, {1.0}}, Route{{kDone}, {1.0}}, Route{{kLost}, {1.0}}};
        const std::size_t at = after >= 0 ? static_cast<std::size_t>(after) + 1 : s.moments.size();
        // "insert": the new moment goes between `after` and where its good outcomes went.
        const bool insert = j.contains("insert") && j["insert"].is_boolean() && j["insert"].get<bool>() && after >= 0;
        std::vector<int> map(s.moments.size());
        for (std::size_t i = 0; i < map.size(); ++i) map[i] = static_cast<int>(i < at ? i : i + 1);
        if (insert) {
            const Moment& a = s.moments[static_cast<std::size_t>(after)];
            m.next[0] = a.next[0];
            m.next[1] = a.next[1];
        }
        s.moments.insert(s.moments.begin() + static_cast<long>(at), m);
        // Targets of the moments after the insertion point shift by one (the new one keeps the
        // targets it was given in old indices: remap them too).
        remap(s, map);  // also the new moment's copied routes, which were in old indices
        if (insert)
            for (int o = 0; o < 2; ++o)
                s.moments[static_cast<std::size_t>(after)].next[static_cast<std::size_t>(o)] =
                    Route{{static_cast<int>(at)}, {1.0}};
        extra["id"] = m.id;
        what = "add moment " + m.id;
    } else if (op == "remove_moment") {
        const int r = moment_arg(s, j, "moment");
        if (r < 0) return answer_error("/moment: no such moment");
        if (s.moments.size() <= 1) return answer_error("/moments: a journey needs at least one moment");
        // Routes into the removed moment go where it would have sent the customer (its route for
        // the same outcome), so removing a step in a chain keeps the chain joined.
        const Moment gone = s.moments[static_cast<std::size_t>(r)];
        auto bypass = [&](Route& route, int outcome) {
            Route out;
            for (std::size_t k = 0; k < route.targets.size(); ++k) {
                if (route.targets[k] != r) {
                    out.targets.push_back(route.targets[k]);
                    out.weights.push_back(route.weights[k]);
                    continue;
                }
                const Route& via = gone.next[static_cast<std::size_t>(outcome)];
                double total = 0;
                for (double w : via.weights) total += w;
                for (std::size_t q = 0; q < via.targets.size(); ++q) {
                    if (via.targets[q] == r) continue;
                    const auto it = std::find(out.targets.begin(), out.targets.end(), via.targets[q]);
                    const double w = route.weights[k] * (total > 0 ? via.weights[q] / total : 1.0);
                    if (it != out.targets.end())
                        out.weights[static_cast<std::size_t>(it - out.targets.begin())] += w;
                    else {
                        out.targets.push_back(via.targets[q]);
                        out.weights.push_back(w);
                    }
                }
            }
            if (out.targets.empty()) out = Route{{outcome == 2 ? kLost : kDone}, {1.0}};
            route = std::move(out);
        };
        for (Moment& m : s.moments)
            for (int o = 0; o < 3; ++o) bypass(m.next[static_cast<std::size_t>(o)], o);
        bypass(s.entry, 0);
        // An entry through the removed moment alone would now end at a terminal: enter at the first moment.
        Route entry;
        for (std::size_t k = 0; k < s.entry.targets.size(); ++k)
            if (s.entry.targets[k] >= 0) {
                entry.targets.push_back(s.entry.targets[k]);
                entry.weights.push_back(s.entry.weights[k]);
            }
        s.entry = std::move(entry);
        s.moments.erase(s.moments.begin() + r);
        std::vector<int> map(s.moments.size() + 1);
        for (std::size_t i = 0; i < map.size(); ++i)
            map[i] = static_cast<int>(i) == r  ? -1
                     : static_cast<int>(i) < r ? static_cast<int>(i)
                                               : static_cast<int>(i) - 1;
        remap(s, map);
        if (s.entry.targets.empty()) s.entry = Route{{0}, {1.0}};
        what = "remove moment " + gone.id;
    } else if (op == "rename_moment") {
        const int m = moment_arg(s, j, "moment");
        if (m < 0) return answer_error("/moment: no such moment");
        const std::string* name = str(j, "name");
        if (!name || name->empty()) return answer_error("/name: a non-empty text");
        if (name->size() > 200) return answer_error("/name: at most 200 characters");
        what = "rename " + s.moments[static_cast<std::size_t>(m)].id;
        s.moments[static_cast<std::size_t>(m)].name = *name;
    } else if (op == "move_moment") {
        const int m = moment_arg(s, j, "moment");
        if (m < 0) return answer_error("/moment: no such moment");
        const auto to_it = j.find("to");
        if (to_it == j.end() || !to_it->is_number_integer()) return answer_error("/to: a position (0 is first)");
        const double to_d = to_it->get<double>();
        if (to_d < 0 || to_d >= static_cast<double>(s.moments.size()))
            return answer_error("/to: a position from 0 to " + std::to_string(s.moments.size() - 1));
        const int to = static_cast<int>(to_d);
        if (to == m) return Json{{"ok", true}, {"note", "already there"}}.dump();
        std::vector<int> order(s.moments.size());  // new position -> old index
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
        order.erase(order.begin() + m);
        order.insert(order.begin() + to, m);
        std::vector<int> map(s.moments.size());
        std::vector<Moment> moved;
        for (std::size_t i = 0; i < order.size(); ++i) {
            map[static_cast<std::size_t>(order[i])] = static_cast<int>(i);
            moved.push_back(s.moments[static_cast<std::size_t>(order[i])]);
        }
        s.moments = std::move(moved);
        remap(s, map);
        if (selected_ == m) selected_ = to;
        what = "move " + s.moments[static_cast<std::size_t>(to)].id;
    } else if (op == "set_phase") {
        const int m = moment_arg(s, j, "moment");
        if (m < 0) return answer_error("/moment: no such moment");
        const int p = phase_arg(s, j, "phase");
        if (p < 0) return answer_error("/phase: one of the scenario's phases (name or index)");
        s.moments[static_cast<std::size_t>(m)].phase = p;
        what = s.moments[static_cast<std::size_t>(m)].id + ": phase " + s.phases[static_cast<std::size_t>(p)];
    } else if (op == "connect" || op == "disconnect") {
        const int from = moment_arg(s, j, "from");
        if (from < 0) return answer_error("/from: no such moment");
        int to = 0;
        if (!target_arg(s, j, "to", to)) return answer_error("/to: a moment's id, \"done\" or \"lost\"");
        const std::string outcome = str(j, "outcome") ? *str(j, "outcome") : "success";
        const std::vector<int> routes = outcome_routes(outcome);
        if (routes.empty()) return answer_error("/outcome: positive, neutral, negative, success or all");
        double weight = 1.0;
        if (j.contains("weight")) {
            if (!j["weight"].is_number() || !(j["weight"].get<double>() > 0) || j["weight"].get<double>() > 1e6)
                return answer_error("/weight: a number greater than 0 (at most 1,000,000)");
            weight = j["weight"].get<double>();
        }
        Moment& m = s.moments[static_cast<std::size_t>(from)];
        for (int o : routes) {
            Route& r = m.next[static_cast<std::size_t>(o)];
            const auto it = std::find(r.targets.begin(), r.targets.end(), to);
            if (op == "disconnect") {
                if (it == r.targets.end()) continue;
                if (r.targets.size() == 1)
                    return answer_error("/to: the route after " +
                                        std::string(o == 0   ? "positive"
                                                    : o == 1 ? "neutral"
                                                             : "negative") +
                                        " outcomes has no other target; connect another one first");
                r.weights.erase(r.weights.begin() + (it - r.targets.begin()));
                r.targets.erase(it);
            } else if (it != r.targets.end()) {
                r.weights[static_cast<std::size_t>(it - r.targets.begin())] = weight;
            } else {
                // A route that only ends the journey is replaced by the first moment drawn from
                // it (a new moment's "then done"); otherwise the new target shares the route.
                const bool replace = j.contains("replace") && j["replace"].is_boolean()
                                         ? j["replace"].get<bool>()
                                         : r.targets.size() == 1 && r.targets[0] < 0 && to >= 0;
                if (replace) r = Route{};
                r.targets.push_back(to);
                r.weights.push_back(weight);
            }
        }
        const std::string to_name = to == kDone   ? "done"
                                    : to == kLost ? "lost"
                                                  : s.moments[static_cast<std::size_t>(to)].id;
        what = (op == "connect" ? "connect " : "disconnect ") + m.id + " -> " + to_name + " (" + outcome + ")";
    } else if (op == "set_flag") {
        const int m = moment_arg(s, j, "moment");
        if (m < 0) return answer_error("/moment: no such moment");
        const std::string* flag = str(j, "flag");
        if (!flag || (*flag != "purchase" && *flag != "reads_reviews"))
            return answer_error("/flag: \"purchase\" or \"reads_reviews\"");
        const auto v = j.find("value");
        if (v == j.end() || !v->is_boolean()) return answer_error("/value: true or false");
        Moment& mo = s.moments[static_cast<std::size_t>(m)];
        (*flag == "purchase" ? mo.purchase : mo.reads_reviews) = v->get<bool>();
        what = mo.id + ": " + *flag;
    } else if (op == "set_entry") {
        const int m = moment_arg(s, j, "moment");
        if (m < 0) return answer_error("/moment: no such moment");
        s.entry = Route{{m}, {1.0}};
        what = "entry at " + s.moments[static_cast<std::size_t>(m)].id;
    } else if (op == "add_segment") {
        const std::string name = str(j, "name") && !str(j, "name")->empty() ? *str(j, "name") : "new segment";
        Segment g;
        g.name = name;
        for (int k = 2;
             std::any_of(s.segments.begin(), s.segments.end(), [&](const Segment& x) { return x.name == g.name; }); ++k)
            g.name = name + " " + std::to_string(k);
        g.share = 0.2;
        if (j.contains("share")) {
            if (!j["share"].is_number()) return answer_error("/share: a number");
            g.share = j["share"].get<double>();
        }
        if (j.contains("shift") && j["shift"].is_number()) g.shift = j["shift"].get<double>();
        s.segments.push_back(g);
        extra["name"] = g.name;
        what = "add segment " + g.name;
    } else if (op == "remove_segment") {
        const auto it = j.find("index");
        if (it == j.end() || !it->is_number_integer() || it->get<double>() < 0 ||
            it->get<double>() >= static_cast<double>(s.segments.size()))
            return answer_error("/index: a segment's position (0 is first)");
        if (s.segments.size() <= 1) return answer_error("/segments: a journey needs at least one segment");
        const std::size_t i = static_cast<std::size_t>(it->get<double>());
        what = "remove segment " + s.segments[i].name;
        s.segments.erase(s.segments.begin() + static_cast<long>(i));
    } else if (op == "set_title" || op == "set_description") {
        const char* key = op == "set_title" ? "title" : "description";
        const std::string* t = str(j, key);
        if (!t) return answer_error(std::string("/") + key + ": a text");
        if (op == "set_title") {
            if (t->empty() || t->size() > 200) return answer_error("/title: 1 to 200 characters");
            s.name = *t;
        } else {
            if (t->size() > 20000) return answer_error("/description: at most 20,000 characters");
            s.description = *t;
        }
        what = op == "set_title" ? "title" : "description";
    } else {
        return answer_error(
            "/op: unknown command \"" + op.substr(0, 40) +
            "\" (new, add_moment, remove_moment, rename_moment, move_moment, set_phase, connect, "
            "disconnect, set_flag, set_entry, add_segment, remove_segment, set_title, set_description, set, "
            "select, undo, redo, revert)");
    }

    // The loader's rules, exactly: the edited journey written out and read back.
    io::LoadResult r = io::load_scenario(io::scenario_to_json(s));
    std::string warnings;
    for (const io::Problem& p : r.problems) {
        if (!r.ok() && !p.warning) {
            const std::string msg = p.pointer + ": " + p.message;
            note("Not applied (" + what + "): " + msg, true);
            return answer_error(msg);
        }
        if (p.warning) warnings += (warnings.empty() ? "" : "\n") + p.pointer + ": " + p.message;
    }
    if (!r.ok()) return answer_error("not applied");
    for (const GraphIssue& g : check_graph(*r.scenario))
        if (g.error) {
            note("Not applied (" + what + "): " + g.message, true);
            return answer_error(g.message);
        }
    const std::string lock = locked_change(edited_, *r.scenario);
    if (!lock.empty()) {
        note(lock + " is locked in this lesson", true);
        return answer_error(lock + " is locked in this lesson");
    }
    if (!apply_edit(*r.scenario, what, true))
        return answer_error(messages_.empty() ? "not applied" : messages_.back().text);
    if (op == "add_moment") selected_ = edited_.find_moment(extra["id"].get<std::string>());
    host_.emit("edit", Json{{"op", op}, {"what", what}}.dump());
    Json out{{"ok", true}};
    out.update(extra);
    if (!warnings.empty()) out["warnings"] = warnings;
    return out.dump();
}

// ==== Lesson authoring ===============================================================================
// The lesson editor's commands: the draft (lesson_editor.h), locks chosen on the parameters, the
// learner's preview, saving and loading lesson files, and LMS packages of the draft. The window
// is in lesson_window.cpp.

namespace {
// A lesson's own locks and panels, as if a host page had configured them.
void apply_lesson_settings(UiConfig& ui, const Lesson& lesson) {
    if (!lesson.locked.empty()) ui.locked = lesson.locked;
    if (lesson.panels) {
        const LessonPanels& p = *lesson.panels;
        ui.menu = p.menu, ui.controls = p.controls, ui.editor = p.editor, ui.charts = p.charts, ui.story = p.story;
    }
}

std::string problems_text(const std::string& origin, const std::vector<io::Problem>& problems) {
    std::string out;
    for (const io::Problem& p : problems) out += io::format_problem(origin, p) + "\n";
    return out;
}
}  // namespace

void App::open_lesson_editor() {
    if (!editor_.has_draft) {
        editor_.draft.lesson = ui_.lesson ? *ui_.lesson : LessonDraft::starter(edited_.name);
        editor_.has_draft = true;
    }
    editor_.open = true;
}

void App::close_lesson_editor() {
    if (editor_.previewing) end_preview();
    editor_.open = false;
    editor_.lock_mode = false;
}

std::string App::lesson_draft_json() const {
    return editor_.has_draft ? io::lesson_to_json(editor_.draft.lesson) : "null";
}

bool App::set_draft_locked(const std::string& path, bool on) {
    if (!editor_.has_draft) open_lesson_editor();
    return editor_.draft.set_locked(path, on);
}

const std::vector<io::Problem>& App::lesson_draft_problems() {
    // Recomputed only when the draft or the scenario changed: the key is the draft's JSON and
    // the scenario's version (every edit, load and restart bumps it).
    const std::string text = lesson_draft_json();
    if (text == editor_.checked_text && scenario_version_ == editor_.checked_version) return editor_.problems;
    editor_.checked_text = text;
    editor_.checked_version = scenario_version_;
    editor_.problems.clear();
    if (!editor_.has_draft) return editor_.problems;
    // The format's own rules (text lengths, values), as a file with this text would meet them...
    Lesson back;
    io::load_lesson(text, back, editor_.problems);
    // ... and what only the scenario can tell (paths, ranges, money and loyalty).
    const Scenario& s = editor_.previewing && editor_.aside ? editor_.aside->scenario : edited_;
    io::check_lesson_for(editor_.draft.lesson, s, editor_.problems);
    return editor_.problems;
}

bool App::save_lesson() {
    if (!editor_.has_draft) {
        note("There is no lesson to save yet: Lesson > Edit lesson... makes one.", true);
        return false;
    }
    const std::size_t problems = lesson_draft_problems().size();
    const std::string where = host_.save_file("lesson.json", "application/json", lesson_draft_json());
    note("Saved the lesson: " + where +
             (problems ? " (" + std::to_string(problems) + (problems == 1 ? " problem" : " problems") +
                             " to fix: see the lesson editor)"
                       : ""),
         false);
    return true;
}

bool App::load_lesson_text(const std::string& text, const std::string& origin) {
    if (refuse_long_text(text, "The lesson " + origin)) return false;
    Lesson lesson;
    std::vector<io::Problem> problems;
    if (!io::load_lesson(text, lesson, problems)) {
        // The lesson there was stays, in the editor and on the page.
        const std::string summary = problems_text(origin, problems);
        const std::size_t n = problems.size();
        editor_.load_error = "Not loaded: " + summary;
        note("Could not load the lesson " + origin + " (" + std::to_string(n) + (n == 1 ? " problem" : " problems") +
                 "); the current lesson stays.\n" + summary,
             true);
        host_.emit("error", Json{{"message", "could not load the lesson " + origin}, {"problems", summary}}.dump());
        return false;
    }
    editor_.load_error.clear();
    if (editor_.previewing) end_preview();
    editor_.draft.lesson = lesson;
    editor_.has_draft = true;
    std::vector<io::Problem> fit;
    io::check_lesson_for(lesson, edited_, fit);
    const std::string warnings = fit.empty() ? "" : "\n" + problems_text(origin, fit);
    if (editor_.open) {
        note("Loaded the lesson \"" + lesson.title + "\" (" + origin + ") into the lesson editor." + warnings, false);
        return true;
    }
    // Not editing: the lesson runs, as if the page had configured it.
    cancel_work();
    ui_.lesson = lesson;
    apply_lesson_settings(ui_, lesson);
    lesson_.step = 0;
    lesson_.detail.clear();
    lesson_.base = edited_;
    layout_.relayout = true;
    note("Loaded the lesson \"" + lesson.title + "\" (" + origin + "). Lesson > Edit lesson... changes it." + warnings,
         false);
    host_.emit("lesson_loaded", Json{{"title", lesson.title}, {"steps", lesson.steps.size()}}.dump());
    return true;
}

bool App::start_preview() {
    if (editor_.previewing) return true;
    if (!editor_.has_draft) open_lesson_editor();
    cancel_work();  // a run to a tick, a lesson check: the trainer's, not the learner's
    LessonEditorRoom::PutAside a;
    a.ui = ui_;
    a.scenario = edited_;
    a.seed = run_.seed;
    a.history = history_;
    a.lesson_step = lesson_.step;
    a.lesson_detail = lesson_.detail;
    a.lesson_base = lesson_.base;
    a.selected = selected_;
    a.show_details = show_details_;
    a.host_page = host_page_;
    editor_.aside = std::move(a);
    editor_.previewing = true;
    // What a learner's page shows: the draft's lesson, exactly its locks, its panels (all of
    // them when it names none), a fresh run at tick 0 and a clean history.
    const Lesson& lesson = editor_.draft.lesson;
    ui_.lesson = lesson;
    ui_.locked = lesson.locked;
    const LessonPanels panels = lesson.panels.value_or(LessonPanels{});
    ui_.menu = panels.menu, ui_.controls = panels.controls, ui_.editor = panels.editor, ui_.charts = panels.charts,
    ui_.story = panels.story;
    lesson_.step = 0;
    lesson_.detail.clear();
    lesson_.base = edited_;
    show_details_ = false;
    show_info_ = false;
    tour_step_ = -1;
    leave_question_.reset();
    host_page_ = true;
    history_ = EditHistory{};
    history_.loaded = edited_;
    history_.loaded_origin = editor_.aside->history.loaded_origin;
    run_.playing = false;
    restart();
    layout_.relayout = true;
    note("Preview: the lesson as a learner sees it. \"Back to editing\" returns to your journey.", false);
    return true;
}

void App::end_preview() {
    if (!editor_.previewing || !editor_.aside) return;
    cancel_work();
    LessonEditorRoom::PutAside a = std::move(*editor_.aside);
    editor_.aside.reset();
    editor_.previewing = false;
    // Whatever the learner changed goes: the trainer's scenario, seed, history, panels and lesson
    // come back as they were.
    ui_ = a.ui;
    history_ = std::move(a.history);
    edited_ = a.scenario;
    run_.seed = a.seed;
    lesson_.step = a.lesson_step;
    lesson_.detail = a.lesson_detail;
    lesson_.base = a.lesson_base;
    show_details_ = a.show_details;
    host_page_ = a.host_page;
    selected_ = edited_.moments.empty() ? 0 : std::clamp(a.selected, 0, static_cast<int>(edited_.moments.size()) - 1);
    run_.playing = false;
    restart();
    dirty_ = true;
    layout_.relayout = true;
    note("Back to editing the lesson.", false);
}

std::string App::package_files_json(const std::string& format) const {
    // The draft (or the page's lesson) on the lesson's own scenario: the trainer's while editing
    // or previewing, the one the lesson started from while a learner works on it.
    const Lesson* lesson = editor_.has_draft ? &editor_.draft.lesson : ui_.lesson ? &*ui_.lesson : nullptr;
    if (!lesson)
        return Json{{"ok", false}, {"error", ": there is no lesson to package (Lesson > Edit lesson... makes one)"}}
            .dump();
    Scenario s = edited_;
    s.seed = run_.seed;
    if (editor_.previewing && editor_.aside) {
        s = editor_.aside->scenario;
        s.seed = editor_.aside->seed;
    } else if (!editor_.open && ui_.lesson) {
        s = lesson_.base;
        s.seed = run_.seed;
    }
    return io::package_files_json(*lesson, s, format);
}

bool App::download_package(const std::string& format) {
    const Json j = Json::parse(package_files_json(format), nullptr, false);
    if (!j.is_object() || !j.contains("ok") || j["ok"] != true || !j.contains("files") || !j["files"].is_object()) {
        editor_.package_error = j.is_object() && j.contains("error") && j["error"].is_string()
                                    ? j["error"].get<std::string>()
                                    : "the package could not be made";
        note("The package was not made: " + editor_.package_error, true);
        return false;
    }
    editor_.package_error.clear();
    if (host_.is_browser()) {
        // The page zips the files (web/motsim-package.js: motsim_package_files and the site's files).
        host_.emit("package", Json{{"format", format}}.dump());
        note("Making the package: your browser saves it as a zip file.", false);
        return true;
    }
    // Natively the command line makes the zip from the two files saved here.
    const Json& files = j["files"];
    for (const char* name : {"lesson.json", "scenario.json"})
        if (files.contains(name) && files[name].is_string())
            host_.save_file(name, "application/json", files[name].get<std::string>());
    editor_.package_command =
        "motsim package lesson.json --scenario scenario.json --format " + format + " -o lesson.zip";
    note("Saved lesson.json and scenario.json. Make the package with:\n" + editor_.package_command, false);
    return true;
}

}  // namespace motsim::app
