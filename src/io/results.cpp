#include "io/results.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace motsim::io {

using nlohmann::ordered_json;

std::string results_json(const Simulation& sim) {
    const Scenario& sc = sim.scenario();
    const Totals& t = sim.totals();
    ordered_json j;
    j["scenario"] = sc.name;
    j["seed"] = sim.seed();
    j["ticks"] = sim.tick();
    j["arrivals"] = t.arrivals;
    j["referrals"] = t.referrals;
    j["purchases"] = t.purchases;
    j["conversion"] = t.arrivals ? static_cast<double>(t.purchases) / static_cast<double>(t.arrivals) : 0.0;
    j["done"] = t.done;
    j["lost"] = t.lost;
    j["active"] = sim.active();
    j["nps"] = t.nps();
    j["rating"] = sim.rating();
    j["reviews"] = {{"positive", t.reviews_positive}, {"negative", t.reviews_negative}};
    j["advocates"] = t.advocates;
    ordered_json moments = ordered_json::object();
    for (std::size_t m = 0; m < sc.moments.size(); ++m) {
        const MomentStats& st = sim.moments()[m];
        ordered_json causes = ordered_json::object();
        for (std::size_t c = 0; c < st.causes.size(); ++c)
            if (st.causes[c] > 0) causes[sc.moments[m].causes[c].name] = st.causes[c];
        moments[sc.moments[m].id] = {{"entered", st.entered},     {"positive", st.positive},
                                     {"neutral", st.neutral},     {"negative", st.negative},
                                     {"magic", st.magic},         {"lost_after", st.lost_after},
                                     {"purchases", st.purchases}, {"causes", causes}};
    }
    j["moments"] = moments;
    j["digest"] = sim.digest();
    return j.dump(2) + "\n";
}

namespace {
std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}
// CSV-safe column names: ids are [A-Za-z0-9_-] by the loader's rules.
}  // namespace

std::string series_csv(const Simulation& sim) {
    const Scenario& sc = sim.scenario();
    std::string out =
        "tick,arrivals,referrals,purchases,done,lost,reviews_positive,reviews_negative,"
        "magic,rating,nps,active,advocates,mean_impression";
    for (const Moment& m : sc.moments) {
        out += ",occ_";
        out += m.id;
    }
    out += "\n";
    const std::size_t nm = sc.moments.size();
    // Appended field by field: long operator+ chains trip a false -Wrestrict in GCC 12.
    auto field = [&out](const std::string& v) {
        out += v;
        out += ',';
    };
    for (std::size_t t = 0; t < sim.series().size(); ++t) {
        const TickStats& s = sim.series()[t];
        for (std::int64_t v : {std::int64_t{s.tick}, s.arrivals, s.referrals, s.purchases, s.done, s.lost,
                               s.reviews_positive, s.reviews_negative, s.magic})
            field(std::to_string(v));
        field(num(s.rating));
        field(num(s.nps));
        field(std::to_string(s.active));
        field(std::to_string(s.advocates));
        field(num(s.mean_impression));
        for (std::size_t m = 0; m < nm; ++m) field(std::to_string(sim.occupancy()[t * nm + m]));
        out.back() = '\n';
    }
    return out;
}

std::string analysis_json(const Scenario& s, const Analysis& a) {
    ordered_json j;
    j["scenario"] = s.name;
    j["ok"] = a.ok;
    if (!a.message.empty()) j["note"] = a.message;
    j["ignores_feedback"] = a.ignores_feedback;
    j["absorption"] = {{"done", a.done}, {"lost", a.lost}};
    j["expected_purchases"] = a.expected_purchases;
    j["expected_ticks"] = a.expected_ticks;
    ordered_json visits = ordered_json::object(), removal = ordered_json::object(), lift = ordered_json::object();
    for (std::size_t m = 0; m < s.moments.size(); ++m) {
        const std::string& id = s.moments[m].id;
        if (m < a.expected_visits.size()) visits[id] = a.expected_visits[m];
        if (m < a.removal_effect.size()) removal[id] = a.removal_effect[m];
        if (m < a.lift.size()) lift[id] = a.lift[m];
    }
    j["expected_visits"] = visits;
    j["removal_effect"] = removal;
    j["lift"] = lift;
    return j.dump(2) + "\n";
}

}  // namespace motsim::io
