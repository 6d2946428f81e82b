#include "io/results.h"

#include "engine/money.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace motsim::io {

using nlohmann::ordered_json;

ordered_json loyalty_json(const Totals& t) {
    const double buyers = static_cast<double>(t.buyers[0]);
    auto share = [&](std::int64_t n) -> ordered_json {
        if (!(buyers > 0)) return nullptr;
        return static_cast<double>(n) / buyers;
    };
    return {{"returns", t.returns},
            {"waiting", t.waiting},
            {"purchases_per_customer",
             t.arrivals > 0 ? static_cast<double>(t.purchases) / static_cast<double>(t.arrivals) : 0.0},
            {"buyers", t.buyers[0]},
            {"buyers_share", {{"1", share(t.buyers[0] - t.buyers[1])},
                              {"2", share(t.buyers[1] - t.buyers[2])},
                              {"3+", share(t.buyers[2])}}}};
}

ordered_json market_json(const Scenario& sc, const Totals& t) {
    return {{"size", sc.market.size},
            {"reached", t.arrivals},
            {"reached_share", sc.market.size > 0 ? static_cast<double>(t.arrivals) / static_cast<double>(sc.market.size)
                                                 : 0.0},
            {"advocates", t.market_advocates},
            {"critics", t.market_critics}};
}

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
    j["nps"] = t.nps();  // null (NaN) when nobody was asked
    j["nps_asked"] = nps_asked_name(sc.nps_asked);
    j["nps_respondents"] = t.promoters + t.passives + t.detractors;
    j["rating"] = sim.rating();
    j["reviews"] = {{"positive", t.reviews_positive}, {"negative", t.reviews_negative}};
    j["advocates"] = t.advocates;
    if (sc.loyalty.enabled) j["loyalty"] = loyalty_json(t);
    if (sc.market.enabled) j["market"] = market_json(sc, t);
    if (sc.money.enabled) {
        const Ledger l = ledger_of(sc, t, sim.moments());
        j["money"] = {{"currency", sc.money.currency}, {"revenue", l.revenue},     {"visit_cost", l.visit_cost},
                      {"magic_cost", l.magic_cost},    {"cost", l.cost},           {"profit", l.profit},
                      {"per_customer", l.per_customer}};
    }
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
    if (sc.loyalty.enabled) out += ",returns,waiting";
    if (sc.market.enabled) out += ",market_advocates,market_critics";
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
        field(std::isnan(s.nps) ? std::string() : num(s.nps));  // empty: nobody asked yet
        field(std::to_string(s.active));
        field(std::to_string(s.advocates));
        field(num(s.mean_impression));
        for (std::size_t m = 0; m < nm; ++m) field(std::to_string(sim.occupancy()[t * nm + m]));
        if (sc.loyalty.enabled) {
            field(std::to_string(s.returns));
            field(std::to_string(s.waiting));
        }
        if (sc.market.enabled) {
            field(std::to_string(s.market_advocates));
            field(std::to_string(s.market_critics));
        }
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
    if (!a.ignores.empty()) j["ignores"] = a.ignores;  // v2: what the chain leaves out
    if (a.loyalty) {  // v2: numbers over a lifetime of returns (analysis.h)
        j["loyalty"] = {{"lifetime_bounded", a.lifetime_bounded},
                        {"expected_completions", a.expected_completions},
                        {"expected_returns", a.lifetime_bounded ? ordered_json(a.expected_returns) : ordered_json()}};
    }
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

// ==== Experiments ===============================================================================

ordered_json interval_json(const Interval& i) {
    return {{"mean", i.mean}, {"lo", i.lo}, {"hi", i.hi}, {"sd", i.sd}, {"n", i.n}};
}

ordered_json metrics_json(const std::array<Interval, kMetricCount>& m) {
    ordered_json j = ordered_json::object();
    for (int k = 0; k < kMetricCount; ++k)
        j[metric_name(static_cast<Metric>(k))] = interval_json(m[static_cast<std::size_t>(k)]);
    return j;
}

