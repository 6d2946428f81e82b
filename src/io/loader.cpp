// Scenario JSON <-> model (format v1, see docs/format.md / the format contract).
//
// Loading goes through four stages, each of which can only add problems:
//   1. text checks before any parsing: size, emptiness, UTF-8, nesting depth (so that hostile
//      input cannot exhaust memory or the stack inside the parser);
//   2. parsing with nlohmann/json's SAX interface into an ordered DOM: no exceptions are thrown
//      for bad input, object key order is kept (route and cause order are meaningful), and
//      duplicate keys and numbers too large for a double are caught with their location;
//   3. a validating walk over the DOM that collects every problem with its JSON pointer;
//   4. graph checks (engine/graph.h) once everything else is valid.
#include "io/loader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <limits>
#include <new>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>

#include "engine/graph.h"

namespace motsim::io {
namespace {

using Json = nlohmann::ordered_json;

// ================================================================================================
// Limits
// ================================================================================================

constexpr std::size_t kMaxBytes = 16u * 1024u * 1024u;  // larger text is refused unread
constexpr int kMaxDepth = 64;                           // nesting of [ and {
constexpr std::size_t kMaxProblems = 100;               // the list stops growing after this
constexpr std::size_t kMaxShown = 60;                   // characters of a bad value quoted back
// JSON values in one document. A large real scenario has tens of thousands; the cap keeps
// the DOM of a hostile 16 MB file ("[{},{},...]") to tens of MB instead of gigabytes.
constexpr std::size_t kMaxValues = 1000000;

constexpr int kMaxMoments = 1000;
constexpr int kMaxSegments = 64;
constexpr int kMaxPhases = 32;

// ================================================================================================
// Small text helpers
// ================================================================================================

// Shortest decimal text that reads back as the same double ("0.1", "1.5", "1000000", "1e-07").
// Written with snprintf rather than std::to_chars because Emscripten's libc++ 13 lacks the
// floating-point to_chars.
std::string format_number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "infinity" : "-infinity";
    if (v == std::floor(v) && std::fabs(v) < 1e15) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", v);
        return buf;
    }
    char buf[40];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    return buf;
}

// Cuts s to at most max bytes without splitting a UTF-8 sequence, marking the cut with "...".
std::string shorten(const std::string& s, std::size_t max = kMaxShown) {
    if (s.size() <= max) return s;
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0u) == 0x80u) --cut;
    return s.substr(0, cut) + "...";
}

std::string in_quotes(const std::string& s) { return "'" + shorten(s) + "'"; }

// A JSON value as a person should see it in "got ..." (short, never the whole subtree).
std::string describe(const Json& j) {
    switch (j.type()) {
        case Json::value_t::null:
            return "null";
        case Json::value_t::boolean:
            return j.get<bool>() ? "true" : "false";
        case Json::value_t::string:
            return "\"" + shorten(j.get_ref<const std::string&>()) + "\"";
        case Json::value_t::number_integer:
            return std::to_string(j.get<std::int64_t>());
        case Json::value_t::number_unsigned:
            return std::to_string(j.get<std::uint64_t>());
        case Json::value_t::number_float:
            return format_number(j.get<double>());
        case Json::value_t::object:
            return "an object";
        case Json::value_t::array:
            return "an array";
        default:
            return "a value of an unexpected kind";
    }
}

}  // namespace

// One JSON pointer token: "~" and "/" are escaped as the RFC 6901 says.
std::string pointer_token(const std::string& key) {
    std::string out;
    out.reserve(key.size());
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

namespace {

std::string child(const std::string& ptr, const std::string& key) { return ptr + "/" + pointer_token(key); }
std::string child(const std::string& ptr, std::size_t index) { return ptr + "/" + std::to_string(index); }

// Edit distance (insertions, deletions, substitutions, adjacent swaps) when it is at most
// `limit`, else limit + 1. Banded and cut short, so comparing against many names stays cheap.
int edit_distance(const std::string& a, const std::string& b, int limit) {
    const int n = static_cast<int>(a.size());
    const int m = static_cast<int>(b.size());
    if (std::abs(n - m) > limit || n > 64 || m > 64) return limit + 1;
    std::vector<int> prev2(static_cast<std::size_t>(m) + 1), prev(prev2.size()), cur(prev2.size());
    for (int j = 0; j <= m; ++j) prev[static_cast<std::size_t>(j)] = j;
    for (int i = 1; i <= n; ++i) {
        cur[0] = i;
        int row_min = cur[0];
        for (int j = 1; j <= m; ++j) {
            const auto J = static_cast<std::size_t>(j);
            const int cost = a[static_cast<std::size_t>(i - 1)] == b[J - 1] ? 0 : 1;
            int d = std::min({prev[J] + 1, cur[J - 1] + 1, prev[J - 1] + cost});
            if (i > 1 && j > 1 && a[static_cast<std::size_t>(i - 1)] == b[J - 2] &&
                a[static_cast<std::size_t>(i - 2)] == b[J - 1])
                d = std::min(d, prev2[J - 2] + 1);
            cur[J] = d;
            row_min = std::min(row_min, d);
        }
        if (row_min > limit) return limit + 1;
        std::swap(prev2, prev);
        std::swap(prev, cur);
    }
    return prev[static_cast<std::size_t>(m)];
}

// " (did you mean 'x'?)" for the closest candidate within edit distance 2, else "".
// A candidate is not offered when the typo would have to replace all of it ("x" -> "id").
template <class Names>
std::string suggestion(const std::string& word, const Names& candidates) {
    int best = 3;
    std::string best_name;
    for (const auto& c : candidates) {
        const std::string name(c);
        const int d = edit_distance(word, name, 2);
        if (d < best && d < static_cast<int>(name.size())) {
            best = d;
            best_name = name;
        }
    }
    return best <= 2 ? " (did you mean '" + best_name + "'?)" : "";
}

}  // namespace

// 1-based line and column of byte `offset`; the column counts characters, not bytes.
std::pair<int, int> line_column(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    int column = 1;
    for (std::size_t i = line_start; i < offset; ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0u) != 0x80u) ++column;
    return {line, column};
}

namespace {

// ================================================================================================
// Problem collection
// ================================================================================================

class Problems {
public:
    void error(std::string pointer, std::string message) {
        ++errors_;
        add(std::move(pointer), std::move(message), false);
    }
    void warning(std::string pointer, std::string message) { add(std::move(pointer), std::move(message), true); }
    void at(std::string_view text, std::size_t offset, std::string message, std::string pointer = "") {
        ++errors_;
        if (full()) return;
        const auto [line, column] = line_column(text, offset);
        list_.push_back({std::move(pointer), std::move(message), false, line, column});
    }
    int errors() const { return errors_; }
    // Expensive extras (suggestions) are skipped once nothing more will be shown.
    bool full() const { return list_.size() >= kMaxProblems; }

