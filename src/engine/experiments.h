// Experiments on top of the agent engine: replications (mean and 95% interval of every metric,
// per-tick bands), sweeps over one or two parameters, and "where to invest" (rank).
//
// Reproducible whatever the thread count: run i of an experiment uses seed
// derive_seed(master, i) and writes its own slot; everything is aggregated in index order
// after the runs, so 1, 2 or 16 threads give the same bits. Sweeps and the ranking reuse the
// same seeds at every grid point and variant (common random numbers): differences between
// points are then mostly the parameter's doing, not the dice's.
//
// Three ways to run the same job:
//   - replicate() / sweep() / rank(): all at once, std::thread natively (one thread under
//     Emscripten), with a progress callback and a cancel flag;
//   - job.run(threads, progress, cancel): the same on a job object you keep;
//   - job.step(k): k runs on the calling thread and return, so the browser can spread an
//     experiment over frames (call it once per frame until finished(), then result()).
#pragma once
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/analysis.h"
#include "engine/money.h"
#include "engine/scenario.h"
#include "engine/simulation.h"

namespace motsim {

class Simulation;

// ==== What is measured ==========================================================================

// Totals of one run. Conversion = purchases / arrivals; nps and rating at the end of the run.
enum class Metric : int { Arrivals, Purchases, Conversion, Done, Lost, Nps, Rating, Referrals, Advocates };
inline constexpr int kMetricCount = 9;
const char* metric_name(Metric m);  // "arrivals", "purchases", ...

// Per moment.
enum class MomentMetric : int { Entered, Negative, LostAfter };
inline constexpr int kMomentMetricCount = 3;
const char* moment_metric_name(MomentMetric m);  // "entered", "negative", "lost_after"

// Per-tick series that get bands.
enum class Series : int { Active, Purchases, Nps, Rating };
inline constexpr int kSeriesCount = 4;
const char* series_name(Series s);  // "active", "purchases", "nps", "rating"

// ==== Statistics ==================================================================================

// Mean with a 95% confidence interval (Student t for small n, from a table; no libm).
struct Interval {
    double mean = 0.0, lo = 0.0, hi = 0.0;
    double sd = 0.0;  // sample standard deviation of the values
    int n = 0;
    double half_width() const { return 0.5 * (hi - lo); }
    bool contains(double x) const { return lo <= x && x <= hi; }
};
Interval mean_interval(const std::vector<double>& values);
// The 97.5% quantile of Student's t with df degrees of freedom (df >= 1; 1.96 in the limit).
double t_quantile_975(int df);
// Percentile q in [0, 1] of sorted values, linear between order statistics.
double percentile_sorted(const std::vector<double>& sorted, double q);

// Per-tick distribution over runs: the middle 50% and 95% of runs and the median.
struct Band {
    double p2_5 = 0, p25 = 0, median = 0, p75 = 0, p97_5 = 0;
};

// ==== One run =====================================================================================

struct RunSummary {
    std::uint64_t seed = 0;
    std::array<double, kMetricCount> metrics{};
    std::vector<std::array<double, kMomentMetricCount>> moments;
    std::array<std::vector<double>, kSeriesCount> series;  // one value per tick
    Ledger money;                                          // v2: revenue, cost, profit of the run
    double metric(Metric m) const { return metrics[static_cast<std::size_t>(m)]; }
};
RunSummary summarize_run(const Simulation& sim);
RunSummary run_once(const Scenario& s, std::uint64_t seed);  // run to the end and summarize

// ==== Replications ================================================================================

struct ReplicationResult {
    int runs = 0;  // completed runs (fewer than requested when cancelled)
    int requested = 0;
    bool cancelled = false;
    std::uint64_t master_seed = 0;
    std::array<Interval, kMetricCount> metrics;
    std::vector<std::array<Interval, kMomentMetricCount>> moments;
    std::array<std::vector<Band>, kSeriesCount> bands;  // per tick
    std::vector<RunSummary> per_run;                    // in index order, without series
    const Interval& metric(Metric m) const { return metrics[static_cast<std::size_t>(m)]; }
};
// Aggregates runs in the order given.
ReplicationResult aggregate(const std::vector<RunSummary>& runs, std::size_t moment_count);

// progress(completed, total). Called from worker threads, one call at a time (serialised by
// the job), with `completed` increasing; keep it cheap (store the numbers, draw them later).
using ProgressFn = std::function<void(int completed, int total)>;

struct ExperimentOptions {
    int runs = 20;
    std::uint64_t master_seed = 1;
    int threads = 0;                      // 0: hardware concurrency; always 1 in WebAssembly
    ProgressFn progress;                  // optional
    std::atomic<bool>* cancel = nullptr;  // optional: set it to true to stop after current runs
};
int resolve_threads(int requested);

// The runs of an experiment as tasks (a scenario variant and a seed), done in index order.
class ExperimentJob {
public:
    virtual ~ExperimentJob() = default;
    int total() const { return static_cast<int>(tasks_.size()); }
    int completed() const { return next_; }
    bool finished() const { return next_ >= total(); }
    double progress() const { return tasks_.empty() ? 1.0 : static_cast<double>(next_) / total(); }
    // Runs up to k more tasks on the calling thread; returns how many ran.
    int step(int k);
    // The next k runs spread over `threads` threads (0: all cores; 1 in WebAssembly), returning
    // when they are done: the app's native frame loop uses every core in short slices.
    int step_parallel(int k, int threads = 0);
    // Advances the job a few ticks at a time until `until` has passed (at least one tick), on
    // the calling thread: a run longer than a frame is spread over several calls, so a page's
    // frame never waits for a whole run. The same results as step().
    int step_until(std::chrono::steady_clock::time_point until);
    // Runs every remaining task on `threads` threads (0: hardware); false if cancelled.
    bool run(int threads = 0, const ProgressFn& progress = {}, std::atomic<bool>* cancel = nullptr);

protected:
    struct Task {
        int variant;
        std::uint64_t seed;
    };
    // Runs task `index` into its slot, then on_task_done(index).
    void execute(int index);
    // What a derived job does besides the run when task `index` is done (e.g. an analysis).
    virtual void on_task_done(int index) { (void)index; }
    std::vector<Scenario> variants_;
    std::vector<Task> tasks_;
    std::vector<RunSummary> slots_;
    int next_ = 0;                         // tasks [0, next_) are done
    std::unique_ptr<Simulation> partial_;  // task next_ under way in step_until
};

class ReplicationJob : public ExperimentJob {
public:
    ReplicationJob(const Scenario& s, int runs, std::uint64_t master_seed);
    ReplicationResult result() const;  // over the completed runs

private:
    std::uint64_t master_ = 0;
};

ReplicationResult replicate(const Scenario& s, const ExperimentOptions& options);

// ==== Sweeps ======================================================================================

struct SweepAxis {
    std::string path;            // a parameter path (engine/parameters.h)
    std::vector<double> values;  // grid
};
// `steps` evenly spaced values from lo to hi inclusive (steps >= 2; one value when steps == 1).
std::vector<double> grid(double lo, double hi, int steps);

struct SweepPoint {
    std::vector<double> values;  // one per axis
    int runs = 0;
    std::array<Interval, kMetricCount> metrics;
    std::vector<std::array<Interval, kMomentMetricCount>> moments;
    const Interval& metric(Metric m) const { return metrics[static_cast<std::size_t>(m)]; }
};
struct SweepResult {
    std::vector<SweepAxis> axes;
    std::vector<SweepPoint> points;  // first axis outer: points[i * values2 + j]
    int runs = 0;                    // per point, requested
    bool cancelled = false;
};

class SweepJob : public ExperimentJob {
public:
    // Every grid point is checked up front: a value out of range makes ok() false.
    SweepJob(const Scenario& s, std::vector<SweepAxis> axes, int runs, std::uint64_t master_seed);
    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    SweepResult result() const;

private:
    std::vector<SweepAxis> axes_;
    std::vector<std::vector<double>> point_values_;
    int runs_ = 0;
    std::string error_;
};

// On a bad axis returns an empty result and says why in `error`.
SweepResult sweep(const Scenario& s, const std::vector<SweepAxis>& axes, const ExperimentOptions& options,
                  std::string& error);

// ==== Where to invest ==============================================================================

// The scenario with moment m's positive odds raised by delta (capped at 1), the gain taken
// from the neutral outcome first, then from the negative one.
Scenario with_better_moment(const Scenario& s, int moment, double delta);

// What the ranking ranks by.
//   Purchases: the objective per arriving customer (purchases, or completions without a
//              purchase moment); every moment is a candidate. (v1; the default.)
//   Profit:    v2 money: profit gained per unit of improvement cost. Only moments with
//              cost.improve > 0 (and room to improve) are candidates; each is raised by delta
//              like the other, and for every paired run r
//                  gain_r = profit_r(improved) - profit_r(as it is)      (the whole run's profit)
//                  per_cost_r = gain_r / improvement_cost,  improvement_cost = cost.improve x
//                                                          (p+ gained / 0.01)
//              ranked by the mean of per_cost_r with its 95% interval (same seeds: paired).
enum class RankBy : int { Purchases = 0, Profit = 1 };
const char* rank_by_name(RankBy by);  // "purchases", "profit"

struct RankEntry {
    int moment = 0;
    std::string id;
    double lift = 0.0;            // exact, analyze(): d objective / d p+
    double removal_effect = 0.0;  // exact, analyze()
    double exact_effect = 0.0;    // exact objective of the improved scenario minus the base
    double positive_before = 0.0, positive_after = 0.0;
    Interval effect;  // simulated: mean paired difference of the objective per arrival, 95% CI
    // RankBy::Profit only (else 0): see RankBy.
    double improve_cost = 0.0;       // what this step costs: cost.improve x (p+ gained / 0.01)
    Interval profit_gain;            // simulated: paired difference of the run's profit
    Interval profit_per_cost;        // profit_gain per unit of improve_cost: the ranking key
    double exact_profit_gain = 0.0;  // exact: profit per arriving customer gained (analysis)
};
struct RankResult {
    std::string objective;  // "purchases" (per arrival) or "done" (per arrival, no purchase moment)
    double delta = 0.0;
    int runs = 0;                    // completed paired runs
    Interval base;                   // the objective per arrival of the scenario as it is
    std::vector<RankEntry> entries;  // sorted by simulated effect (Profit: per cost), largest first
    RankBy by = RankBy::Purchases;
    Interval base_profit;            // Profit: the run's profit of the scenario as it is
    double exact_base_profit = 0.0;  // Profit: exact profit per arriving customer (analysis)
    bool analysis_ok = true;
    std::string analysis_message;
    bool cancelled = false;
};

class RankJob : public ExperimentJob {
public:
    // by = Profit: only moments with cost.improve > 0 and p+ < 1 are variants (none: no entries).
    RankJob(const Scenario& s, double delta, int runs, std::uint64_t master_seed, RankBy by = RankBy::Purchases);
    RankResult result() const;

private:
    // The first run of each variant also analyses it exactly, so the analyses (up to a few
    // tens of milliseconds each for the largest journeys) are spread over the job's slices
    // instead of all landing in result().
    void on_task_done(int index) override;
    void analyse_variant(std::size_t v) const;
    double delta_ = 0.0;
    int runs_ = 0;
    bool purchases_ = true;
    RankBy by_ = RankBy::Purchases;
    std::vector<int> improved_;                    // per variant 1.. : the moment it improves
    mutable std::vector<double> exact_profit_;     // each variant's exact profit per customer
    mutable Analysis base_exact_;                  // variant 0's analysis
    mutable std::vector<double> exact_objective_;  // each variant's exact objective (NaN: none)
    mutable std::vector<char> exact_done_;         // analysed yet (each task writes its own)
};

RankResult rank(const Scenario& s, double delta, const ExperimentOptions& options, RankBy by = RankBy::Purchases);

}  // namespace motsim
