// What every motsim command shares: exit codes, usage errors, loading a scenario with its
// problems on standard error, writing an output ("-" is standard output), strict number parsing.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "engine/scenario.h"

namespace motsim::cli {

inline constexpr int kOk = 0, kBadInput = 1, kUsage = 2;

// Prints "motsim: why" and a hint; returns kUsage.
int usage(const std::string& why);
// Loads and validates; every problem goes to stderr as "FILE: /pointer: message".
std::optional<Scenario> load(const std::string& file);
// Writes text to a file, or to stdout for "-"; false (with a message) if it cannot.
bool write_text(const std::string& path, const std::string& text);
// Whole strings only: "12x", "", overflow and out-of-range values are refused.
bool parse_int(const std::string& text, long long lo, long long hi, long long& out);
bool parse_seed(const std::string& text, std::uint64_t& out);
bool parse_double(const std::string& text, double& out);

}  // namespace motsim::cli
