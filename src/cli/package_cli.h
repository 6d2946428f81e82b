// `motsim package`: a lesson as an LMS package (SCORM 1.2, SCORM 2004, cmi5). See package_cli.cpp.
#pragma once
#include <string>
#include <vector>

namespace motsim::cli {

inline constexpr const char* kPackageHelp =
    "  motsim package LESSON --scenario FILE --format scorm12|scorm2004|cmi5 -o OUT.zip [--site DIR]\n"
    "      a zip for a learning management system: the simulator, the scenario, the lesson and\n"
    "      a launch page that reports progress, score and resume data (docs/lms.md); DIR is the\n"
    "      built web site (default: this build's, else $MOTSIM_SITE); a bad lesson, a missing\n"
    "      option or file: exit 1 and nothing written\n";

int cmd_package(const std::vector<std::string>& args, const char* argv0);

}  // namespace motsim::cli
