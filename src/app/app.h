// The live simulator's state and commands: the scenario being edited, the running simulation,
// the exact analysis beside it, play/pause/speed, selection and stories. The windows (one file
// each, listed by draw() in windows.cpp) draw it; the platform and the page's bridge drive it.
// Nothing here throws into the frame loop: a bad file or a bad value is a message and the current run
// goes on.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/compare.h"
#include "app/crowd.h"
#include "app/host.h"
#include "app/lesson_editor.h"
#include "app/live_view.h"
#include "app/rooms.h"
#include "app/ui_config.h"
#include "engine/analysis.h"
#include "engine/experiments.h"
#include "engine/scenario.h"
#include "engine/simulation.h"
#include "io/results.h"

struct ImDrawList;
struct ImDrawCmd;

namespace motsim::app {

// A drawing hook the platform provides to render the crowd inside the journey window.
using CrowdDrawFn = void (*)(const ImDrawList*, const ImDrawCmd*);

struct Message {
    std::string text;
    bool error = false;
    double shown_at = 0;  // seconds since start
};

// What a sweep of the selected moment can vary (the panel's list and the job's path).
inline constexpr const char* kSweepFields[] = {"positive", "negative", "magic"};

// The most customers the live view creates in one run: a classroom laptop steps a tick of them
// in a few milliseconds in a browser (the map draws a sample, crowd.h). Larger populations run
// in the cohort engine (the engine switch, "Large populations") or on the command line.
inline constexpr std::int64_t kLiveCustomerCap = 250000;
// A market (v2) runs whole in the live view up to this size; a larger one runs scaled down to it
// (the same p, q and r, so the same shares reached over time), and the Run window says so.
inline constexpr std::int64_t kLiveMarketCap = 2000000;

// The longest text the app takes from outside (a scenario, a page's configuration or lesson, a
// shared link's state), in bytes of UTF-8. The page refuses longer text before it reaches the
// module (web/embed/00-core.js, MAX_TEXT_BYTES) and the app refuses it again here.
inline constexpr std::size_t kMaxTextBytes = 4u * 1024u * 1024u;

// How much of a frame the app spends on long work the page or the learner asked for (running to
// a tick or to the end, checking a lesson, replaying a story): the rest goes on the next frames,
// so no call and no frame blocks the page.
inline constexpr double kWorkSliceMs = 8.0;

class App {
public:
    explicit App(Host& host);

    // ---- scenarios -------------------------------------------------------------------------
    // Parses, validates and starts a scenario. On any problem the current scenario keeps
    // running and the loader's messages are shown (and returned).
    bool load_text(const std::string& text, const std::string& origin);
    void load_scenario(const Scenario& s, const std::string& origin);
    const Scenario& scenario() const { return edited_; }
    std::string scenario_json() const;

    // ---- commands --------------------------------------------------------------------------
    void play() { run_.playing = true; }
    void pause() { run_.playing = false; }
    bool playing() const { return run_.playing; }
    void step();  // one tick
    // Long runs are sliced across frames (kWorkSliceMs each): run_to and finish return at once,
    // the frames advance the run, and the host hears "reached" ({"tick", "cancelled"}) when the
    // target is reached or the work is cancelled ("finished" too at the last tick).
    bool run_to(int tick);  // clamped to [now, last tick]
    void finish();          // run to the last tick, whichever engine runs
    void finish_now();      // the same, in this call (command line, native --finish)
    void cancel_work();     // stops run_to / finish / a lesson check
    // What long work is under way: "run_to", "finish", "lesson" or "" (none), and how far.
    std::string busy() const;
    double busy_progress() const;
    void reset();  // restart the run with the edited scenario and the seed
    void set_seed(std::uint64_t seed);
    void set_speed(double ticks_per_second);
    double speed() const { return run_.speed; }
    // Sets a parameter by path: "/moments/<id or index>/positive", "/population/arrivals_per_tick",
    // "/influence/reviews", "/segments/0/shift", "speed", "seed" ... (docs/app.md lists them).
    // Invalid paths or values change nothing and return false with a message.
    bool set_param(const std::string& path, double value, bool by_learner = false);
    // Applies an edited copy of the scenario live (keeps the customers), or restarts when the
    // structure changed. Graph errors (a moment with no way out) reject the edit.
    // `by_learner`: the edit came from the app's own controls, so locked parameters are refused
    // and "param" events tell the host what the learner changed.
    bool apply_edit(const Scenario& edited, const std::string& what, bool by_learner = true);

