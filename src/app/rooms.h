// The app's state in rooms: what the live run holds, what the experiments hold, what a lesson
// holds and where the windows are. App (app.h) owns one of each and its commands move between
// them; a panel reads the room it draws. Each room is plain data, so a newcomer finds a piece of
// state by what it is about rather than in one long list of members.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/live_view.h"
#include "engine/analysis.h"
#include "engine/cohort.h"
#include "engine/experiments.h"
#include "engine/scenario.h"
#include "engine/simulation.h"

namespace motsim::app {

// Which engine the live view runs.
enum class Engine {
    Agents,    // each customer a dot with a story
    Cohort,    // counts per moment, dwell, segment and impression (stochastic), any population
    Expected,  // the cohort engine without randomness: expected values
};

// Long work the page or the learner asked for, advanced a slice a frame (kWorkSliceMs).
enum class Work { None, RunTo, Finish };

// ==== The live run ==============================================================================
// The simulation on screen (or the cohort engine's), its seed, speed and clock, the edits made
// during it (for replays), the exact analysis beside it and the followed customer's story.
struct LiveRun {
    Scenario started;                                // the scenario the run began with (capped)
    std::vector<std::pair<int, Scenario>> edit_log;  // live edits by tick, for replays
    std::unique_ptr<Simulation> sim;
    std::unique_ptr<Cohort> cohort;  // set when the live view runs a cohort engine
    Engine engine = Engine::Agents;
    LiveView view;  // what the panels show, from either engine
    Analysis analysis;
    std::string analysis_note;  // why the analysis last refused, once said
    std::uint64_t seed = 1;
    bool playing = false;       // the page starts paused at tick 0 (embeds play when their host says so)
    double speed = 10.0;        // ticks per second
    double tick_clock = 0;      // fraction of a tick accumulated
    std::uint64_t version = 0;  // bumped by every tick, edit and restart (the crowd's key)
    // Sliced long work: run_to / finish, its target and where it started.
    Work work = Work::None;
    int work_from = 0, work_target = 0;
    // Events: the last "tick" event (seconds) and whether "finished" went out for this run.
    double last_tick_event = -1;
    bool finished_sent = false;
    // The followed customer and their story: a replay from tick 0 with the same seed and edits,
    // advanced in slices up to the live tick (a cache: story_tick is the tick it is complete at).
    std::optional<std::uint32_t> watched;
    mutable std::vector<std::string> story_lines;
    mutable int story_tick = -1;
    mutable std::unique_ptr<Simulation> story_replay;
    mutable std::size_t story_next_edit = 0;

    // The agent run's digest, computed once per version (it hashes the whole series).
    mutable std::string digest;
    mutable std::uint64_t digest_version = ~std::uint64_t{0};

    int tick() const { return cohort ? cohort->tick() : sim->tick(); }
    bool finished() const { return cohort ? cohort->finished() : sim->finished(); }
};

// ==== Experiments ===============================================================================
enum class ExperimentKind { None, Replications, Sweep, Rank };

// The job running in slices across frames (one at a time), its results and the panel's
// settings. Results belong to the scenario version they were run on (a change greys them out).
struct ExperimentRoom {
    std::unique_ptr<ExperimentJob> job;
    ExperimentKind kind = ExperimentKind::None;        // of the running job
    ExperimentKind select_tab = ExperimentKind::None;  // a chart tab to bring forward next frame
    std::optional<ReplicationResult> replications;
    std::optional<SweepResult> sweep;
    std::optional<RankResult> rank;
    std::uint64_t version = 0;      // the scenario version the results were computed for
    std::uint64_t job_version = 0;  // the version the running job started from
    int runs = 20;
    float rank_delta = 0.05f;
    int rank_by = 0;  // 0 purchases, 1 profit per improvement cost (RankBy; a journey with money)
    float sweep_lo = 0.3f, sweep_hi = 0.95f;
    int sweep_steps = 8;
    int sweep_field = 0;  // index into kSweepFields, of the selected moment
    // Large populations: the same scenario in the cohort engine with the arrivals scaled up.
    int cohort_scale = 3;  // arrivals x 10^scale
    bool cohort_expected = false;
    std::string cohort_summary;
    std::vector<float> cohort_active, cohort_conversion;
    double cohort_ms = 0;               // the engine's time for the last run
    std::unique_ptr<Cohort> large_run;  // a run in progress, advanced a slice a frame
    double large_scale = 1;             // its arrivals' factor
};

// ==== A lesson ==================================================================================
// The learner's progress through the lesson in UiConfig::lesson, and a check in progress.
struct LessonRoom {
    Scenario base;                      // the scenario the lesson's "changed moments" count from
    int step = 0;                       // the step the learner is on
    std::string detail;                 // what the last check measured
    std::unique_ptr<Simulation> check;  // a check in progress: its own fresh, capped run
    Scenario checked;                   // the scenario as it was when the check started
    bool last_met = false;
};

// ==== Edit history ==============================================================================
// Every landed edit of the scenario is one step that undo() takes back and redo() does again; a
// slider drag is one step (edits of the same thing while the control is held merge). A load is a
// step too, so loading another journey over unsaved edits loses nothing. `loaded` is the scenario
// as last loaded (Revert goes back to it); `clean` is the position where the scenario equals it.
struct EditHistory {
    struct Step {
        Scenario before, after;
        std::string what;        // for a person: "check_in: positive", "add moment pays", "load hotel.json"
        bool load = false;       // a load: `loaded` changes too
        Scenario loaded_before;  // (loads only) the loaded reference before this step
        long clean_before = 0;   // (loads only) `clean` before this step
        bool open = false;       // a gesture still going: edits of the same `what` merge into it
    };
    std::vector<Step> steps;  // steps[0, pos) are done, steps[pos, end) can be redone
    std::size_t pos = 0;
    long clean = 0;  // -1 when no position equals `loaded` any more
    Scenario loaded;
    std::string loaded_origin;
    bool ui_gesture = false;  // draw() is running: edits come from the app's own controls
    static constexpr std::size_t kMaxSteps = 100;
};

// ==== Window layout =============================================================================
// Where the windows go (recomputed when the display changes or on "Reset window layout") and
// the rectangles of named widgets from the last frame, which the page and tests ask for.
struct WindowLayout {
    struct Rect {
        std::string name;
        float x, y, w, h;
    };
    std::vector<Rect> rects;
    float last_w = 0, last_h = 0;
    bool relayout = true;      // put every window in its place next frame
    bool placing_all = false;  // this frame does
};

}  // namespace motsim::app