    std::vector<Problem> take() {
        if (dropped_ > 0) {
            list_.push_back({"", std::to_string(dropped_) + " more problem" + (dropped_ == 1 ? "" : "s") + " not shown",
                             errors_ == 0, 0, 0});
        }
        return std::move(list_);
    }

private:
    void add(std::string pointer, std::string message, bool warning) {
        if (full()) {
            ++dropped_;
            return;
        }
        list_.push_back({std::move(pointer), std::move(message), warning, 0, 0});
    }
    std::vector<Problem> list_;
    int errors_ = 0;
    std::size_t dropped_ = 0;
};

// ================================================================================================
// Stage 1: checks on the raw text
// ================================================================================================

// Offset of the first byte that is not part of well-formed UTF-8 (no overlong forms, no
// surrogates, nothing above U+10FFFF), or npos.
std::size_t invalid_utf8_offset(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned c = p[i];
        if (c < 0x80u) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned lo = 0x80u, hi = 0xBFu;  // allowed range of the second byte
        if (c >= 0xC2u && c <= 0xDFu)
            len = 2;
        else if (c == 0xE0u) {
            len = 3;
            lo = 0xA0u;
        } else if (c >= 0xE1u && c <= 0xECu)
            len = 3;
        else if (c == 0xEDu) {
            len = 3;
            hi = 0x9Fu;
        } else if (c >= 0xEEu && c <= 0xEFu)
            len = 3;
        else if (c == 0xF0u) {
            len = 4;
            lo = 0x90u;
        } else if (c >= 0xF1u && c <= 0xF3u)
            len = 4;
        else if (c == 0xF4u) {
            len = 4;
            hi = 0x8Fu;
        } else
            return i;
        if (i + 1 >= n || p[i + 1] < lo || p[i + 1] > hi) return i;
        for (std::size_t k = 2; k < len; ++k)
            if (i + k >= n || (p[i + k] & 0xC0u) != 0x80u) return i;
        i += len;
    }
    return std::string_view::npos;
}

// Offset of the bracket that opens level kMaxDepth + 1, or npos. Brackets inside strings do
// not count. Runs before the parser, whose recursion depth follows the nesting.
std::size_t too_deep_offset(std::string_view s) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (in_string) {
            if (c == '\\')
                ++i;  // skip the escaped character, which may be a quote
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxDepth) return i;
        } else if (c == ']' || c == '}') {
            --depth;  // unbalanced closers are the parser's to report
        }
    }
    return std::string_view::npos;
}