    // ---- authoring (authoring.cpp) ------------------------------------------------------------
    // One edit command as JSON, checked by the loader's rules before it lands: an invalid edit
    // changes nothing and answers the loader's message. Every landed edit is one undo step.
    //   {"op": "new", "from": "blank" | "<shipped file, e.g. hotel.json>"}
    //   {"op": "add_moment", "name": "Checks out", "phase": "fmot" | 2, "after": "<id>"} -> {"id"}
    //   {"op": "remove_moment" | "select", "moment": "<id>"}
    //   {"op": "rename_moment", "moment": "<id>", "name": "..."}
    //   {"op": "move_moment", "moment": "<id>", "to": <index>}
    //   {"op": "set_phase", "moment": "<id>", "phase": "smot" | 4}
    //   {"op": "connect", "from": "<id>", "outcome": "positive|neutral|negative|all",
    //    "to": "<id>|done|lost", "weight": 1}
    //   {"op": "disconnect", "from": "<id>", "outcome": "...", "to": "<id>|done|lost"}
    //   {"op": "set_flag", "moment": "<id>", "flag": "purchase" | "reads_reviews", "value": true}
    //   {"op": "set_entry", "moment": "<id>"}
    //   {"op": "add_segment", "name": "...", "share": 0.3}  {"op": "remove_segment", "index": 1}
    //   {"op": "set_title", "title": "..."}  {"op": "set_description", "description": "..."}
    //   {"op": "set", "path": "/moments/<id>/positive", "value": 0.7}
    //   {"op": "undo"}  {"op": "redo"}  {"op": "revert"}
    // Answers {"ok": true, ...} or {"ok": false, "error": "/pointer: message"}.
    // `by_learner`: locked parameters stay locked (a lesson).
    std::string edit(const std::string& json, bool by_learner = false);
    bool undo();
    bool redo();
    bool can_undo() const;
    bool can_redo() const;
    // The scenario differs from the one last loaded (a shipped file, an opened file, a link).
    bool edited() const;
    void revert();  // back to the loaded scenario, as one undoable step

    // ---- guidance (guidance.cpp; the window: info_window.cpp) ----------------------------------
    // The Info window: the scenario, the moments of truth, how to use the app, things to try,
    // the shortcuts and the glossary (Help > Getting started, F1).
    void open_info();
    void close_info();
    bool info_open() const { return show_info_; }
    // Opens the Info window on the full page's first visit (Host storage "motsim.seen_info"); not
    // in a page that configured the app (an embed). draw() calls it on its first frame.
    void greet_first_visit();
    // Paused at tick 0 with nothing under way: the Run window and the map call for Play.
    bool waiting_for_play() const;
    // A finished run: Replay (the same seed from tick 0) or Run again (the next seed), playing.
    void replay();
    void run_again();
    // A short guided tour (from the Info window): Play, the map, a moment, the charts, Info again.
    // tour_step() is -1 when no tour runs; next_tour_step() past the last step ends it.
    void start_tour();
    void next_tour_step();
    void end_tour() { tour_step_ = -1; }
    int tour_step() const { return tour_step_; }

