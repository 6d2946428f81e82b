// The experiment commands of the `motsim` command line: replicate, sweep, rank, and the cohort
// engine behind `run --engine cohort|expected`. Exit codes as main.cpp: 0 ok, 1 bad input, 2 usage.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/scenario.h"

namespace motsim::cli {

int cmd_replicate(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_rank(const std::vector<std::string>& args);

// `run FILE --engine cohort|expected`: the cohort engine on an already loaded scenario; prints
// the same kind of summary as the agent engine's run (unless json_path is "-") and writes
// JSON to json_path when it is not empty.
int run_cohort(const Scenario& s, std::uint64_t seed, bool expected, const std::string& json_path);

// Help text of the commands above, for main.cpp's --help.
extern const char* kExperimentsHelp;

}  // namespace motsim::cli