bool is_blank(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// ================================================================================================
// Stage 2: parsing into an ordered DOM through the SAX interface
// ================================================================================================

// nlohmann's parse error text made readable: "[json.exception.parse_error.101] parse error at
// line 1, column 2: syntax error while parsing object key - invalid literal; last read: '{b';
// expected string literal" becomes "syntax error in object key: invalid literal; last read:
// '{b'; expected string literal". The position is reported separately, and the echoed input
// ("last read") is shortened because it can be as long as the whole file.
std::string clean_parse_message(const std::string& what) {
    std::string msg = what;
    if (const auto p = msg.find("parse error"); p != std::string::npos) {
        msg = msg.substr(p);
        if (const auto colon = msg.find(": "); colon != std::string::npos) msg = msg.substr(colon + 2);
    }
    const std::string prefix = "syntax error while parsing ";
    std::string where;
    if (msg.rfind(prefix, 0) == 0) {
        const auto dash = msg.find(" - ");
        if (dash != std::string::npos) {
            where = msg.substr(prefix.size(), dash - prefix.size());
            msg = msg.substr(dash + 3);
        }
    }
    const std::string last = "; last read: '";
    if (const auto p = msg.find(last); p != std::string::npos) {
        const std::size_t start = p + last.size();
        auto end = msg.find("'; expected", start);
        if (end == std::string::npos) end = msg.size() > start ? msg.size() - 1 : start;
        std::string token = msg.substr(start, end - start);
        // For malformed input nlohmann echoes everything since the last complete value
        // ('"negative": tru}'); the last run without spaces is the part that matters.
        if (const auto sp = token.find_last_of(" \t"); sp != std::string::npos) token = token.substr(sp + 1);
        if (token.size() > 30) {
            std::size_t cut = token.size() - 30;
            while (cut < token.size() && (static_cast<unsigned char>(token[cut]) & 0xC0u) == 0x80u) ++cut;
            token = "..." + token.substr(cut);
        }
        msg = msg.substr(0, start) + token + msg.substr(end);
    }
    // Hints for the two commonest slips when editing JSON by hand.
    const bool unexpected_end = msg.find("unexpected end of input") != std::string::npos;
    if (!unexpected_end && ((where == "object" && msg.find("expected '}'") != std::string::npos) ||
                            (where == "array" && msg.find("expected ']'") != std::string::npos)))
        msg += " (is a comma missing?)";
    if ((where == "object key" && msg.find("unexpected '}'") != std::string::npos) ||
        (where == "value" && msg.find("unexpected ']'") != std::string::npos))
        msg += " (is there a comma after the last item?)";
    return where.empty() ? "syntax error: " + msg : "syntax error in " + where + ": " + msg;
}

// Builds the DOM like nlohmann's own json_sax_dom_parser, plus:
//  - keeps the JSON pointer of the value being read, for problems found while parsing;
//  - refuses duplicate object keys (the default parser silently keeps the last one);
//  - turns parse errors into one Problem with line and column instead of an exception;
//  - appends object members without ordered_map's linear search, so a flat object with a
//    million keys costs linear, not quadratic, time (duplicates are found through a hash set).
class DomBuilder {
public:
    DomBuilder(std::string_view text, Json& root, Problems& problems) : text_(text), root_(root), problems_(problems) {}

    bool null() { return value(Json(nullptr)); }
    bool boolean(bool b) { return value(Json(b)); }
    bool number_integer(Json::number_integer_t v) { return value(Json(v)); }
    bool number_unsigned(Json::number_unsigned_t v) { return value(Json(v)); }
    bool number_float(Json::number_float_t v, const std::string&) { return value(Json(v)); }
    bool string(std::string& s) { return value(Json(std::move(s))); }
    bool binary(Json::binary_t&) { return true; }  // never produced by JSON text

    bool start_object(std::size_t) {
        Json* j = place(Json::object());
        frames_.push_back({j, {}, {}, 0});
        return within_limit();
    }
    bool key(std::string& k) {
        Frame& f = frames_.back();
        if (!f.keys.insert(k).second) {
            problems_.error(pointer_of_frames(frames_.size() - 1) + "/" + pointer_token(k),
                            "duplicate key " + in_quotes(k) + " (each key may appear once)");
            return false;  // stop: which of the two values was meant is anyone's guess
        }
        auto& members = f.value->get_ref<Json::object_t&>();
        members.emplace_back(k, Json());  // vector append: the hash set proved k is new
        f.key = std::move(k);
        return true;
    }
    bool end_object() {
        frames_.pop_back();
        return true;
    }
    bool start_array(std::size_t) {
        Json* j = place(Json::array());
        frames_.push_back({j, {}, {}, 0});
        return within_limit();
    }
    bool end_array() {
        frames_.pop_back();
        return true;
    }

    bool parse_error(std::size_t position, const std::string& last_token, const Json::exception& ex) {
        // A string or number that came unexpectedly is reported at its first character
        // (nlohmann's last_token holds exactly that token, its scanner starts afresh for
        // them). Anything else is reported at the offending character: for punctuation,
        // true/false/null and malformed input, last_token may hold more than the token.
        const std::string what = ex.what();
        const bool whole_token = ex.id == 406 || what.find("unexpected string literal") != std::string::npos ||
                                 what.find("unexpected number literal") != std::string::npos;
        const std::size_t offset = error_offset(position, whole_token ? last_token : "");
        if (ex.id == 406) {
            // out_of_range.406: a number literal that overflows a double (1e999).
            problems_.at(text_, offset,
                         "number " + shorten(last_token, 40) + " is too large (beyond the range of a double)",
                         pointer_of_frames(frames_.size()));
        } else {
            problems_.at(text_, offset, clean_parse_message(what));
        }
        return false;
    }

private:
    struct Frame {
        Json* value;                           // the open object or array
        std::string key;                       // objects: the current member
        std::unordered_set<std::string> keys;  // objects: members seen so far
        std::size_t index;                     // arrays: elements so far
    };

    // Where a person should look: nlohmann reports the position after the offending token
    // (often after one character of look-ahead); the token's first character is clearer.
    // At the end of the input, point just past the last character that is not blank.
    std::size_t error_offset(std::size_t position, const std::string& token) const {
        std::size_t end = std::min(position, text_.size());
        if (position > text_.size()) {
            while (end > 0 && (text_[end - 1] == ' ' || text_[end - 1] == '\n' || text_[end - 1] == '\r' ||
                               text_[end - 1] == '\t'))
                --end;
            return end;
        }
        if (!token.empty()) {
            for (std::size_t e : {end, end > 0 ? end - 1 : end}) {
                if (e >= token.size() && text_.substr(e - token.size(), token.size()) == token) return e - token.size();
            }
        }
        return position > 0 ? position - 1 : 0;
    }

    // Stores a finished scalar where the current container wants it.
    bool value(Json&& j) {
        place(std::move(j));
        return within_limit();
    }
    bool within_limit() {
        if (values_ <= kMaxValues) return true;
        problems_.error(
            "", "the file holds more than " + std::to_string(kMaxValues) + " values; a scenario needs far fewer");
        return false;  // stop parsing: memory stays bounded
    }
    Json* place(Json&& j) {
        ++values_;
        if (frames_.empty()) {
            root_ = std::move(j);
            return &root_;
        }
        Frame& f = frames_.back();
        if (f.value->is_array()) {
            ++f.index;
            auto& elements = f.value->get_ref<Json::array_t&>();
            elements.push_back(std::move(j));
            return &elements.back();
        }
        // Object: key() appended the member just before this value.
        Json& slot = f.value->get_ref<Json::object_t&>().back().second;
        slot = std::move(j);
        return &slot;
    }
    // Pointer of the value that the first `depth` open containers lead to.
    std::string pointer_of_frames(std::size_t depth) const {
        std::string p;
        for (std::size_t i = 0; i < depth && i < frames_.size(); ++i) {
            const Frame& f = frames_[i];
            if (f.value->is_array())
                p = child(p, f.index);  // the element being read next
            else
                p = child(p, f.key);
        }
        return p;
    }

    std::string_view text_;
    Json& root_;
    Problems& problems_;
    std::vector<Frame> frames_;
    std::size_t values_ = 0;
};

// ================================================================================================
// Stage 3: the validating walk
// ================================================================================================

// An allowed interval for a number; hi = infinity when there is no upper bound.
struct Range {
    double lo;
    double hi;
    bool lo_open = false;  // lo itself not allowed ("greater than 0")
};
constexpr double kInf = std::numeric_limits<double>::infinity();

std::string range_text(const Range& r) {
    if (r.hi == kInf) return (r.lo_open ? "greater than " : "at least ") + format_number(r.lo);
    if (r.lo_open) return "greater than " + format_number(r.lo) + " and at most " + format_number(r.hi);
    return "between " + format_number(r.lo) + " and " + format_number(r.hi);
}

bool in_range(double v, const Range& r) { return (r.lo_open ? v > r.lo : v >= r.lo) && v <= r.hi; }

const char* kTerminalNames[] = {"lost", "done"};

class Reader {
public:
    explicit Reader(Problems& problems) : p_(problems) {}

    Scenario read(const Json& root);

private:
    // ---- generic checks ------------------------------------------------------------------------

    bool expect_object(const Json& j, const std::string& ptr) {
        if (j.is_object()) return true;
        p_.error(ptr, "must be an object, got " + describe(j));
        return false;
    }

    // Reports every member of obj not in `known`, with a spelling suggestion.
    void check_keys(const Json& obj, const std::string& ptr, std::initializer_list<const char*> known) {
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            const std::string& k = it.key();
            const bool ok = std::any_of(known.begin(), known.end(), [&](const char* n) { return k == n; });
            if (!ok) {
                p_.error(child(ptr, k), "unknown key " + in_quotes(k) + (p_.full() ? "" : suggestion(k, known)));
            }
        }
    }

    static const Json* member(const Json& obj, const char* key) {
        const auto it = obj.find(key);
        return it == obj.end() ? nullptr : &*it;
    }

    bool require(const Json& obj, const std::string& ptr, const char* key, const char* what) {
        if (member(obj, key)) return true;
        p_.error(ptr, std::string("missing required key '") + key + "'" + what);
        return false;
    }

    // A number within r. Non-finite numbers cannot reach here (the parser refuses them).
    bool number(const Json& j, const std::string& ptr, const Range& r, double& out) {
        if (!j.is_number()) {
            p_.error(ptr, "must be a number, got " + describe(j));
            return false;
        }
        const double v = j.get<double>();
        if (!in_range(v, r)) {
            p_.error(ptr, "must be " + range_text(r) + ", got " + describe(j));
            return false;
        }
        out = v;
        return true;
    }

    // An integer within [lo, hi]. 3.0 counts as an integer (as in JSON Schema); 3.5 does not.
    template <class Int>
    bool integer(const Json& j, const std::string& ptr, Int lo, Int hi, Int& out) {
        const std::string want = "must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi);
        if (j.is_number_unsigned()) {
            const auto v = j.get<std::uint64_t>();
            if (v < static_cast<std::uint64_t>(std::max<Int>(lo, 0)) || v > static_cast<std::uint64_t>(hi)) {
                p_.error(ptr, want + ", got " + describe(j));
                return false;
            }
            out = static_cast<Int>(v);
            return true;
        }
        if (j.is_number_integer()) {
            const auto v = j.get<std::int64_t>();
            // lo and hi fit in int64 for every signed field; unsigned fields have lo >= 0.
            const bool below = v < 0 ? (lo >= 0 || v < static_cast<std::int64_t>(lo))
                                     : static_cast<std::uint64_t>(v) < static_cast<std::uint64_t>(std::max<Int>(lo, 0));
            const bool above = v >= 0 && static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(hi);
            if (below || above) {
                p_.error(ptr, want + ", got " + describe(j));
                return false;
            }
            out = static_cast<Int>(v);
            return true;
        }
        if (j.is_number_float()) {
            const double v = j.get<double>();
            if (v != std::floor(v)) {
                p_.error(ptr, "must be an integer, got " + describe(j));
                return false;
            }
            // Compare as doubles; 2^64 (== hi + 1 for the seed) must not be accepted.
            const double dlo = static_cast<double>(lo);
            const double dhi = static_cast<double>(hi);
            if (v < dlo || v > dhi || v >= 18446744073709551616.0) {
                p_.error(ptr, want + ", got " + describe(j));
                return false;
            }
            out = static_cast<Int>(v);
            return true;
        }
        p_.error(ptr, "must be an integer, got " + describe(j));
        return false;
    }

    bool string(const Json& j, const std::string& ptr, std::string& out) {
        if (!j.is_string()) {
            p_.error(ptr, "must be a string, got " + describe(j));
            return false;
        }
        out = j.get<std::string>();
        return true;
    }

    bool boolean(const Json& j, const std::string& ptr, bool& out) {
        if (!j.is_boolean()) {
            p_.error(ptr, "must be true or false, got " + describe(j));
            return false;
        }
        out = j.get<bool>();
        return true;
    }

    // Optional members: read when present, else the default already in `out` stays.
    void opt_number(const Json& obj, const std::string& ptr, const char* key, const Range& r, double& out) {
        if (const Json* j = member(obj, key)) number(*j, child(ptr, key), r, out);
    }
    template <class Int>
    void opt_integer(const Json& obj, const std::string& ptr, const char* key, Int lo, Int hi, Int& out) {
        if (const Json* j = member(obj, key)) integer(*j, child(ptr, key), lo, hi, out);
    }
    void opt_string(const Json& obj, const std::string& ptr, const char* key, std::string& out) {
        if (const Json* j = member(obj, key)) string(*j, child(ptr, key), out);
    }
    void opt_bool(const Json& obj, const std::string& ptr, const char* key, bool& out) {
        if (const Json* j = member(obj, key)) boolean(*j, child(ptr, key), out);
    }

    // Checks an array's type and size. Returns how many elements to walk (the elements'
    // own problems are worth reporting even when the size is wrong, but never more than
    // max of them, which bounds the model built from a hostile file); 0 when not an array.
    std::size_t array(const Json& j, const std::string& ptr, std::size_t min, std::size_t max, const char* noun) {
        if (!j.is_array()) {
            p_.error(ptr, "must be an array, got " + describe(j));
            return 0;
        }
        if (j.size() < min || j.size() > max) {
            p_.error(ptr, "must have " + std::to_string(min) + " to " + std::to_string(max) + " " + noun + ", got " +
                              std::to_string(j.size()));
        }
        return std::min(j.size(), max);
    }

    // ---- sections ------------------------------------------------------------------------------

    void read_population(const Json& j, Scenario& s);
    void read_influence(const Json& j, Scenario& s);
    void read_reviews(const Json& j, Scenario& s);
    void read_word_of_mouth(const Json& j, Scenario& s);
    void read_segments(const Json& j, Scenario& s);
    void read_loyalty(const Json& j, Scenario& s);
    void read_market(const Json& j, const Json& root, Scenario& s);
    void read_nps(const Json& j, Scenario& s);
    void read_money(const Json& j, Scenario& s);
    void read_review(const Json& j, const std::string& ptr, Moment& m);
    void read_cost(const Json& j, const std::string& ptr, Moment& m);
    bool read_ticks_range(const Json& j, const std::string& ptr, const char* what, int& lo, int& hi);
    void read_phases(const Json& j, Scenario& s);
    void collect_ids(const Json& moments, std::size_t count);
    void read_moment(const Json& j, std::size_t i, std::size_t count, Scenario& s);
    void read_dwell(const Json& j, const std::string& ptr, Moment& m);
    void read_impact(const Json& j, const std::string& ptr, Moment& m);
    void read_causes(const Json& j, const std::string& ptr, Moment& m);
    bool read_route(const Json& j, const std::string& ptr, bool entry, Route& out, const char* role = "the entry");
    bool resolve_target(const std::string& name, const std::string& ptr, bool entry, int& out,
                        const char* role = "the entry");

    Problems& p_;
    std::unordered_map<std::string, std::size_t> ids_;  // moment id -> first index using it
    std::vector<std::string> id_list_;                  // for suggestions, in file order
};

