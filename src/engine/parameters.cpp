// Parameter paths: one table-like resolver serves both set_parameter and get_parameter, so the
// paths and their ranges cannot drift apart. The ranges are those the app's sliders have
// always used (moved here from App::set_param).
#include "engine/parameters.h"

#include <algorithm>
#include <cmath>  // std::isfinite, std::floor: exact everywhere
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace motsim {
namespace {

// What a path names: one number with its allowed range, plus the few fields whose setting has
// a side effect (p+ and p- keep their sum <= 1; dwell sets min and max together).
struct Field {
    enum class Kind { None, Real, Int, Int64, Positive, Negative, Dwell, DwellMin, DwellMax, Review, ReviewGroup };
    Kind kind = Kind::None;
    int group = 0;  // ReviewGroup: detractor 0, passive 1, promoter 2
    double* real = nullptr;
    int* integer = nullptr;
    std::int64_t* big = nullptr;
    Moment* moment = nullptr;
    double lo = 0, hi = 0;
    bool open_lo = false;  // value must be > lo (the review prior)
};

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    if (path.empty()) return parts;
    std::size_t at = path[0] == '/' ? 1 : 0;
    while (at <= path.size()) {
        const std::size_t slash = path.find('/', at);
        parts.push_back(path.substr(at, slash == std::string::npos ? std::string::npos : slash - at));
        if (slash == std::string::npos) break;
        at = slash + 1;
    }
    return parts;
}

// A non-negative decimal index below `size`, or -1.
int parse_index(const std::string& text, std::size_t size) {
    if (text.empty() || text.size() > 9) return -1;
    char* end = nullptr;
    const long i = std::strtol(text.c_str(), &end, 10);
    if (*end != '\0' || i < 0 || static_cast<std::size_t>(i) >= size) return -1;
    return static_cast<int>(i);
}

Field real(double& d, double lo, double hi) {
    Field f;
    f.kind = Field::Kind::Real;
    f.real = &d;
    f.lo = lo;
    f.hi = hi;
    return f;
}
Field integer(int& i, double lo, double hi) {
    Field f;
    f.kind = Field::Kind::Int;
    f.integer = &i;
    f.lo = lo;
    f.hi = hi;
    return f;
}
Field big(std::int64_t& i, double lo, double hi) {
    Field f;
    f.kind = Field::Kind::Int64;
    f.big = &i;
    f.lo = lo;
    f.hi = hi;
    return f;
}
Field of_moment(Field::Kind kind, Moment& m, double lo, double hi) {
    Field f;
    f.kind = kind;
    f.moment = &m;
    f.lo = lo;
    f.hi = hi;
    return f;
}

Field locate(Scenario& s, const std::string& path) {
    const std::vector<std::string> p = split_path(path);
    const std::size_t n = p.size();
    if (n == 1 && p[0] == "ticks") return integer(s.ticks, 1, 100000);
    if (n == 2 && p[0] == "population") {
        if (p[1] == "arrivals_per_tick") return real(s.arrivals_per_tick, 0, 1e6);
        if (p[1] == "max_customers") return big(s.max_customers, 0, 1e9);
        if (p[1] == "initial") return big(s.initial, 0, 1e7);
    }
    if (n == 2 && p[0] == "influence") {
        if (p[1] == "impression") return real(s.beta, -20, 20);
        if (p[1] == "reviews") return real(s.gamma, -20, 20);
    }
    if (n == 2 && p[0] == "reviews") {
        if (p[1] == "prior") {
            Field f = real(s.review_prior, 0, 1e6);
            f.open_lo = true;
            return f;
        }
        if (p[1] == "half_life") return real(s.review_half_life, 0, 1e6);
    }
    if (n == 2 && p[0] == "word_of_mouth") {
        if (p[1] == "advocate_threshold") return real(s.advocate_threshold, -1, 1);
        if (p[1] == "referral_rate") return real(s.referral_rate, 0, 1000);
        if (p[1] == "referral_boost") return real(s.referral_boost, -2, 2);
        if (p[1] == "referral_ticks") return integer(s.referral_ticks, 0, 100000);
    }
    // v2 blocks (their sliders; the loader's ranges)
    if (n == 2 && p[0] == "loyalty") {
        if (p[1] == "base") return real(s.loyalty.base, 0, 1);
        if (p[1] == "impression") return real(s.loyalty.impression, 0, 20);
    }
    if (n == 2 && p[0] == "market") {
        if (p[1] == "advertising") return real(s.market.advertising, 0, 1);
        if (p[1] == "word_of_mouth") return real(s.market.word_of_mouth, 0, 10);
        if (p[1] == "negative") return real(s.market.negative, 0, 10);
    }
    if (n == 2 && p[0] == "money" && p[1] == "revenue") return real(s.money.revenue, 0, 1e9);
    if (n == 3 && p[0] == "segments") {
        const int i = parse_index(p[1], s.segments.size());
        if (i >= 0) {
            Segment& g = s.segments[static_cast<std::size_t>(i)];
            if (p[2] == "share") return real(g.share, 0, 1e6);
            if (p[2] == "shift") return real(g.shift, -20, 20);
            if (p[2] == "initial_impression") return real(g.initial_impression, -1, 1);
        }
    }
    if (n >= 3 && p[0] == "moments") {
        // An id first; a number only when no moment has it as id.
        int m = s.find_moment(p[1]);
        if (m < 0) m = parse_index(p[1], s.moments.size());
        if (m < 0) return {};
        Moment& mo = s.moments[static_cast<std::size_t>(m)];
        const std::string& f = p[2];
        if (n == 3) {
            if (f == "positive") return of_moment(Field::Kind::Positive, mo, 0, 1);
            if (f == "negative") return of_moment(Field::Kind::Negative, mo, 0, 1);
            if (f == "magic") return real(mo.magic, 0, 1);
            if (f == "review") return of_moment(Field::Kind::Review, mo, 0, 1);
            if (f == "dwell") return of_moment(Field::Kind::Dwell, mo, 1, 10000);
        } else if (n == 4 && f == "review") {
            static const char* groups[] = {"detractor", "passive", "promoter"};
            for (int g = 0; g < 3; ++g)
                if (p[3] == groups[g]) {
                    Field r = of_moment(Field::Kind::ReviewGroup, mo, 0, 1);
                    r.group = g;
                    return r;
                }
        } else if (n == 4 && f == "impact") {
            static const char* names[] = {"positive", "neutral", "negative", "magic"};
            for (std::size_t o = 0; o < 4; ++o)
                if (p[3] == names[o]) return real(mo.impact[o], -2, 2);
        } else if (n == 4 && f == "dwell") {
            if (p[3] == "min") return of_moment(Field::Kind::DwellMin, mo, 1, 10000);
            if (p[3] == "max") return of_moment(Field::Kind::DwellMax, mo, 1, 10000);
        }
    }
    return {};
}

bool integral(Field::Kind k) {
    return k == Field::Kind::Int || k == Field::Kind::Int64 || k == Field::Kind::Dwell || k == Field::Kind::DwellMin ||
           k == Field::Kind::DwellMax;
}

}  // namespace

