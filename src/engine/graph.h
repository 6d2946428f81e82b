// The journey as a graph: which moments customers can reach and which they can leave.
// Plain model code (no JSON), shared by the loader's checks and the app's editor.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "engine/scenario.h"

namespace motsim {

// Probabilities closer than this to 0 count as 0 in the graph checks (and the loader allows
// positive + negative to exceed 1 by this much), so decimal rounding such as 0.7 + 0.3 does
// not invent a neutral outcome of probability 1e-16.
inline constexpr double kProbabilityTolerance = 1e-9;

// Which outcomes of a moment can happen at all, indexed like Moment::next (positive, neutral,
// negative). Magic is a kind of positive outcome and routes as positive.
std::array<bool, 3> possible_routes(const Moment& m);

// reachable[i]: moment i can be reached from the entry through routes of possible outcomes.
std::vector<bool> reachable_moments(const Scenario& s);

// can_finish[i]: from moment i some chain of possible outcomes ends in "done" or "lost".
std::vector<bool> moments_that_can_finish(const Scenario& s);

struct GraphIssue {
    enum class Kind { Unreachable, NoExit };
    Kind kind = Kind::Unreachable;
    int moment = 0;       // index into Scenario::moments
    bool error = false;   // Unreachable is a warning, NoExit an error
    std::string message;  // for a person, names the moment by id
};

// All graph problems, in moment order. Targets outside the moment list are ignored here
// (the loader reports them); the function never fails.
std::vector<GraphIssue> check_graph(const Scenario& s);

}  // namespace motsim