    // ---- embedding -------------------------------------------------------------------------
    // Panels, locked parameters, theme and lesson from JSON (see ui_config.h). False with a
    // message (and nothing changed) on a bad configuration.
    bool configure(const std::string& json);
    const UiConfig& ui() const { return ui_; }
    bool locked(const std::string& path) const { return path_locked(ui_.locked, path); }
    // Starts checking the current lesson step on a fresh run (capped like the live view, sliced
    // across frames); false if there is no step to check. When the run ends the host hears
    // "lesson_checked" ({"met", "step", "detail"}) and, when met, "lesson_step"/"lesson_done".
    bool check_lesson();
    // The same in this call (tests): true if the step was met.
    bool check_lesson_now();
    bool lesson_checking() const { return lesson_.check != nullptr; }
    int lesson_step() const { return lesson_.step; }
    std::string lesson_json() const;
    // The state a shareable link carries: scenario, seed, speed, selected moment.
    std::string share_json() const;
    bool load_share(const std::string& json);

    // ---- the lesson editor (authoring.cpp; the window: lesson_window.cpp) -----------------------
    // A trainer builds a lesson in the app: Lesson > Edit lesson... opens the draft (the
    // configured lesson, else a new one), the window edits its texts, steps and goals, the lock
    // mode puts a lock toggle beside each parameter, "Preview as learner" shows the draft as a
    // learner sees it, and the draft is saved as lesson.json or downloaded as an LMS package.
    void open_lesson_editor();
    void close_lesson_editor();
    bool lesson_editor_open() const { return editor_.open; }
    LessonDraft& lesson_draft() { return editor_.draft; }
    const Lesson& lesson_draft_lesson() const { return editor_.draft.lesson; }
    // The draft as lesson JSON (io::lesson_to_json), "null" when there is none.
    std::string lesson_draft_json() const;
    // Lock mode: while on (and the editor open), each parameter shows a lock toggle.
    void set_lock_mode(bool on) { editor_.lock_mode = on; }
    bool lock_mode() const { return editor_.open && editor_.lock_mode && !editor_.previewing; }
    // Locks or unlocks a parameter path in the draft; false if nothing changed.
    bool set_draft_locked(const std::string& path, bool on);
    // What io::check_lesson_for and the format's rules say about the draft on this scenario.
    const std::vector<io::Problem>& lesson_draft_problems();
    // Saves the draft through the host as lesson.json (a download in a browser).
    bool save_lesson();
    // A lesson file (the Open path: JSON with "steps" and no "moments"): into the editor's draft
    // when the editor is open, else it runs as the page's lesson (its locked and panels applied
    // as if configured) and becomes the draft. A bad file changes nothing and shows its problems
    // with their JSON pointers.
    bool load_lesson_text(const std::string& text, const std::string& origin);
    // Preview as learner: the draft's lesson, locks and panels applied to a fresh run of the
    // trainer's scenario; end_preview() gives back the trainer's scenario, history and panels.
    bool start_preview();
    void end_preview();
    bool previewing() const { return editor_.previewing; }
    // The generated files of an LMS package ("scorm12", "scorm2004", "cmi5") of the draft (or
    // the configured lesson) on the lesson's base scenario: io::package_files_json's answer.
    std::string package_files_json(const std::string& format) const;
    // The download button: in a browser the page zips the files ("package" event); natively the
    // lesson and the scenario are saved and the command line that packages them is shown.
    bool download_package(const std::string& format);

    // ---- the frame -------------------------------------------------------------------------
    void update(double dt_seconds);  // advances whole ticks at the chosen speed
    void draw();                     // all ImGui panels, between NewFrame and Render
    void handle_shortcuts();         // shortcuts.cpp: the keys of shortcuts.h, at the start of draw()
    void set_crowd_draw(CrowdDrawFn fn) { crowd_draw_ = fn; }
    const std::vector<CrowdInstance>& crowd() const { return crowd_.dots; }
    float crowd_radius() const { return crowd_.radius * line_scale(); }
    std::uint64_t crowd_version() const { return crowd_.version; }  // changes when the dots do
    void set_ui_scale(float s) { ui_scale_ = s; }
    // Reading: the text size (a factor of the normal 13 px, kTextSizes in the View menu) and the
    // presentation mode for a projector (bigger text, thicker lines and dots, higher contrast).
    // Both persist (Host::store) and are set from the View menu or motsim.set("text_size", 1.2),
    // motsim.set("presentation", 1). The platform rebuilds the font between frames when
    // font_scale() changes.
    void set_text_size(double factor);  // clamped to [0.75, 2]
    double text_size() const { return text_size_; }
    void set_presentation(bool on);
    bool presentation() const { return presentation_; }
    float font_scale() const { return static_cast<float>(text_size_) * (presentation_ ? 1.3f : 1.0f); }
    float line_scale() const { return presentation_ ? 1.7f : 1.0f; }  // edges, rings and dots