Scenario Reader::read(const Json& root) {
    Scenario s;
    if (!expect_object(root, "")) return s;
    check_keys(root, "",
               {"motsim", "name", "description", "time_unit", "ticks", "seed", "population", "influence", "reviews",
                "word_of_mouth", "segments", "phases", "entry", "moments", "loyalty", "market", "nps", "money"});

    // The version first: a file for another version will mostly produce noise after it.
    if (const Json* version = member(root, "motsim"); !version) {
        p_.error("", "missing required key 'motsim' (the format version, 1)");
    } else {
        const Json& v = *version;
        if (!v.is_number()) {
            p_.error("/motsim", "must be the number 1 (the format version), got " + describe(v));
        } else if (!(v.is_number_integer() && v.get<std::int64_t>() == 1) &&
                   !(v.is_number_float() && v.get<double>() == 1.0)) {
            p_.error("/motsim", "unsupported format version " + describe(v) + " (this program reads version 1)");
        }
    }

    opt_string(root, "", "name", s.name);
    opt_string(root, "", "description", s.description);
    opt_string(root, "", "time_unit", s.time_unit);
    opt_integer(root, "", "ticks", 1, 100000, s.ticks);
    opt_integer<std::uint64_t>(root, "", "seed", 0, std::numeric_limits<std::uint64_t>::max(), s.seed);
    if (const Json* j = member(root, "population")) read_population(*j, s);
    if (const Json* j = member(root, "influence")) read_influence(*j, s);
    if (const Json* j = member(root, "reviews")) read_reviews(*j, s);
    if (const Json* j = member(root, "word_of_mouth")) read_word_of_mouth(*j, s);
    if (const Json* j = member(root, "segments")) read_segments(*j, s);
    if (const Json* j = member(root, "phases")) read_phases(*j, s);

    // Moments, in two passes: ids first, so that routes may point forwards.
    const Json* moments = member(root, "moments");
    if (!moments) {
        p_.error("", "missing required key 'moments' (the list of moments of truth)");
    } else if (const std::size_t n = array(*moments, "/moments", 1, kMaxMoments, "moments")) {
        collect_ids(*moments, n);
        s.moments.resize(n);
        for (std::size_t i = 0; i < n; ++i) read_moment((*moments)[i], i, n, s);
    }

    // Entry: default the first moment.
    if (const Json* j = member(root, "entry")) {
        read_route(*j, "/entry", true, s.entry);
    } else if (!s.moments.empty()) {
        s.entry = Route{{0}, {1.0}};
    }

    // v2 blocks (after the moments: loyalty names one).
    if (const Json* j = member(root, "loyalty")) read_loyalty(*j, s);
    if (const Json* j = member(root, "market")) read_market(*j, root, s);
    if (const Json* j = member(root, "nps")) read_nps(*j, s);
    if (const Json* j = member(root, "money")) read_money(*j, s);
    return s;
}

// A whole number of ticks >= 1, or {"min": a, "max": b}.
bool Reader::read_ticks_range(const Json& j, const std::string& ptr, const char* what, int& lo, int& hi) {
    if (j.is_object()) {
        check_keys(j, ptr, {"min", "max"});
        bool ok = require(j, ptr, "min", (std::string(" (the shortest ") + what + " in ticks)").c_str());
        ok &= require(j, ptr, "max", (std::string(" (the longest ") + what + " in ticks)").c_str());
        int a = lo, b = hi;
        if (const Json* v = member(j, "min")) ok &= integer(*v, child(ptr, "min"), 1, 100000, a);
        if (const Json* v = member(j, "max")) ok &= integer(*v, child(ptr, "max"), 1, 100000, b);
        if (!ok) return false;
        if (a > b) {
            p_.error(ptr, "min (" + std::to_string(a) + ") must not be greater than max (" + std::to_string(b) + ")");
            return false;
        }
        lo = a;
        hi = b;
        return true;
    }
    if (!j.is_number()) {
        p_.error(ptr, std::string("must be a whole number of ticks (at least 1) or {\"min\": ..., \"max\": ...}, got ") +
                          describe(j));
        return false;
    }
    int d = 1;
    if (!integer(j, ptr, 1, 100000, d)) return false;
    lo = hi = d;
    return true;
}

