#include "cli/common.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "io/loader.h"

namespace motsim::cli {

int usage(const std::string& why) {
    std::cerr << "motsim: " << why << "\n(try motsim --help)\n";
    return kUsage;
}

std::optional<Scenario> load(const std::string& file) {
    io::LoadResult r = io::load_scenario_file(file);
    for (const io::Problem& p : r.problems) std::cerr << io::format_problem(file, p) << "\n";
    return std::move(r.scenario);
}

bool write_text(const std::string& path, const std::string& text) {
    if (path == "-") {
        std::cout << text;
        return true;
    }
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) {
        std::cerr << "motsim: cannot write " << path << "\n";
        return false;
    }
    return true;
}

bool parse_int(const std::string& text, long long lo, long long hi, long long& out) {
    if (text.empty() || text.size() > 20) return false;
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno || *end != '\0' || v < lo || v > hi) return false;
    out = v;
    return true;
}

bool parse_seed(const std::string& text, std::uint64_t& out) {
    if (text.empty() || text.size() > 20 || text[0] == '-') return false;
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (errno || *end != '\0') return false;
    out = v;
    return true;
}

bool parse_double(const std::string& text, double& out) {
    if (text.empty() || text.size() > 40) return false;
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (errno || *end != '\0' || !(v == v) || v > 1e300 || v < -1e300) return false;
    out = v;
    return true;
}

}  // namespace motsim::cli
