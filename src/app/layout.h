// The journey map's geometry: where phases, moments and the two terminals sit on screen.
//
// Pure arithmetic on plain structs (no ImGui here), so the tests can check it and the journey
// view, the crowd renderer and the editor all agree on one picture:
//
//   | stimulus | zmot     | fmot     | ...      |  done   |
//   |          | (search) | (shelf)  |          |   (o)   |
//   |  (ad)    | (review) |          |          |         |
//   |          |          |          |          |  lost   |
//
// Phases with at least one moment become columns, left to right in the scenario's phase order;
// a moment is a node stacked in its phase's column in file order; `done` and `lost` share an
// extra column on the right, `done` at mid height and `lost` at the bottom, so the "walked
// away" edges all fall to one corner and read as a drain.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/scenario.h"

namespace motsim::app {

struct Point {
    float x = 0.0f;
    float y = 0.0f;
};

struct PhaseColumn {
    std::string label;  // the phase name ("?" for moments whose phase index is out of range)
    int phase = -1;     // index into Scenario::phases, -1 for the "?" column
    float x0 = 0.0f;    // left and right edge of the column
    float x1 = 0.0f;
};

struct Node {
    float x = 0.0f;  // centre
    float y = 0.0f;
    float radius = 0.0f;
    int column = -1;  // index into JourneyLayout::columns; -1 for the terminals
};

// One arrow of the map: a possible step from a moment after one kind of outcome.
struct Edge {
    int from = 0;                         // moment index
    int to = kDone;                       // moment index, kLost or kDone
    Outcome outcome = Outcome::Positive;  // Positive, Neutral or Negative (magic routes as positive)
    float share = 0.0f;                   // this target's weight / the route's total weight
    float probability = 0.0f;             // base p(outcome) * share: the edge's flow, for its width
};

struct JourneyLayout {
    float x = 0.0f, y = 0.0f, w = 0.0f, h = 0.0f;  // the rectangle it was made for
    std::vector<PhaseColumn> columns;
    std::vector<Node> nodes;  // one per moment, same index as Scenario::moments
    Node done;
    Node lost;
    std::vector<Edge> edges;
};

// ==== Building and reading the layout ==========================================================

// Lays the scenario out in the rectangle (x, y, w, h); the top `header` pixels (at most half the
// height) stay free for the column labels, which the view draws at (column centre, y). Negative
// sizes count as zero; an empty scenario gives no columns and only the terminals. Targets
// outside the moment list get no edge.
JourneyLayout layout_journey(const Scenario& s, float x, float y, float w, float h, float header = 24.0f);

// The moment whose node contains (x, y), the nearest one if discs touch; -1 when none does.
// Terminals are not reported (kLost is -1 too): ask node_position for them.
int hit_test(const JourneyLayout& layout, float x, float y);

// The node of a target (a moment index, kLost or kDone); nullptr for anything else.
const Node* find_node(const JourneyLayout& layout, int target);

// The centre of a target's node. An unknown target maps to the `lost` node, so a stale index
// (after the scenario was edited) draws somewhere harmless instead of failing.
Point node_position(const JourneyLayout& layout, int target);

// A deterministic point in the disc of `radius` around the origin for one customer, to scatter
// the crowd's dots around a node. A hash of the id, no random state: a customer keeps its spot
// from frame to frame and the dots spread evenly (uniform by area, not bunched at the centre).
Point crowd_offset(std::uint32_t customer_id, float radius);

}  // namespace motsim::app