    // ---- engines ---------------------------------------------------------------------------
    void set_engine(Engine engine);
    Engine engine() const { return run_.engine; }
    bool finished() const { return run_.finished(); }
    int tick() const { return run_.tick(); }
    // What the panels show, from whichever engine runs (rebuilt every frame and on changes).
    const LiveView& view() const { return run_.view; }

    // ---- reading back ----------------------------------------------------------------------
    const Simulation& simulation() const { return *run_.sim; }
    const Analysis& analysis() const { return run_.analysis; }
    std::string state_json() const;  // metrics and status for the page and tests
    // For the page's DOM mirror (mirror_data.cpp): {"shipped": [{"file", "title"}], "series":
    // {"ticks", "columns", "rows"}}, the charts' per-tick series in about `rows` rows.
    std::string mirror_json(int rows) const;
    const std::vector<Message>& messages() const { return messages_; }
    std::string widget_rect_json(const std::string& name) const;
    int selected_moment() const { return selected_; }
    void select_moment(int m) { selected_ = m; }
    void watch_customer(std::uint32_t id);
    std::optional<std::uint32_t> watched_customer() const { return run_.watched; }
    std::vector<std::string> story() const;

    // Starts "replicate", "sweep" (the selected moment's positive odds) or "rank" with the
    // panel's settings; the charts switch to its tab. False if one is running.
    bool start_experiment(const std::string& kind);
    bool experiment_running() const { return experiments_.job != nullptr; }
    // Large populations: the scenario with its arrivals x 10^scale in the cohort engine, run in
    // slices across frames; large_population_summary() says what it found once it has ended.
    void start_large_population_run();
    bool large_population_running() const { return experiments_.large_run != nullptr; }
    const std::string& large_population_summary() const { return experiments_.cohort_summary; }

    // ---- compare and export (compare.cpp; the picture: menu_bar.cpp) ---------------------------
    // Pins the current run as a baseline ("Baseline: Hotel stay, seed 1, day 120"); the charts
    // draw it behind the current run and the Compare tab gives the differences. The run replaced
    // by a restart is kept too ("Run 2: ..."), up to CompareRoom's limits.
    void pin_baseline();
    void clear_baselines();
    const CompareRoom& compare() const { return compare_; }
    // A file name that says the scenario, the seed and what it is: "hotel-stay-seed1-sweep.csv".
    std::string export_name(const std::string& what, const std::string& extension) const;
    // Saves one export through the host under export_name(): "chart" (the chart tab on screen,
    // CSV), "results" (JSON), "series" (CSV), "analysis" (JSON), "replications_csv",
    // "replications_json", "sweep_csv", "sweep_json", "rank_csv", "rank_json". False (and a
    // message) when there is nothing to export yet.
    bool export_data(const std::string& what);
    // A PNG of the view: the next frame is drawn without the menu bar and tooltips, and the
    // platform captures it after it is drawn.
    void save_picture(const std::string& name);
    bool capturing_picture() const { return capturing_picture_; }