void Reader::read_loyalty(const Json& j, Scenario& s) {
    const std::string ptr = "/loyalty";
    if (!expect_object(j, ptr)) return;
    check_keys(j, ptr, {"return_to", "after", "base", "impression"});
    Loyalty& l = s.loyalty;
    l.enabled = true;
    if (const Json* v = member(j, "return_to"); !v) {
        p_.error(ptr, "missing required key 'return_to' (the moment loyal customers come back to)");
    } else {
        read_route(*v, child(ptr, "return_to"), true, l.return_to, "return_to");
    }
    if (const Json* v = member(j, "after"); !v) {
        p_.error(ptr, "missing required key 'after' (ticks before a customer comes back)");
    } else {
        read_ticks_range(*v, child(ptr, "after"), "delay", l.after_min, l.after_max);
    }
    if (require(j, ptr, "base", " (the chance of coming back at impression 0, between 0 and 1)"))
        number(*member(j, "base"), child(ptr, "base"), {0, 1}, l.base);
    opt_number(j, ptr, "impression", {0, 20}, l.impression);
}

void Reader::read_market(const Json& j, const Json& root, Scenario& s) {
    const std::string ptr = "/market";
    if (!expect_object(j, ptr)) return;
    check_keys(j, ptr, {"size", "advertising", "word_of_mouth", "negative"});
    Market& m = s.market;
    m.enabled = true;
    if (require(j, ptr, "size", " (the number of people in the market)"))
        integer<std::int64_t>(*member(j, "size"), child(ptr, "size"), 1, 1000000000, m.size);
    if (require(j, ptr, "advertising", " (p: the chance per tick that advertising brings someone, 0 to 1)"))
        number(*member(j, "advertising"), child(ptr, "advertising"), {0, 1}, m.advertising);
    opt_number(j, ptr, "word_of_mouth", {0, 10}, m.word_of_mouth);
    opt_number(j, ptr, "negative", {0, 10}, m.negative);
    // The market replaces the Poisson arrivals and referrals.
    const Json* pop = member(root, "population");
    if (const Json* a = pop && pop->is_object() ? member(*pop, "arrivals_per_tick") : nullptr;
        a && a->is_number() && a->get<double>() != 0.0) {
        p_.error("/population/arrivals_per_tick",
                 "must be 0 or absent with a market: the market's advertising and word of mouth bring the "
                 "customers (got " + describe(*a) + ")");
    }
    s.arrivals_per_tick = 0.0;
    if (s.referral_rate != 0.0) {
        p_.error("/word_of_mouth/referral_rate",
                 "must be 0 or absent with a market: advocates bring customers through the market's word_of_mouth "
                 "(got " + format_number(s.referral_rate) + ")");
    }
    const Json* max = pop && pop->is_object() ? member(*pop, "max_customers") : nullptr;
    if (!max) s.max_customers = m.size;  // the market is the limit
    if (m.size > 0 && s.initial > m.size) {
        p_.error("/population/initial", "must not be more than the market's size (" + std::to_string(m.size) +
                                            "), got " + std::to_string(s.initial));
    }
}

void Reader::read_nps(const Json& j, Scenario& s) {
    const std::string ptr = "/nps";
    if (!expect_object(j, ptr)) return;
    check_keys(j, ptr, {"asked"});
    std::string asked;
    if (const Json* v = member(j, "asked"); v && string(*v, child(ptr, "asked"), asked)) {
        if (asked == "buyers")
            s.nps_asked = NpsAsked::Buyers;
        else if (asked == "finished")
            s.nps_asked = NpsAsked::Finished;
        else if (asked == "everyone")
            s.nps_asked = NpsAsked::Everyone;
        else
            p_.error(child(ptr, "asked"), "must be 'buyers', 'finished' or 'everyone', got " + describe(*v));
    }
}