bool set_parameter(Scenario& s, const std::string& path, double v, std::string& error) {
    if (!std::isfinite(v)) {
        error = path + " must be a finite number";
        return false;
    }
    Scenario edited = s;  // all or nothing: a refused value leaves the scenario as it was
    const Field f = locate(edited, path);
    if (f.kind == Field::Kind::None) {
        error = "unknown parameter " + path;
        return false;
    }
    // Counts (customers, ticks) are truncated, as the app's sliders always did, except dwell,
    // which must be a whole number of ticks.
    const bool whole_only =
        f.kind == Field::Kind::Dwell || f.kind == Field::Kind::DwellMin || f.kind == Field::Kind::DwellMax;
    if (v < f.lo || v > f.hi || (f.open_lo && !(v > f.lo)) || (whole_only && v != std::floor(v))) {
        error = path + " = " + std::to_string(v) + " is out of range (" + std::to_string(f.lo) + " to " +
                std::to_string(f.hi) + (integral(f.kind) ? ", whole numbers)" : ")");
        return false;
    }
    switch (f.kind) {
        case Field::Kind::Real:
            *f.real = v;
            break;
        case Field::Kind::Int:
            *f.integer = static_cast<int>(v);
            break;
        case Field::Kind::Int64:
            *f.big = static_cast<std::int64_t>(v);
            break;
        case Field::Kind::Positive:
            f.moment->positive = v;
            if (f.moment->positive + f.moment->negative > 1) f.moment->negative = 1 - v;
            break;
        case Field::Kind::Negative:
            f.moment->negative = v;
            if (f.moment->positive + f.moment->negative > 1) f.moment->positive = 1 - v;
            break;
        case Field::Kind::Dwell:
            f.moment->dwell_min = f.moment->dwell_max = static_cast<int>(v);
            break;
        case Field::Kind::Review: {
            // By NPS group: the largest group's rate becomes v and the others keep their
            // proportion to it (a "review rate" slider keeps the scenario's asymmetry).
            Moment& m = *f.moment;
            if (m.review_by_group) {
                const double top = std::max({m.review_group[0], m.review_group[1], m.review_group[2]});
                for (double& g : m.review_group) g = top > 0 ? std::min(1.0, g * v / top) : v;
            }
            m.review = v;
            break;
        }
        case Field::Kind::ReviewGroup: {
            Moment& m = *f.moment;
            if (!m.review_by_group) m.review_group = {m.review, m.review, m.review};
            m.review_by_group = true;
            m.review_group[static_cast<std::size_t>(f.group)] = v;
            m.review = std::max({m.review_group[0], m.review_group[1], m.review_group[2]});
            break;
        }
        case Field::Kind::DwellMin:
            f.moment->dwell_min = static_cast<int>(v);
            f.moment->dwell_max = std::max(f.moment->dwell_max, f.moment->dwell_min);
            break;
        case Field::Kind::DwellMax:
            f.moment->dwell_max = static_cast<int>(v);
            f.moment->dwell_min = std::min(f.moment->dwell_min, f.moment->dwell_max);
            break;
        case Field::Kind::None:
            break;
    }
    s = std::move(edited);
    return true;
}