    // Persistence: the edited scenario survives a reload.
    void save_state();
    void restore_state();

private:
    // ---- the live run (app.cpp) --------------------------------------------------------------
    void restart();
    void refresh_analysis();
    void refresh_view();
    void start_cohort(int ticks);                     // a cohort run of edited_, advanced to `ticks`
    Scenario live_scenario(const Scenario& s) const;  // capped to kLiveCustomerCap customers
    void engine_step();                               // one tick of whichever engine runs, without refreshing the view
    // Long work in slices: each returns when done or when `until` has passed.
    void advance_work(std::chrono::steady_clock::time_point until);
    void advance_lesson_check(std::chrono::steady_clock::time_point until);
    void advance_story(std::chrono::steady_clock::time_point until) const;
    void start_work(Work kind, int target);  // the frames advance it; `reached` when done
    void end_work(bool cancelled);
    void advance_experiments();  // a slice of the running job each frame, never blocking
    void advance_large_run(std::chrono::steady_clock::time_point until);  // Large populations
    void cancel_experiments();
    void emit_tick_events();
    void note(const std::string& text, bool error);
    // ---- authoring (authoring.cpp) -----------------------------------------------------------
    // Puts `s` in place as the edited scenario: live when the structure allows, else a restart.
    // No checks and no history: apply_edit, undo and redo do those.
    void land_scenario(const Scenario& s, const std::vector<std::pair<std::string, double>>& changes, bool by_learner);
    // Records an edit in the history (merging a held slider's edits into one step).
    void record_step(const Scenario& before, const Scenario& after, const std::string& what);
    // Puts a loaded scenario in place (a shipped file, a file, a link, undo of a load).
    void install_loaded(const Scenario& s);
    // The first locked parameter an edit from `before` to `after` would change ("" if none); a
    // change of the journey's structure counts as locked when the lesson locks anything.
    std::string locked_change(const Scenario& before, const Scenario& after) const;
    // The authoring controls (authoring_window.cpp): the Scenario menu's journeys by title and
    // "New journey", the Edit menu, the Moment of truth window's name/phase/add/remove/move row,
    // the "Journey details" window (title, description, segments), routes drawn on the map by
    // dragging from a moment to another, and the question before unsaved edits are left.
    void draw_scenario_choices();
    void draw_edit_menu();
    void draw_authoring_controls();
    void draw_details_window();
    void draw_confirm_leave();
    void draw_route_drag(const JourneyLayout& layout, bool hovered);
    // Runs `action` at once, or after asking when the scenario has unsaved edits.
    void ask_before_leaving(const std::string& what, std::function<void()> action);
    // Sends an edit command from the app's own controls; a refusal is already a message.
    bool edit_from_ui(const std::string& json);
    // True (with a message and an "error" event) if `text` is longer than kMaxTextBytes.
    bool refuse_long_text(const std::string& text, const std::string& what);

    // ---- the windows, one file each, named after the window's title ---------------------------
    // draw() (windows.cpp) lists them; place_window() puts each in its place in the layout.
    enum class Window { Run, JourneyMap, Charts, Lesson, MomentOfTruth, CustomerStory, LessonEditor };
    void place_window(Window w);
    void draw_menu_bar();            // menu_bar.cpp
    void draw_run_window();          // run_window.cpp: "Run"
    void draw_journey_map_window();  // journey_map_window.cpp: "Journey map"
    void draw_charts_window();       // charts_window.cpp: "Charts"
    void draw_moment_window();       // moment_window.cpp: "Moment of truth"
    void draw_moment_editor(Moment& m, int index, Scenario& s, bool& changed);
    void draw_customer_story_window();  // customer_story_window.cpp: "Customer story"
    void draw_lesson_window();          // lesson_window.cpp: "Lesson"
    void draw_lesson_editor_window();   // lesson_window.cpp: "Lesson editor"
    void draw_preview_bar();            // lesson_window.cpp: "Back to editing" while previewing
    void draw_lesson_menu();            // lesson_window.cpp: the menu bar's Lesson menu
    // Lock mode's toggle for `path` (and `also`, locked with it), after the parameter's control.
    void lock_toggle(const std::string& path, const std::string& also = "");
    void draw_info_window();  // info_window.cpp: "Info" (Help menu, F1, first visit)
    void draw_start_hint();   // info_window.cpp: "Press Play" over the map at tick 0
    void on_host_page();      // guidance.cpp: configure() was called, so a host page runs us
    void draw_tour();         // info_window.cpp: the guided tour's step, beside its widget
    void draw_messages();     // windows.cpp: errors and notes over everything
    // The Charts window's experiment tabs (experiment_tabs.cpp).
    void draw_replications_tab(float height);
    void draw_sweep_tab(float height);
    void draw_rank_tab(float height);
    void draw_rank_by_profit(const RankResult& r);  // the rank tab's chart when ranked by profit
    void draw_cohort_tab(float height);
    void draw_compare_tab(float height);  // charts_window.cpp: the differences with the baselines
    // v2 (charts_window.cpp): the market's adoption beside the Bass curve; loyalty's retention.
    void draw_adoption_tab(float height);
    void draw_retention_tab(float height);
    void keep_run_for_comparison();  // compare.cpp: restart() keeps the run it replaces
    void begin_picture_frame();      // menu_bar.cpp: draw() calls these two around a frame
    void end_picture_frame();
    void update_crowd(const JourneyLayout& layout);
    // journey_map_window.cpp: a ring and "followed" around the followed customer's dot.
    void draw_followed_customer(ImDrawList* dl, const JourneyLayout& layout);
    void remember_rect(const std::string& name);  // the current window's rectangle
    void remember_item(const std::string& name);  // the last item's rectangle
    void remember_keyboard_focus();               // windows.cpp: "keyboard_window" and "focus"