void Reader::read_money(const Json& j, Scenario& s) {
    const std::string ptr = "/money";
    if (!expect_object(j, ptr)) return;
    check_keys(j, ptr, {"currency", "revenue"});
    s.money.enabled = true;
    if (const Json* v = member(j, "currency"); v && string(*v, child(ptr, "currency"), s.money.currency)) {
        // Characters, not bytes: "₹" is one (the text is valid UTF-8 by now; count lead bytes).
        const auto chars = std::count_if(s.money.currency.begin(), s.money.currency.end(),
                                         [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
        if (chars < 1 || chars > 12)
            p_.error(child(ptr, "currency"), "must be 1 to 12 characters (a code or symbol like 'EUR' or '$')");
    }
    opt_number(j, ptr, "revenue", {0, 1e9}, s.money.revenue);
}

void Reader::read_review(const Json& j, const std::string& ptr, Moment& m) {
    if (j.is_object()) {
        check_keys(j, ptr, {"promoter", "passive", "detractor"});
        const char* names[3] = {"detractor", "passive", "promoter"};  // NpsGroup order
        bool ok = true;
        for (std::size_t g = 0; g < 3; ++g) {
            if (!require(j, ptr, names[g], " (the chance that one of them posts a review, 0 to 1)")) {
                ok = false;
                continue;
            }
            ok &= number(*member(j, names[g]), child(ptr, names[g]), {0, 1}, m.review_group[g]);
        }
        if (ok) {
            m.review_by_group = true;
            m.review = std::max({m.review_group[0], m.review_group[1], m.review_group[2]});
        }
        return;
    }
    if (!j.is_number()) {
        p_.error(ptr, "must be a probability (0 to 1) or {\"promoter\": ..., \"passive\": ..., \"detractor\": ...}, got " +
                          describe(j));
        return;
    }
    number(j, ptr, {0, 1}, m.review);
}

void Reader::read_cost(const Json& j, const std::string& ptr, Moment& m) {
    if (!expect_object(j, ptr)) return;
    check_keys(j, ptr, {"visit", "magic", "improve"});
    opt_number(j, ptr, "visit", {0, 1e9}, m.cost.visit);
    opt_number(j, ptr, "magic", {0, 1e9}, m.cost.magic);
    opt_number(j, ptr, "improve", {0, 1e9}, m.cost.improve);
}

void Reader::read_population(const Json& j, Scenario& s) {
    const std::string ptr = "/population";
    if (!expect_object(j, ptr)) return;
    check_keys(j, ptr, {"initial", "arrivals_per_tick", "max_customers"});
    opt_integer<std::int64_t>(j, ptr, "initial", 0, 10000000, s.initial);
    opt_number(j, ptr, "arrivals_per_tick", {0, 1e6}, s.arrivals_per_tick);
    opt_integer<std::int64_t>(j, ptr, "max_customers", 0, 1000000000, s.max_customers);
}

void Reader::read_influence(const Json& j, Scenario& s) {
    const std::string ptr = "/influence";
    if (!expect_object(j, ptr)) return;
    check_keys(j, ptr, {"impression", "reviews"});
    opt_number(j, ptr, "impression", {-20, 20}, s.beta);
    opt_number(j, ptr, "reviews", {-20, 20}, s.gamma);
}

void Reader::read_reviews(const Json& j, Scenario& s) {
    const std::string ptr = "/reviews";
    if (!expect_object(j, ptr)) return;
    check_keys(j, ptr, {"prior", "half_life"});
    opt_number(j, ptr, "prior", {0, 1e6, true}, s.review_prior);
    opt_number(j, ptr, "half_life", {0, kInf}, s.review_half_life);
}

void Reader::read_word_of_mouth(const Json& j, Scenario& s) {
    const std::string ptr = "/word_of_mouth";
    if (!expect_object(j, ptr)) return;
    check_keys(j, ptr, {"advocate_threshold", "referral_rate", "referral_ticks", "referral_boost", "critic_threshold"});
    opt_number(j, ptr, "critic_threshold", {-1, 1}, s.critic_threshold);
    if (member(j, "critic_threshold") && s.critic_threshold >= s.advocate_threshold) {
        p_.error(child(ptr, "critic_threshold"),
                 "must be below advocate_threshold (" + format_number(s.advocate_threshold) +
                     "): nobody can be an advocate and a critic at once, got " + format_number(s.critic_threshold));
    }
    opt_number(j, ptr, "advocate_threshold", {-1, 1}, s.advocate_threshold);
    opt_number(j, ptr, "referral_rate", {0, 1000}, s.referral_rate);
    opt_integer(j, ptr, "referral_ticks", 0, 100000, s.referral_ticks);
    opt_number(j, ptr, "referral_boost", {-2, 2}, s.referral_boost);
}

void Reader::read_segments(const Json& j, Scenario& s) {
    const std::string ptr = "/segments";
    const std::size_t n = array(j, ptr, 1, kMaxSegments, "segments");
    if (!j.is_array()) return;
    s.segments.assign(n, Segment{});
    std::unordered_map<std::string, std::size_t> names;
    bool any_share = false;
    bool shares_ok = true;
    for (std::size_t i = 0; i < n; ++i) {
        const std::string sp = child(ptr, i);
        const Json& e = j[i];
        Segment& seg = s.segments[i];
        if (!expect_object(e, sp)) {
            shares_ok = false;
            continue;
        }
        check_keys(e, sp, {"name", "share", "shift", "initial_impression"});
        opt_string(e, sp, "name", seg.name);
        if (const Json* sh = member(e, "share")) shares_ok &= number(*sh, child(sp, "share"), {0, kInf}, seg.share);
        opt_number(e, sp, "shift", {-20, 20}, seg.shift);
        opt_number(e, sp, "initial_impression", {-1, 1}, seg.initial_impression);
        if (seg.share > 0) any_share = true;
        // Results are reported per segment name, so two segments may not share one.
        const auto [it, fresh] = names.emplace(seg.name, i);
        if (!fresh) {
            p_.error(child(sp, "name"), "duplicate segment name " + in_quotes(seg.name) + " (also used by /segments/" +
                                            std::to_string(it->second) + ")");
        }
    }
    if (shares_ok && n > 0 && !any_share)
        p_.error(ptr, "all shares are zero: at least one segment needs a share greater than 0");
}

void Reader::read_phases(const Json& j, Scenario& s) {
    const std::string ptr = "/phases";
    const std::size_t n = array(j, ptr, 1, kMaxPhases, "phases");
    if (!j.is_array()) return;
    s.phases.assign(n, std::string());
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < n; ++i) {
        const std::string pp = child(ptr, i);
        if (!string(j[i], pp, s.phases[i])) continue;
        if (s.phases[i].empty()) {
            p_.error(pp, "must not be empty");
            continue;
        }
        const auto [it, fresh] = seen.emplace(s.phases[i], i);
        if (!fresh)
            p_.error(
                pp, "duplicate phase " + in_quotes(s.phases[i]) + " (also /phases/" + std::to_string(it->second) + ")");
    }
}

bool valid_id(const std::string& id) {
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

void Reader::collect_ids(const Json& moments, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        const Json& m = moments[i];
        if (!m.is_object()) continue;
        const Json* id = member(m, "id");
        if (!id || !id->is_string()) continue;
        const std::string& s = id->get_ref<const std::string&>();
        if (!valid_id(s) || s == "lost" || s == "done") continue;
        if (ids_.emplace(s, i).second) id_list_.push_back(s);
    }
}

void Reader::read_moment(const Json& j, std::size_t i, std::size_t count, Scenario& s) {
    const std::string ptr = child("/moments", i);
    Moment& m = s.moments[i];
    // Defaults: phase of the previous moment, causes, routes to the next moment in file order.
    m.phase = i > 0 ? s.moments[i - 1].phase : 0;
    m.causes = default_causes();
    const int next = i + 1 < count ? static_cast<int>(i + 1) : kDone;
    m.next[0] = Route{{next}, {1.0}};
    m.next[1] = Route{{next}, {1.0}};
    m.next[2] = Route{{kLost}, {1.0}};
    if (!expect_object(j, ptr)) return;
    check_keys(j, ptr,
               {"id", "name", "phase", "positive", "negative", "magic", "dwell", "impact", "reads_reviews", "purchase",
                "review", "causes", "next", "cost"});

    // ---- identity
    if (const Json* id = member(j, "id"); !id) {
        p_.error(ptr, "missing required key 'id'");
    } else {
        const std::string ip = child(ptr, "id");
        if (string(*id, ip, m.id)) {
            if (!valid_id(m.id)) {
                p_.error(ip, "id " + in_quotes(m.id) +
                                 " may only use letters A-Z a-z, digits, '_' and '-' (and must "
                                 "not be empty)");
            } else if (m.id == "lost" || m.id == "done") {
                p_.error(ip, "id '" + m.id + "' is reserved for the end of a journey");
            } else if (const auto it = ids_.find(m.id); it != ids_.end() && it->second != i) {
                p_.error(ip, "duplicate id " + in_quotes(m.id) + " (also used by /moments/" +
                                 std::to_string(it->second) + ")");
            }
        }
    }
    m.name = m.id;
    opt_string(j, ptr, "name", m.name);
    if (const Json* ph = member(j, "phase")) {
        std::string name;
        if (string(*ph, child(ptr, "phase"), name)) {
            const auto it = std::find(s.phases.begin(), s.phases.end(), name);
            if (it == s.phases.end()) {
                std::string hint = p_.full() ? "" : suggestion(name, s.phases);
                if (hint.empty()) hint = ": not one of the phases in /phases";
                p_.error(child(ptr, "phase"), "unknown phase " + in_quotes(name) + hint);
            } else {
                m.phase = static_cast<int>(it - s.phases.begin());
            }
        }
    }

    // ---- odds
    bool odds_ok = require(j, ptr, "positive", " (the probability of a positive outcome)");
    odds_ok &= require(j, ptr, "negative", " (the probability of a negative outcome)");
    if (const Json* v = member(j, "positive")) odds_ok &= number(*v, child(ptr, "positive"), {0, 1}, m.positive);
    if (const Json* v = member(j, "negative")) odds_ok &= number(*v, child(ptr, "negative"), {0, 1}, m.negative);
    if (odds_ok && m.positive + m.negative > 1.0 + kProbabilityTolerance) {
        p_.error(ptr, "positive + negative must be at most 1, got " + format_number(m.positive) + " + " +
                          format_number(m.negative) + " = " + format_number(m.positive + m.negative));
    }
    opt_number(j, ptr, "magic", {0, 1}, m.magic);
    if (const Json* v = member(j, "review")) read_review(*v, child(ptr, "review"), m);
    if (const Json* v = member(j, "cost")) read_cost(*v, child(ptr, "cost"), m);
    opt_bool(j, ptr, "reads_reviews", m.reads_reviews);
    opt_bool(j, ptr, "purchase", m.purchase);

    if (const Json* v = member(j, "dwell")) read_dwell(*v, child(ptr, "dwell"), m);
    if (const Json* v = member(j, "impact")) read_impact(*v, child(ptr, "impact"), m);
    if (const Json* v = member(j, "causes")) read_causes(*v, child(ptr, "causes"), m);

    // ---- routes (partial objects keep the defaults for missing outcomes)
    if (const Json* v = member(j, "next")) {
        const std::string np = child(ptr, "next");
        if (expect_object(*v, np)) {
            check_keys(*v, np, {"positive", "neutral", "negative"});
            const char* names[3] = {"positive", "neutral", "negative"};
            for (std::size_t r = 0; r < 3; ++r)
                if (const Json* route = member(*v, names[r])) read_route(*route, child(np, names[r]), false, m.next[r]);
        }
    }
}

void Reader::read_dwell(const Json& j, const std::string& ptr, Moment& m) {
    if (j.is_object()) {
        check_keys(j, ptr, {"min", "max"});
        bool ok = require(j, ptr, "min", " (the shortest dwell in ticks)");
        ok &= require(j, ptr, "max", " (the longest dwell in ticks)");
        int lo = m.dwell_min, hi = m.dwell_max;
        if (const Json* v = member(j, "min")) ok &= integer(*v, child(ptr, "min"), 1, 10000, lo);
        if (const Json* v = member(j, "max")) ok &= integer(*v, child(ptr, "max"), 1, 10000, hi);
        if (!ok) return;
        if (lo > hi) {
            p_.error(ptr, "min (" + std::to_string(lo) + ") must not be greater than max (" + std::to_string(hi) + ")");
            return;
        }
        m.dwell_min = lo;
        m.dwell_max = hi;
        return;
    }
    if (!j.is_number()) {
        p_.error(ptr, "must be an integer number of ticks or {\"min\": ..., \"max\": ...}, got " + describe(j));
        return;
    }
    int d = 1;
    if (integer(j, ptr, 1, 10000, d)) m.dwell_min = m.dwell_max = d;
}

void Reader::read_impact(const Json& j, const std::string& ptr, Moment& m) {
    if (!expect_object(j, ptr)) return;
    check_keys(j, ptr, {"positive", "neutral", "negative", "magic"});
    for (int o = 0; o < kOutcomeCount; ++o) {
        const char* name = outcome_name(static_cast<Outcome>(o));
        opt_number(j, ptr, name, {-2, 2}, m.impact[static_cast<std::size_t>(o)]);
    }
}

void Reader::read_causes(const Json& j, const std::string& ptr, Moment& m) {
    if (!expect_object(j, ptr)) return;
    std::vector<Cause> causes;
    bool ok = true;
    bool any_positive = false;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string cp = child(ptr, it.key());
        if (it.key().empty()) {
            p_.error(cp, "a cause needs a name (the key must not be empty)");
            ok = false;
            continue;
        }
        double w = 0;
        if (!number(it.value(), cp, {0, kInf}, w)) {
            ok = false;
            continue;
        }
        any_positive |= w > 0;
        causes.push_back({it.key(), w});
    }
    if (ok && !any_positive) {
        p_.error(ptr, j.empty() ? "must name at least one cause (omit the key for the seven "
                                  "deadly sins)"
                                : "at least one weight must be greater than 0");
        return;
    }
    if (ok) m.causes = std::move(causes);
}