std::optional<double> get_parameter(const Scenario& s, const std::string& path) {
    // locate() hands out pointers for writing; this function only reads through them, so the
    // one resolver serves both without copying the scenario (a copy per call made a diff of a
    // 1,000-moment journey's parameters take over 100 ms).
    const Field f = locate(const_cast<Scenario&>(s), path);
    switch (f.kind) {
        case Field::Kind::Real:
            return *f.real;
        case Field::Kind::Int:
            return static_cast<double>(*f.integer);
        case Field::Kind::Int64:
            return static_cast<double>(*f.big);
        case Field::Kind::Positive:
            return f.moment->positive;
        case Field::Kind::Negative:
            return f.moment->negative;
        case Field::Kind::Dwell:
            return 0.5 * (f.moment->dwell_min + f.moment->dwell_max);
        case Field::Kind::Review:
            return f.moment->review;  // the largest group's rate when by group
        case Field::Kind::ReviewGroup:
            return f.moment->review_by_group ? f.moment->review_group[static_cast<std::size_t>(f.group)]
                                             : f.moment->review;
        case Field::Kind::DwellMin:
            return static_cast<double>(f.moment->dwell_min);
        case Field::Kind::DwellMax:
            return static_cast<double>(f.moment->dwell_max);
        case Field::Kind::None:
            break;
    }
    return std::nullopt;
}


const std::vector<std::string>& moment_parameter_fields() {
    static const std::vector<std::string> fields{"positive",        "negative",       "magic",
                                                 "review",          "dwell/min",      "dwell/max",
                                                 "impact/positive", "impact/neutral", "impact/negative",
                                                 "impact/magic"};
    return fields;
}

std::vector<std::string> scenario_parameter_paths(const Scenario& s) {
    std::vector<std::string> out{"/population/arrivals_per_tick",
                                 "/population/max_customers",
                                 "/population/initial",
                                 "/ticks",
                                 "/influence/impression",
                                 "/influence/reviews",
                                 "/reviews/prior",
                                 "/reviews/half_life",
                                 "/word_of_mouth/advocate_threshold",
                                 "/word_of_mouth/referral_rate",
                                 "/word_of_mouth/referral_ticks",
                                 "/word_of_mouth/referral_boost"};
    if (s.loyalty.enabled)
        for (const char* f : {"/loyalty/base", "/loyalty/impression"}) out.push_back(f);
    if (s.market.enabled)
        for (const char* f : {"/market/advertising", "/market/word_of_mouth", "/market/negative"}) out.push_back(f);
    if (s.money.enabled) out.push_back("/money/revenue");
    for (std::size_t g = 0; g < s.segments.size(); ++g)
        for (const char* f : {"share", "shift", "initial_impression"})
            out.push_back("/segments/" + std::to_string(g) + "/" + f);
    for (const Moment& m : s.moments)
        for (const std::string& f : moment_parameter_fields()) out.push_back("/moments/" + m.id + "/" + f);
    return out;
}

}  // namespace motsim
