// Scenario JSON <-> model, with validation. Errors are values: each problem names the field as
// a JSON pointer and says what is wrong. Nothing here throws to the caller.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/scenario.h"

namespace motsim::io {

struct Problem {
    std::string pointer;   // JSON pointer of the field, "" for the whole document
    std::string message;   // what is wrong, for a person
    bool warning = false;  // warnings do not make the scenario invalid
    int line = 0;          // for syntax errors: 1-based line and column, else 0
    int column = 0;
};

struct LoadResult {
    std::optional<Scenario> scenario;  // set when there is no error (warnings allowed)
    std::vector<Problem> problems;
    bool ok() const { return scenario.has_value(); }
};

// Parses and validates a scenario. Never throws, never crashes, bounded work on any input.
LoadResult load_scenario(std::string_view text);
// Reads the file then load_scenario; a missing file is a problem at pointer "".
LoadResult load_scenario_file(const std::string& path);

// "FILE: /pointer: message" (with "line L, column C" for syntax errors, "warning: " prefix).
std::string format_problem(const std::string& file, const Problem& p);

// One JSON pointer token: "~" and "/" escaped (RFC 6901), for pointers to keys of any text.
std::string pointer_token(const std::string& key);
// 1-based line and column of byte `offset` of `text`; the column counts characters, not bytes.
std::pair<int, int> line_column(std::string_view text, std::size_t offset);

// The scenario as JSON text (2-space indent), loadable by load_scenario to an equal scenario.
std::string scenario_to_json(const Scenario& s);

}  // namespace motsim::io