bool Reader::resolve_target(const std::string& name, const std::string& ptr, bool entry, int& out, const char* role) {
    if (name == "lost" || name == "done") {
        if (entry) {
            p_.error(ptr, std::string(role) + " must be a moment, not '" + name + "'");
            return false;
        }
        out = name == "lost" ? kLost : kDone;
        return true;
    }
    if (const auto it = ids_.find(name); it != ids_.end()) {
        out = static_cast<int>(it->second);
        return true;
    }
    std::string hint;
    if (!p_.full()) {
        hint = suggestion(name, id_list_);
        if (hint.empty() && !entry) hint = suggestion(name, kTerminalNames);
    }
    if (hint.empty()) hint = entry ? ": no moment has this id" : ": use a moment id, 'lost' or 'done'";
    p_.error(ptr, std::string(entry ? "unknown moment " : "unknown target ") + in_quotes(name) + hint);
    return false;
}

bool Reader::read_route(const Json& j, const std::string& ptr, bool entry, Route& out, const char* role) {
    if (j.is_string()) {
        int t = 0;
        if (!resolve_target(j.get_ref<const std::string&>(), ptr, entry, t, role)) return false;
        out = Route{{t}, {1.0}};
        return true;
    }
    if (!j.is_object()) {
        p_.error(ptr, std::string("must be ") + (entry ? "a moment id" : "a target (moment id, 'lost' or 'done')") +
                          " or an object of weights like {\"a\": 0.8, \"b\": 0.2}, got " + describe(j));
        return false;
    }
    if (j.empty()) {
        p_.error(ptr, "must name at least one target");
        return false;
    }
    Route route;
    bool ok = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string tp = child(ptr, it.key());
        int t = 0;
        double w = 0;
        // Both checks run so that a bad name and a bad weight are both reported.
        const bool target_ok = resolve_target(it.key(), tp, entry, t, role);
        const bool weight_ok = number(it.value(), tp, {0, kInf, true}, w);
        if (!target_ok || !weight_ok) {
            ok = false;
            continue;
        }
        route.targets.push_back(t);
        route.weights.push_back(w);
    }
    if (ok) out = std::move(route);
    return ok;
}

// ================================================================================================
// Stage 4: graph checks, with the pointers the engine does not know about
// ================================================================================================

void check_journey(const Scenario& s, Problems& p) {
    for (const GraphIssue& issue : check_graph(s)) {
        const std::string ptr = child("/moments", static_cast<std::size_t>(issue.moment));
        if (issue.error)
            p.error(ptr, issue.message);
        else
            p.warning(ptr, issue.message);
    }
}

// ================================================================================================
// Whole load
// ================================================================================================

LoadResult load_unguarded(std::string_view text) {
    Problems problems;
    LoadResult result;
    const auto done = [&]() {
        result.problems = problems.take();
        return std::move(result);
    };

    // ---- stage 1
    if (text.size() > kMaxBytes) {
        problems.error("", "file is too large: " + std::to_string(text.size()) + " bytes, the limit is 16 MB (" +
                               std::to_string(kMaxBytes) + " bytes)");
        return done();
    }
    if (text.empty() || is_blank(text)) {
        problems.error("", "file is empty");
        return done();
    }
    if (const auto bad = invalid_utf8_offset(text); bad != std::string_view::npos) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(text[bad])));
        problems.at(text, bad,
                    std::string("invalid UTF-8: byte ") + hex + " at byte offset " + std::to_string(bad) +
                        " (save the file as UTF-8)");
        return done();
    }
    if (const auto deep = too_deep_offset(text); deep != std::string_view::npos) {
        problems.at(text, deep,
                    "nesting is deeper than " + std::to_string(kMaxDepth) +
                        " levels of [ ] and { } (a scenario needs about 5)");
        return done();
    }

    // ---- stage 2
    Json root;
    DomBuilder builder(text, root, problems);
    const bool parsed = Json::sax_parse(text.data(), text.data() + text.size(), &builder);
    if (!parsed || problems.errors() > 0) return done();

    // ---- stage 3
    Reader reader(problems);
    Scenario s = reader.read(root);
    root = Json();  // free the DOM before the graph work

    // ---- stage 4: only on an otherwise valid scenario, where routes are all resolved
    if (problems.errors() == 0) check_journey(s, problems);

    if (problems.errors() == 0) result.scenario = std::move(s);
    return done();
}

// ================================================================================================
// Writing
// ================================================================================================