    Host& host_;
    Scenario edited_;  // the scenario being edited (the run follows it live)
    // Bumped by every change of the scenario or the seed; results remember the version they
    // were computed for, so "stale" is one comparison instead of serialising every frame.
    std::uint64_t scenario_version_ = 0;
    LiveRun run_;
    ExperimentRoom experiments_;
    LessonRoom lesson_;
    LessonEditorRoom editor_;  // the lesson editor's draft, lock mode and preview
    EditHistory history_;
    // Authoring controls' state (authoring_window.cpp).
    bool show_details_ = false;  // the "Journey details" window is open
    struct LeaveQuestion {
        std::string what;  // "load Hotel stay"
        std::function<void()> action;
    };
    std::optional<LeaveQuestion> leave_question_;
    bool leave_popup_open_ = false;
    int route_from_ = -100;  // the moment a route is being drawn from (-100: none)
    int route_to_ = -100;    // where it was dropped: a moment, kDone or kLost
    std::string rename_text_;
    int rename_for_ = -1;  // the moment rename_text_ belongs to
    WindowLayout layout_;
    UiConfig ui_;
    Crowd crowd_;
    CrowdDrawFn crowd_draw_ = nullptr;
    std::vector<Message> messages_;
    double time_ = 0;   // seconds since start
    int selected_ = 0;  // the moment the editor shows
    float ui_scale_ = 1.0f;
    bool dirty_ = false;  // scenario edited since last save
    double saved_at_ = 0;
    char open_path_[512] = "assets/scenarios/hotel.json";
    std::string theme_applied_;
    bool show_info_ = false;         // the Info window is open
    bool info_by_greeting_ = false;  // ... opened by greet_first_visit, not by the learner
    bool greeted_ = false;           // the first visit was looked at
    bool host_page_ = false;         // a host page configured the app (an embed)
    int tour_step_ = -1;             // the guided tour's step (-1: none)
    double text_size_ = 1.0;         // reading: set_text_size, set_presentation
    bool presentation_ = false;
    float map_header_ = 0;  // the journey map's first node's height the crowd was built for
    // Where the followed customer is when the drawn sample left them out (found once per crowd).
    struct FollowedSpot {
        std::uint64_t crowd_version = 0;
        std::uint32_t id = 0;
        bool on_map = false;
        float x = 0, y = 0;
    } followed_spot_;
    CompareRoom compare_;           // baselines and earlier runs (compare.h)
    io::ChartTable chart_table_;    // the data of the chart tab on screen, for "Export chart data"
    std::string chart_table_what_;  // what it is, for the file name ("flow", "funnel")
    std::string picture_pending_;   // a PNG asked for: the next frame is drawn for it
    bool capturing_picture_ = false;
    int pictures_taken_ = 0;  // (state: "pictures") each drawn without the menu bar and tooltips
};

}  // namespace motsim::app