ordered_json moments_json(const Scenario& s, const std::vector<std::array<Interval, kMomentMetricCount>>& m) {
    ordered_json j = ordered_json::object();
    for (std::size_t i = 0; i < m.size() && i < s.moments.size(); ++i) {
        ordered_json one = ordered_json::object();
        for (int k = 0; k < kMomentMetricCount; ++k)
            one[moment_metric_name(static_cast<MomentMetric>(k))] = interval_json(m[i][static_cast<std::size_t>(k)]);
        j[s.moments[i].id] = one;
    }
    return j;
}

namespace {

// Exact: a number written this way reads back as the same double.
std::string exact(double v) {
    if (!std::isfinite(v)) return "";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

}  // namespace

const char* metric_unit(Metric m) {
    switch (m) {
        case Metric::Conversion:
            return "purchases per arrival";
        case Metric::Purchases:
            return "purchases";
        case Metric::Nps:
            return "NPS points (-100 to 100)";
        case Metric::Rating:
            return "share of positive reviews (0 to 1)";
        default:
            return "customers";
    }
}

std::string replications_json(const Scenario& s, const ReplicationResult& r) {
    ordered_json j;
    j["scenario"] = s.name;
    j["runs"] = r.runs;
    j["master_seed"] = r.master_seed;
    j["ticks"] = s.ticks;
    j["metrics"] = metrics_json(r.metrics);
    j["moments"] = moments_json(s, r.moments);
    ordered_json bands = ordered_json::object();
    for (int k = 0; k < kSeriesCount; ++k) {
        ordered_json rows = ordered_json::array();
        for (const Band& b : r.bands[static_cast<std::size_t>(k)])
            rows.push_back({b.p2_5, b.p25, b.median, b.p75, b.p97_5});
        bands[series_name(static_cast<motsim::Series>(k))] = rows;
    }
    j["bands_columns"] = {"p2_5", "p25", "median", "p75", "p97_5"};
    j["bands"] = bands;
    return j.dump(2) + "\n";
}

std::string replications_csv(const Scenario& s, const ReplicationResult& r) {
    std::string out = "metric,unit,mean,lo,hi,sd,runs\n";
    auto row = [&](const std::string& name, const std::string& unit, const Interval& i) {
        out += csv_field(name);
        out += ',';
        out += csv_field(unit);
        for (double v : {i.mean, i.lo, i.hi, i.sd}) {
            out += ',';
            out += exact(v);
        }
        out += ',';
        out += std::to_string(i.n);
        out += '\n';
    };
    for (int k = 0; k < kMetricCount; ++k)
        row(metric_name(static_cast<Metric>(k)), metric_unit(static_cast<Metric>(k)),
            r.metrics[static_cast<std::size_t>(k)]);
    for (std::size_t m = 0; m < r.moments.size() && m < s.moments.size(); ++m)
        for (int k = 0; k < kMomentMetricCount; ++k)
            row(s.moments[m].id + "." + moment_metric_name(static_cast<MomentMetric>(k)), "customers",
                r.moments[m][static_cast<std::size_t>(k)]);
    return out;
}

std::string sweep_json(const Scenario& s, const SweepResult& r, std::uint64_t master_seed) {
    ordered_json j;
    j["scenario"] = s.name;
    j["runs"] = r.runs;
    j["master_seed"] = master_seed;
    ordered_json ax = ordered_json::array();
    for (const SweepAxis& x : r.axes) ax.push_back({{"path", x.path}, {"values", x.values}});
    j["axes"] = ax;
    ordered_json pts = ordered_json::array();
    for (const SweepPoint& p : r.points)
        pts.push_back({{"values", p.values},
                       {"runs", p.runs},
                       {"metrics", metrics_json(p.metrics)},
                       {"moments", moments_json(s, p.moments)}});
    j["points"] = pts;
    return j.dump(2) + "\n";
}

std::string sweep_csv(const SweepResult& r) {
    std::string out;
    for (const SweepAxis& ax : r.axes) {
        out += csv_field(ax.path);
        out += ',';
    }
    out += "runs";
    for (int k = 0; k < kMetricCount; ++k) {
        const std::string n = metric_name(static_cast<Metric>(k));
        out += "," + n + "," + n + "_lo," + n + "_hi";
    }
    out += "\n";
    for (const SweepPoint& p : r.points) {
        for (double v : p.values) {
            out += exact(v);
            out += ',';
        }
        out += std::to_string(p.runs);
        for (const Interval& i : p.metrics)
            for (double v : {i.mean, i.lo, i.hi}) {
                out += ',';
                out += exact(v);
            }
        out += "\n";
    }
    return out;
}

std::string rank_json(const Scenario& s, const RankResult& r, std::uint64_t master_seed) {
    ordered_json j;
    j["scenario"] = s.name;
    j["objective"] = r.objective;
    j["delta"] = r.delta;
    j["runs"] = r.runs;
    j["master_seed"] = master_seed;
    j["base"] = interval_json(r.base);
    const bool profit = r.by == RankBy::Profit;  // v2 rank --by profit (experiments.h RankBy)
    if (profit) {
        j["by"] = "profit";
        j["currency"] = s.money.currency;
        j["base_profit"] = interval_json(r.base_profit);
        j["exact_base_profit"] = r.exact_base_profit;
    }
    ordered_json rows = ordered_json::array();
    for (const RankEntry& e : r.entries) {
        rows.push_back({{"moment", e.id},
                        {"positive_before", e.positive_before},
                        {"positive_after", e.positive_after},
                        {"lift", e.lift},
                        {"removal_effect", e.removal_effect},
                        {"exact_effect", e.exact_effect},
                        {"effect", interval_json(e.effect)}});
        if (profit) {
            rows.back()["improve_cost"] = e.improve_cost;
            rows.back()["profit_gain"] = interval_json(e.profit_gain);
            rows.back()["profit_per_cost"] = interval_json(e.profit_per_cost);
            rows.back()["exact_profit_gain"] = e.exact_profit_gain;
        }
    }
    j["ranking"] = rows;
    return j.dump(2) + "\n";
}

std::string rank_csv(const Scenario& s, const RankResult& r) {
    std::string out =
        "rank,moment,name,positive_before,positive_after,lift,removal_effect,exact_effect,effect,effect_lo,"
        "effect_hi\n";
    int place = 1;
    for (const RankEntry& e : r.entries) {
        const bool known = e.moment >= 0 && static_cast<std::size_t>(e.moment) < s.moments.size();
        out += std::to_string(place++);
        out += ',';
        out += csv_field(e.id);
        out += ',';
        out += csv_field(known ? s.moments[static_cast<std::size_t>(e.moment)].name : e.id);
        for (double v : {e.positive_before, e.positive_after, e.lift, e.removal_effect, e.exact_effect, e.effect.mean,
                         e.effect.lo, e.effect.hi}) {
            out += ',';
            out += exact(v);
        }
        out += '\n';
    }
    return out;
}

// ==== Any chart's data ==========================================================================

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string chart_csv(const ChartTable& t) {
    std::string out = csv_field(t.x_name);
    for (const ChartColumn& c : t.columns) {
        out += ',';
        out += csv_field(c.unit.empty() ? c.name : c.name + " (" + c.unit + ")");
    }
    out += '\n';
    char buf[40];
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        out += csv_field(t.rows[r]);
        for (const ChartColumn& c : t.columns) {
            out += ',';
            if (r < c.values.size() && std::isfinite(c.values[r])) {
                std::snprintf(buf, sizeof buf, "%.9g", c.values[r]);
                out += buf;
            }
        }
        out += '\n';
    }
    return out;
}

}  // namespace motsim::io