std::string target_name(const Scenario& s, int t) {
    if (t == kLost) return "lost";
    if (t == kDone) return "done";
    if (t >= 0 && static_cast<std::size_t>(t) < s.moments.size()) return s.moments[static_cast<std::size_t>(t)].id;
    return "?" + std::to_string(t);  // not loadable: the scenario itself was broken
}

// The short form for one target at weight 1, the weighted object otherwise.
Json route_json(const Scenario& s, const Route& r) {
    if (r.targets.size() == 1 && (r.weights.empty() || r.weights[0] == 1.0)) return target_name(s, r.targets[0]);
    Json o = Json::object();
    for (std::size_t k = 0; k < r.targets.size(); ++k)
        o[target_name(s, r.targets[k])] = k < r.weights.size() ? r.weights[k] : 1.0;
    return o;
}

Json scenario_json(const Scenario& s) {
    Json j = Json::object();
    j["motsim"] = s.format;
    j["name"] = s.name;
    j["description"] = s.description;
    j["time_unit"] = s.time_unit;
    j["ticks"] = s.ticks;
    j["seed"] = s.seed;
    j["population"] = {
        {"initial", s.initial}, {"arrivals_per_tick", s.arrivals_per_tick}, {"max_customers", s.max_customers}};
    j["influence"] = {{"impression", s.beta}, {"reviews", s.gamma}};
    j["reviews"] = {{"prior", s.review_prior}, {"half_life", s.review_half_life}};
    j["word_of_mouth"] = {{"advocate_threshold", s.advocate_threshold},
                          {"referral_rate", s.referral_rate},
                          {"referral_ticks", s.referral_ticks},
                          {"referral_boost", s.referral_boost}};
    if (s.critic_threshold != -0.5) j["word_of_mouth"]["critic_threshold"] = s.critic_threshold;
    if (s.market.enabled) {
        j["market"] = {{"size", s.market.size},
                       {"advertising", s.market.advertising},
                       {"word_of_mouth", s.market.word_of_mouth},
                       {"negative", s.market.negative}};
    }
    if (s.loyalty.enabled) {
        Json after = s.loyalty.after_min == s.loyalty.after_max
                         ? Json(s.loyalty.after_min)
                         : Json{{"min", s.loyalty.after_min}, {"max", s.loyalty.after_max}};
        j["loyalty"] = {{"return_to", route_json(s, s.loyalty.return_to)},
                        {"after", std::move(after)},
                        {"base", s.loyalty.base},
                        {"impression", s.loyalty.impression}};
    }
    if (s.nps_asked != NpsAsked::Buyers) j["nps"] = {{"asked", nps_asked_name(s.nps_asked)}};
    if (s.money.enabled) j["money"] = {{"currency", s.money.currency}, {"revenue", s.money.revenue}};
    Json segments = Json::array();
    for (const Segment& g : s.segments) {
        segments.push_back(
            {{"name", g.name}, {"share", g.share}, {"shift", g.shift}, {"initial_impression", g.initial_impression}});
    }
    j["segments"] = std::move(segments);
    j["phases"] = s.phases;
    if (!s.entry.targets.empty()) j["entry"] = route_json(s, s.entry);

    Json moments = Json::array();
    for (const Moment& m : s.moments) {
        Json o = Json::object();
        o["id"] = m.id;
        o["name"] = m.name;
        if (m.phase >= 0 && static_cast<std::size_t>(m.phase) < s.phases.size())
            o["phase"] = s.phases[static_cast<std::size_t>(m.phase)];
        o["positive"] = m.positive;
        o["negative"] = m.negative;
        o["magic"] = m.magic;
        if (m.dwell_min == m.dwell_max)
            o["dwell"] = m.dwell_min;
        else
            o["dwell"] = {{"min", m.dwell_min}, {"max", m.dwell_max}};
        Json impact = Json::object();
        for (int k = 0; k < kOutcomeCount; ++k)
            impact[outcome_name(static_cast<Outcome>(k))] = m.impact[static_cast<std::size_t>(k)];
        o["impact"] = std::move(impact);
        o["reads_reviews"] = m.reads_reviews;
        o["purchase"] = m.purchase;
        if (m.review_by_group)
            o["review"] = {{"promoter", m.review_group[2]}, {"passive", m.review_group[1]}, {"detractor", m.review_group[0]}};
        else
            o["review"] = m.review;
        if (m.cost.visit != 0.0 || m.cost.magic != 0.0 || m.cost.improve != 0.0)
            o["cost"] = {{"visit", m.cost.visit}, {"magic", m.cost.magic}, {"improve", m.cost.improve}};
        // An empty list means "the defaults" to the engine too; the loader fills them in.
        if (!m.causes.empty()) {
            Json causes = Json::object();
            for (const Cause& c : m.causes) causes[c.name] = c.weight;
            o["causes"] = std::move(causes);
        }
        o["next"] = {{"positive", route_json(s, m.next[0])},
                     {"neutral", route_json(s, m.next[1])},
                     {"negative", route_json(s, m.next[2])}};
        moments.push_back(std::move(o));
    }
    j["moments"] = std::move(moments);
    return j;
}

}  // namespace

// ================================================================================================
// Public API
// ================================================================================================

LoadResult load_scenario(std::string_view text) {
    // The stages above report bad input as problems, not exceptions; this guard is for what
    // can still escape (memory exhaustion), so that callers never see an exception.
    try {
        return load_unguarded(text);
    } catch (const std::bad_alloc&) {
        LoadResult r;
        r.problems.push_back({"", "out of memory while reading the scenario", false, 0, 0});
        return r;
    } catch (const std::exception& e) {
        LoadResult r;
        r.problems.push_back({"", std::string("internal error: ") + e.what(), false, 0, 0});
        return r;
    } catch (...) {
        LoadResult r;
        r.problems.push_back({"", "internal error while reading the scenario", false, 0, 0});
        return r;
    }
}

LoadResult load_scenario_file(const std::string& path) {
    const auto fail = [](std::string message) {
        LoadResult r;
        r.problems.push_back({"", std::move(message), false, 0, 0});
        return r;
    };
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return fail(std::string("cannot open file: ") + std::strerror(errno));
    // Read at most one byte past the limit: enough to know the file is too large without
    // holding all of it.
    std::string text;
    char buf[65536];
    bool too_large = false;
    for (;;) {
        const std::size_t n = std::fread(buf, 1, sizeof buf, f);
        text.append(buf, n);
        if (text.size() > kMaxBytes) {
            too_large = true;
            break;
        }
        if (n < sizeof buf) break;
    }
    const bool read_error = std::ferror(f) != 0;
    const int err = errno;
    std::fclose(f);
    if (read_error) return fail(std::string("cannot read file: ") + std::strerror(err));
    if (too_large) return fail("file is too large: the limit is 16 MB (" + std::to_string(kMaxBytes) + " bytes)");
    return load_scenario(text);
}

std::string format_problem(const std::string& file, const Problem& p) {
    std::string out = file + ": ";
    if (p.line > 0) {
        out += "line " + std::to_string(p.line) + ", column " + std::to_string(p.column) + ": ";
    } else {
        out += (p.pointer.empty() ? "/" : p.pointer) + ": ";
    }
    if (p.warning) out += "warning: ";
    out += p.message;
    return out;
}

std::string scenario_to_json(const Scenario& s) {
    try {
        // replace: a string that is not valid UTF-8 must not make dump() throw.
        return scenario_json(s).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
    } catch (...) {
        return "{}\n";  // only reachable through memory exhaustion
    }
}

}  // namespace motsim::io
