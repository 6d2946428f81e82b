// What the page's DOM mirror reads beyond motsim_state (web/motsim-page.js): the shipped
// scenarios by title (its scenario choice) and the per-tick series the Flow and NPS charts draw,
// sampled to a few rows (the charts as data tables), for screen readers and anyone who wants the
// numbers rather than the lines.
#include <algorithm>
#include <cstddef>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/guidance.h"
#include "scenarios_embedded.h"

namespace motsim::app {

std::string App::mirror_json(int rows) const {
    const LiveView& v = run_.view;
    const Scenario& sc = edited_;
    const std::size_t nt = v.ticks_recorded(), nm = std::min(sc.moments.size(), v.moments.size());
    nlohmann::ordered_json columns = nlohmann::ordered_json::array({sc.time_unit});
    std::vector<std::size_t> phases;  // the phases with a moment, in order (the Flow chart's lines)
    for (std::size_t p = 0; p < sc.phases.size(); ++p)
        for (std::size_t m = 0; m < nm; ++m)
            if (static_cast<std::size_t>(sc.moments[m].phase) == p) {
                phases.push_back(p);
                columns.push_back("customers in " + sc.phases[p]);
                break;
            }
    // v2: the Retention and Adoption charts' numbers, before NPS and rating (the page formats the
    // last two columns as a score and a share).
    const bool loyalty = sc.loyalty.enabled, market = sc.market.enabled;
    if (loyalty) {
        columns.push_back("returns");
        columns.push_back("waiting to come back");
    }
    if (market) {
        columns.push_back("reached so far");
        columns.push_back("market advocates");
        columns.push_back("market critics");
    }
    columns.push_back(nps_label(sc));
    columns.push_back("rating");
    std::vector<double> reached(nt, 0.0);  // cumulative arrivals, for the market's reach
    for (std::size_t t = 0; market && t < nt; ++t) reached[t] = (t ? reached[t - 1] : 0.0) + v.arrivals_at(t);
    nlohmann::ordered_json table = nlohmann::ordered_json::array();
    const std::size_t want = static_cast<std::size_t>(std::clamp(rows, 2, 200));
    // Evenly spread ticks, the last recorded one always included.
    std::size_t last_taken = nt;
    for (std::size_t k = 0; k < want && nt > 0; ++k) {
        const std::size_t t = want == 1 || nt == 1 ? nt - 1 : k * (nt - 1) / (want - 1);
        if (t == last_taken) continue;
        last_taken = t;
        nlohmann::ordered_json row = nlohmann::ordered_json::array({static_cast<long long>(t)});
        for (std::size_t p : phases) {
            double n = 0;
            for (std::size_t m = 0; m < nm; ++m)
                if (static_cast<std::size_t>(sc.moments[m].phase) == p) n += v.occupancy(t, m);
            row.push_back(n);
        }
        if (loyalty) {
            row.push_back(v.returns_at(t));
            row.push_back(v.waiting_at(t));
        }
        if (market) {
            row.push_back(reached[t]);
            row.push_back(v.market_advocates_at(t));
            row.push_back(v.market_critics_at(t));
        }
        row.push_back(v.nps_at(t));  // NaN (null: "-") while nobody was asked
        row.push_back(v.rating_at(t));
        table.push_back(row);
    }
    // The shipped scenarios' titles, read once.
    static const nlohmann::ordered_json shipped = [] {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& f : scenarios::kFiles) {
            const nlohmann::json j = nlohmann::json::parse(f.text, nullptr, false);
            const std::string title = j.is_object() && j.contains("name") && j["name"].is_string()
                                          ? j["name"].get<std::string>()
                                          : std::string(f.name);
            list.push_back({{"file", f.name}, {"title", title}});
        }
        return list;
    }();
    nlohmann::ordered_json series{{"ticks", static_cast<long long>(nt)}, {"columns", columns}, {"rows", table}};
    // The moments by id and name, and the selected one's parameters: the mirror's moment choice
    // and sliders without reading the whole scenario (a 1,000-moment journey's JSON is large).
    nlohmann::ordered_json moments = nlohmann::ordered_json::array();
    for (const Moment& m : sc.moments) moments.push_back({m.id, m.name});
    nlohmann::ordered_json selected = nullptr;
    if (selected_ >= 0 && static_cast<std::size_t>(selected_) < sc.moments.size()) {
        const Moment& m = sc.moments[static_cast<std::size_t>(selected_)];
        selected = {
            {"id", m.id},
            {"name", m.name},
            {"positive", m.positive},
            {"negative", m.negative},
            {"magic", m.magic},
            {"review", m.review},
            {"impact",
             {{"positive", m.impact[0]}, {"neutral", m.impact[1]}, {"negative", m.impact[2]}, {"magic", m.impact[3]}}}};
    }
    return nlohmann::ordered_json{{"name", sc.name},    {"time_unit", sc.time_unit}, {"shipped", shipped},
                                  {"moments", moments}, {"selected", selected},      {"series", series}}
        .dump();
}

}  // namespace motsim::app
