#include "engine/scenario.h"

namespace motsim {

std::vector<Cause> default_causes() {
    // The seeds' seven deadly sins of customer service, equally likely unless a moment says.
    return {{"detachment", 1.0}, {"inhospitality", 1.0},   {"rudeness", 1.0},    {"attitude", 1.0},
            {"ignorance", 1.0},  {"inaccessibility", 1.0}, {"invalidation", 1.0}};
}

std::vector<std::string> default_phases() { return {"stimulus", "zmot", "fmot", "amot", "smot", "umot"}; }

}  // namespace motsim
