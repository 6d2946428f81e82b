// Replications, sweeps and the ranking (see experiments.h for the contract).
#include "engine/experiments.h"

#include <algorithm>
#include <cmath>  // std::sqrt, std::floor: exactly rounded everywhere
#include <limits>
#include <mutex>
#include <thread>

#include "engine/analysis.h"
#include "engine/parameters.h"
#include "engine/random.h"
#include "engine/simulation.h"

namespace motsim {

// ==== Names ======================================================================================

const char* metric_name(Metric m) {
    static const char* names[kMetricCount] = {"arrivals", "purchases", "conversion", "done",     "lost",
                                              "nps",      "rating",    "referrals",  "advocates"};
    return names[static_cast<int>(m)];
}

const char* moment_metric_name(MomentMetric m) {
    static const char* names[kMomentMetricCount] = {"entered", "negative", "lost_after"};
    return names[static_cast<int>(m)];
}

const char* series_name(Series s) {
    static const char* names[kSeriesCount] = {"active", "purchases", "nps", "rating"};
    return names[static_cast<int>(s)];
}

// ==== Statistics ==================================================================================

double t_quantile_975(int df) {
    // Student's t, two-sided 95%: exact table to 30 degrees of freedom, then linear in 1/df
    // through 40, 60, 120 and the normal limit (the error of that is below 1e-3).
    static const double table[31] = {0,      12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646,
                                     2.3060, 2.2622,  2.2281, 2.2010, 2.1788, 2.1604, 2.1448, 2.1314,
                                     2.1199, 2.1098,  2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687,
                                     2.0639, 2.0595,  2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
    if (df < 1) return 0.0;
    if (df <= 30) return table[df];
    static const double knots_df[5] = {30, 40, 60, 120, 1e300};
    static const double knots_t[5] = {2.0423, 2.0211, 2.0003, 1.9799, 1.95996};
    const double x = 1.0 / df;
    for (int k = 0; k < 4; ++k) {
        const double x0 = 1.0 / knots_df[k], x1 = 1.0 / knots_df[k + 1];
        if (x <= x0 && x >= x1) return knots_t[k + 1] + (knots_t[k] - knots_t[k + 1]) * (x - x1) / (x0 - x1);
    }
    return 1.95996;
}

Interval mean_interval(const std::vector<double>& all) {
    // Undefined values (NaN: an NPS nobody was asked for) are left out; none defined: NaN.
    std::vector<double> values;
    values.reserve(all.size());
    for (double v : all)
        if (!std::isnan(v)) values.push_back(v);
    Interval r;
    r.n = static_cast<int>(values.size());
    if (r.n == 0) {
        if (!all.empty()) r.mean = r.lo = r.hi = std::numeric_limits<double>::quiet_NaN();
        return r;
    }
    double sum = 0.0;
    for (double v : values) sum += v;  // index order: the same bits whatever ran the runs
    r.mean = sum / r.n;
    double ss = 0.0;
    for (double v : values) ss += (v - r.mean) * (v - r.mean);
    r.sd = r.n > 1 ? std::sqrt(ss / (r.n - 1)) : 0.0;
    const double half = r.n > 1 ? t_quantile_975(r.n - 1) * r.sd / std::sqrt(static_cast<double>(r.n)) : 0.0;
    r.lo = r.mean - half;
    r.hi = r.mean + half;
    return r;
}

double percentile_sorted(const std::vector<double>& x, double q) {
    if (x.empty()) return 0.0;
    const double h = q * static_cast<double>(x.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    if (lo + 1 >= x.size()) return x.back();
    return x[lo] + (h - static_cast<double>(lo)) * (x[lo + 1] - x[lo]);
}

// ==== One run =====================================================================================

RunSummary summarize_run(const Simulation& sim) {
    RunSummary r;
    r.seed = sim.seed();
    const Totals& t = sim.totals();
    auto set = [&](Metric m, double v) { r.metrics[static_cast<std::size_t>(m)] = v; };
    const double arrivals = static_cast<double>(t.arrivals);
    set(Metric::Arrivals, arrivals);
    set(Metric::Purchases, static_cast<double>(t.purchases));
    set(Metric::Conversion, t.arrivals ? static_cast<double>(t.purchases) / arrivals : 0.0);
    set(Metric::Done, static_cast<double>(t.done));
    set(Metric::Lost, static_cast<double>(t.lost));
    set(Metric::Nps, t.nps());
    set(Metric::Rating, sim.rating());
    set(Metric::Referrals, static_cast<double>(t.referrals));
    set(Metric::Advocates, static_cast<double>(t.advocates));
    for (const MomentStats& m : sim.moments())
        r.moments.push_back(
            {static_cast<double>(m.entered), static_cast<double>(m.negative), static_cast<double>(m.lost_after)});
    for (auto& s : r.series) s.reserve(sim.series().size());
    for (const TickStats& ts : sim.series()) {
        r.series[static_cast<int>(Series::Active)].push_back(static_cast<double>(ts.active));
        r.series[static_cast<int>(Series::Purchases)].push_back(static_cast<double>(ts.purchases));
        r.series[static_cast<int>(Series::Nps)].push_back(ts.nps);
        r.series[static_cast<int>(Series::Rating)].push_back(ts.rating);
    }
    r.money = ledger_of(sim.scenario(), sim.totals(), sim.moments());
    return r;
}

RunSummary run_once(const Scenario& s, std::uint64_t seed) {
    Simulation sim(s, seed);
    sim.run_to_end();
    return summarize_run(sim);
}

// ==== Aggregation =================================================================================

namespace {

struct Aggregate {
    std::array<Interval, kMetricCount> metrics;
    std::vector<std::array<Interval, kMomentMetricCount>> moments;
};

template <typename It>
Aggregate aggregate_range(It first, It last, std::size_t moment_count) {
    Aggregate a;
    std::vector<double> v;
    for (int k = 0; k < kMetricCount; ++k) {
        v.clear();
        for (It it = first; it != last; ++it) v.push_back(it->metrics[static_cast<std::size_t>(k)]);
        a.metrics[static_cast<std::size_t>(k)] = mean_interval(v);
    }
    a.moments.resize(moment_count);
    for (std::size_t m = 0; m < moment_count; ++m)
        for (int k = 0; k < kMomentMetricCount; ++k) {
            v.clear();
            for (It it = first; it != last; ++it)
                v.push_back(m < it->moments.size() ? it->moments[m][static_cast<std::size_t>(k)] : 0.0);
            a.moments[m][static_cast<std::size_t>(k)] = mean_interval(v);
        }
    return a;
}

}  // namespace

namespace {
// Replications over runs [first, last), read in place (a job's slots are not copied: at 100,000
// ticks each run's series is megabytes).
template <typename It>
ReplicationResult aggregate_runs(It first, It last, std::size_t moment_count) {
    ReplicationResult r;
    r.runs = r.requested = static_cast<int>(last - first);
    Aggregate a = aggregate_range(first, last, moment_count);
    r.metrics = a.metrics;
    r.moments = std::move(a.moments);
    std::vector<double> v;
    for (int s = 0; s < kSeriesCount; ++s) {
        std::size_t ticks = 0;
        for (It it = first; it != last; ++it) ticks = std::max(ticks, it->series[static_cast<std::size_t>(s)].size());
        auto& bands = r.bands[static_cast<std::size_t>(s)];
        bands.resize(ticks);
        for (std::size_t t = 0; t < ticks; ++t) {
            v.clear();
            for (It it = first; it != last; ++it) {
                const RunSummary& run = *it;
                const auto& series = run.series[static_cast<std::size_t>(s)];
                if (t < series.size()) v.push_back(series[t]);
            }
            std::sort(v.begin(), v.end());
            bands[t] = {percentile_sorted(v, 0.025), percentile_sorted(v, 0.25), percentile_sorted(v, 0.5),
                        percentile_sorted(v, 0.75), percentile_sorted(v, 0.975)};
        }
    }
    // Each run's summary without its series (the bands above hold those, per tick).
    r.per_run.reserve(static_cast<std::size_t>(last - first));
    for (It it = first; it != last; ++it) {
        RunSummary copy;
        copy.seed = it->seed;
        copy.metrics = it->metrics;
        copy.moments = it->moments;
        copy.money = it->money;
        r.per_run.push_back(std::move(copy));
    }
    return r;
}
}  // namespace

ReplicationResult aggregate(const std::vector<RunSummary>& runs, std::size_t moment_count) {
    return aggregate_runs(runs.begin(), runs.end(), moment_count);
}

// ==== Running jobs ================================================================================

int resolve_threads(int requested) {
#ifdef __EMSCRIPTEN__
    (void)requested;
    return 1;  // no pthreads in this build: the browser gets chunks (ExperimentJob::step) instead
#else
    if (requested > 0) return std::min(requested, 256);
    const unsigned hw = std::thread::hardware_concurrency();
    return hw ? static_cast<int>(std::min(hw, 256u)) : 1;
#endif
}

void ExperimentJob::execute(int index) {
    const Task& t = tasks_[static_cast<std::size_t>(index)];
    slots_[static_cast<std::size_t>(index)] = run_once(variants_[static_cast<std::size_t>(t.variant)], t.seed);
    on_task_done(index);
}

int ExperimentJob::step_until(std::chrono::steady_clock::time_point until) {
    int ran = 0;
    do {
        if (finished()) break;
        if (!partial_) {
            const Task& t = tasks_[static_cast<std::size_t>(next_)];
            partial_ = std::make_unique<Simulation>(variants_[static_cast<std::size_t>(t.variant)], t.seed);
        }
        for (int k = 0; k < 8 && !partial_->finished(); ++k) partial_->step();  // the clock every 8 ticks
        if (partial_->finished()) {
            slots_[static_cast<std::size_t>(next_)] = summarize_run(*partial_);
            partial_.reset();
            on_task_done(next_);
            ++next_;
            ++ran;
        }
    } while (std::chrono::steady_clock::now() < until);
    return ran;
}

int ExperimentJob::step(int k) {
    partial_.reset();  // a run step_until began is run again whole (same seed, same result)
    int ran = 0;
    while (ran < k && next_ < total()) {
        execute(next_++);
        ++ran;
    }
    return ran;
}

int ExperimentJob::step_parallel(int k, int threads) {
    partial_.reset();
    const int end = std::min(total(), next_ + std::max(0, k));
    const int workers = std::min(resolve_threads(threads), end - next_);
    if (workers <= 1) return step(k);
    // Each run writes only its own slot, so the result is the same as step()'s.
    std::atomic<int> claim{next_};
    auto work = [&] {
        for (int i = claim.fetch_add(1); i < end; i = claim.fetch_add(1)) execute(i);
    };
    std::vector<std::thread> pool;
    for (int w = 1; w < workers; ++w) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
    const int ran = end - next_;
    next_ = end;
    return ran;
}

bool ExperimentJob::run(int threads, const ProgressFn& progress, std::atomic<bool>* cancel) {
    partial_.reset();
    const int n = total();
    const int workers = std::min(resolve_threads(threads), std::max(1, n - next_));
    // A task is claimed, then always finished: on cancel the done tasks stay a prefix, so a
    // cancelled job can be resumed with step() or run() and its result is well defined.
    std::atomic<int> claim{next_};
    std::atomic<int> done{next_};
    std::mutex report;
    auto work = [&] {
        for (;;) {
            if (cancel && cancel->load(std::memory_order_relaxed)) return;
            const int i = claim.fetch_add(1);
            if (i >= n) return;
            execute(i);
            const int d = done.fetch_add(1) + 1;
            if (progress) {
                std::lock_guard<std::mutex> lock(report);
                progress(d, n);
            }
        }
    };
    if (workers <= 1) {
        work();
    } else {
        std::vector<std::thread> pool;
        for (int w = 1; w < workers; ++w) pool.emplace_back(work);
        work();
        for (std::thread& t : pool) t.join();
    }
    next_ = std::min(claim.load(), n);
    return next_ >= n;
}

// ==== Replications ================================================================================

ReplicationJob::ReplicationJob(const Scenario& s, int runs, std::uint64_t master_seed) : master_(master_seed) {
    variants_.push_back(s);
    for (int i = 0; i < std::max(0, runs); ++i)
        tasks_.push_back({0, derive_seed(master_seed, static_cast<std::uint64_t>(i))});
    slots_.resize(tasks_.size());
}

ReplicationResult ReplicationJob::result() const {
    ReplicationResult r = aggregate_runs(slots_.begin(), slots_.begin() + next_, variants_[0].moments.size());
    r.requested = total();
    r.cancelled = !finished();
    r.master_seed = master_;
    return r;
}

ReplicationResult replicate(const Scenario& s, const ExperimentOptions& o) {
    ReplicationJob job(s, o.runs, o.master_seed);
    job.run(o.threads, o.progress, o.cancel);
    return job.result();
}

// ==== Sweeps ======================================================================================

std::vector<double> grid(double lo, double hi, int steps) {
    std::vector<double> v;
    if (steps <= 1) {
        v.push_back(lo);
        return v;
    }
    for (int i = 0; i < steps; ++i)  // lo + i * step, with the last point exactly hi
        v.push_back(i == steps - 1 ? hi : lo + (hi - lo) * i / (steps - 1));
    return v;
}

SweepJob::SweepJob(const Scenario& s, std::vector<SweepAxis> axes, int runs, std::uint64_t master_seed)
    : axes_(std::move(axes)), runs_(std::max(0, runs)) {
    if (axes_.empty() || axes_.size() > 2) {
        error_ = "a sweep needs one or two parameters";
        return;
    }
    for (const SweepAxis& a : axes_)
        if (a.values.empty()) {
            error_ = "no values for " + a.path;
            return;
        }
    const std::size_t n0 = axes_[0].values.size();
    const std::size_t n1 = axes_.size() > 1 ? axes_[1].values.size() : 1;
    for (std::size_t i = 0; i < n0; ++i)
        for (std::size_t j = 0; j < n1; ++j) {
            Scenario v = s;
            std::vector<double> values{axes_[0].values[i]};
            if (axes_.size() > 1) values.push_back(axes_[1].values[j]);
            for (std::size_t k = 0; k < values.size(); ++k)
                if (!set_parameter(v, axes_[k].path, values[k], error_)) {
                    variants_.clear();
                    tasks_.clear();
                    return;
                }
            // Points first, runs inside: a cancelled sweep has whole points at the front.
            const int variant = static_cast<int>(variants_.size());
            variants_.push_back(std::move(v));
            point_values_.push_back(std::move(values));
            for (int r = 0; r < runs_; ++r)
                tasks_.push_back({variant, derive_seed(master_seed, static_cast<std::uint64_t>(r))});
        }
    slots_.resize(tasks_.size());
}

SweepResult SweepJob::result() const {
    SweepResult out;
    out.axes = axes_;
    out.runs = runs_;
    out.cancelled = !finished();
    for (std::size_t p = 0; p < variants_.size(); ++p) {
        SweepPoint pt;
        pt.values = point_values_[p];
        const int first = static_cast<int>(p) * runs_;
        const int last = std::min(first + runs_, next_);
        pt.runs = std::max(0, last - first);
        const Aggregate a =
            aggregate_range(slots_.begin() + first, slots_.begin() + first + pt.runs, variants_[p].moments.size());
        pt.metrics = a.metrics;
        pt.moments = a.moments;
        out.points.push_back(std::move(pt));
    }
    return out;
}

SweepResult sweep(const Scenario& s, const std::vector<SweepAxis>& axes, const ExperimentOptions& o,
                  std::string& error) {
    SweepJob job(s, axes, o.runs, o.master_seed);
    if (!job.ok()) {
        error = job.error();
        return {};
    }
    job.run(o.threads, o.progress, o.cancel);
    return job.result();
}

// ==== Where to invest ==============================================================================

Scenario with_better_moment(const Scenario& s, int moment, double delta) {
    Scenario v = s;
    if (moment < 0 || static_cast<std::size_t>(moment) >= v.moments.size() || !(delta > 0.0)) return v;
    Moment& m = v.moments[static_cast<std::size_t>(moment)];
    const double gain = std::min(delta, 1.0 - m.positive);
    if (gain <= 0.0) return v;
    const double neutral = std::max(0.0, 1.0 - m.positive - m.negative);
    m.positive += gain;
    if (gain > neutral) m.negative = std::max(0.0, m.negative - (gain - neutral));
    if (m.positive + m.negative > 1.0) m.negative = 1.0 - m.positive;  // rounding dust
    return v;
}

namespace {
bool has_purchase(const Scenario& s) {
    for (const Moment& m : s.moments)
        if (m.purchase) return true;
    return false;
}
// The objective of one run, per arrival: purchases, or completions when nothing is bought
// (the same objective as the analysis's lift and removal effect).
double objective_per_arrival(const RunSummary& r, bool purchases) {
    const double a = r.metric(Metric::Arrivals);
    if (a <= 0.0) return 0.0;
    return (purchases ? r.metric(Metric::Purchases) : r.metric(Metric::Done)) / a;
}
// Completions count every time a customer reaches done (v2 loyalty: a returner again), as the
// simulation's Totals::done does; without loyalty they are P(done).
double exact_objective(const Analysis& a, bool purchases) {
    return purchases ? a.expected_purchases : a.expected_completions;
}
}  // namespace

const char* rank_by_name(RankBy by) { return by == RankBy::Profit ? "profit" : "purchases"; }

RankJob::RankJob(const Scenario& s, double delta, int runs, std::uint64_t master_seed, RankBy by)
    : delta_(delta), runs_(std::max(0, runs)), purchases_(has_purchase(s)), by_(by) {
    variants_.push_back(s);
    for (std::size_t m = 0; m < s.moments.size(); ++m) {
        const Moment& mo = s.moments[m];
        if (by == RankBy::Profit && !(mo.cost.improve > 0.0 && mo.positive < 1.0 && delta > 0.0)) continue;
        improved_.push_back(static_cast<int>(m));
        variants_.push_back(with_better_moment(s, static_cast<int>(m), delta));
    }
    // Run-major: after a cancel every variant has (nearly) the same runs, so pairs stay pairs.
    for (int r = 0; r < runs_; ++r)
        for (std::size_t v = 0; v < variants_.size(); ++v)
            tasks_.push_back({static_cast<int>(v), derive_seed(master_seed, static_cast<std::uint64_t>(r))});
    slots_.resize(tasks_.size());
    exact_objective_.assign(variants_.size(), std::numeric_limits<double>::quiet_NaN());
    exact_profit_.assign(variants_.size(), std::numeric_limits<double>::quiet_NaN());
    exact_done_.assign(variants_.size(), 0);
}

void RankJob::analyse_variant(std::size_t v) const {
    const Analysis a = analyze(variants_[v]);
    if (a.ok) {
        exact_objective_[v] = exact_objective(a, purchases_);
        exact_profit_[v] = exact_ledger(variants_[v], a).profit;
    }
    if (v == 0) base_exact_ = a;
    exact_done_[v] = 1;
}

void RankJob::on_task_done(int index) {
    const std::size_t v = static_cast<std::size_t>(tasks_[static_cast<std::size_t>(index)].variant);
    if (static_cast<std::size_t>(index) < variants_.size()) analyse_variant(v);  // run 0 of each variant
}

RankResult RankJob::result() const {
    RankResult out;
    out.objective = purchases_ ? "purchases" : "done";
    out.delta = delta_;
    out.by = by_;
    out.cancelled = !finished();
    const std::size_t nv = variants_.size();
    const int complete = static_cast<int>(static_cast<std::size_t>(next_) / nv);  // whole pairs only
    out.runs = complete;
    const Scenario& base = variants_[0];
    // The runs analysed every variant; a job without runs does it here. A cancelled job keeps
    // what it has (a variant not analysed yet shows no exact effect) rather than block.
    if (runs_ == 0)
        for (std::size_t v = 0; v < nv; ++v) analyse_variant(v);
    const Analysis& a = base_exact_;
    out.analysis_ok = a.ok;
    out.analysis_message = a.message;

    std::vector<double> v, money;
    for (int r = 0; r < complete; ++r) {
        const RunSummary& run = slots_[static_cast<std::size_t>(r) * nv];
        v.push_back(objective_per_arrival(run, purchases_));
        money.push_back(run.money.profit);
    }
    out.base = mean_interval(v);
    if (by_ == RankBy::Profit) {
        out.base_profit = mean_interval(money);
        if (a.ok && !std::isnan(exact_profit_[0])) out.exact_base_profit = exact_profit_[0];
    }
    for (std::size_t k = 0; k + 1 < nv; ++k) {
        const std::size_t m = static_cast<std::size_t>(improved_[k]);
        const Scenario& better = variants_[k + 1];
        RankEntry e;
        e.moment = static_cast<int>(m);
        e.id = base.moments[m].id;
        e.positive_before = base.moments[m].positive;
        e.positive_after = better.moments[m].positive;
        if (a.ok) {
            e.lift = a.lift[m];
            e.removal_effect = a.removal_effect[m];
            if (!std::isnan(exact_objective_[k + 1]))
                e.exact_effect = exact_objective_[k + 1] - exact_objective(a, purchases_);
        }
        // Common random numbers: run r of the variant used the seed of run r of the base.
        v.clear();
        for (int r = 0; r < complete; ++r) {
            const std::size_t row = static_cast<std::size_t>(r) * nv;
            v.push_back(objective_per_arrival(slots_[row + k + 1], purchases_) -
                        objective_per_arrival(slots_[row], purchases_));
        }
        e.effect = mean_interval(v);
        if (by_ == RankBy::Profit) {
            e.improve_cost = improvement_cost(base, static_cast<int>(m), e.positive_after - e.positive_before);
            std::vector<double> gain, per;
            for (int r = 0; r < complete; ++r) {
                const std::size_t row = static_cast<std::size_t>(r) * nv;
                const double g = slots_[row + k + 1].money.profit - slots_[row].money.profit;
                gain.push_back(g);
                per.push_back(e.improve_cost > 0.0 ? g / e.improve_cost : 0.0);
            }
            e.profit_gain = mean_interval(gain);
            e.profit_per_cost = mean_interval(per);
            if (a.ok && !std::isnan(exact_profit_[k + 1]) && !std::isnan(exact_profit_[0]))
                e.exact_profit_gain = exact_profit_[k + 1] - exact_profit_[0];
        }
        out.entries.push_back(std::move(e));
    }
    if (by_ == RankBy::Profit)
        std::stable_sort(out.entries.begin(), out.entries.end(), [](const RankEntry& x, const RankEntry& y) {
            return x.profit_per_cost.mean > y.profit_per_cost.mean;
        });
    else
        std::stable_sort(out.entries.begin(), out.entries.end(),
                         [](const RankEntry& x, const RankEntry& y) { return x.effect.mean > y.effect.mean; });
    return out;
}

RankResult rank(const Scenario& s, double delta, const ExperimentOptions& o, RankBy by) {
    RankJob job(s, delta, o.runs, o.master_seed, by);
    job.run(o.threads, o.progress, o.cancel);
    return job.result();
}

}  // namespace motsim
