// The exact analysis of model.md: with beta = gamma = 0 and no referrals the journey is an
// absorbing Markov chain. No sampling, no randomness.
//
// v2 loyalty is part of the chain (model.md "Analysis with v2"): reaching `done` leads back to
// loyalty.return_to with probability loyalty.base, so `done` is left with that outflow and the
// chain's exits are `lost` and "done without coming back". Every per-customer number below is
// then over a customer's LIFETIME (all its comebacks): visits, purchases, outcomes, ticks,
// removal effect and lift. Over an unbounded horizon that is finite when base x P(done | a
// journey starting at return_to) < 1; when it is not (base = 1 and nobody who comes back is ever
// lost, or so nearly that the chain is singular) `lifetime_bounded` is false, the message says
// "unbounded", and the numbers are those of ONE journey without returns (no inf or NaN).
// The agent engine agrees with these when its run is long enough for the returns to die out.
//
// Where v2 (or v1's feedback) breaks the chain, `ignores` lists in plain words what the analysis
// leaves out and how it stands in for it: impression carry-over (beta), reviews feedback
// (gamma), referrals, the market, impression-dependent returns (taken at base, as at s = 0).
#pragma once
#include <string>
#include <vector>

#include "engine/odds.h"
#include "engine/scenario.h"

namespace motsim {

struct Analysis {
    double done = 0.0;                    // P(absorbed in done) per arriving customer
    double lost = 0.0;                    // P(absorbed in lost)
    std::vector<double> expected_visits;  // per moment, per arriving customer
    double expected_purchases = 0.0;      // per arriving customer
    double expected_ticks = 0.0;          // time in the journey per arriving customer (loyalty: waits excluded)
    std::vector<double> removal_effect;   // per moment
    std::vector<double> lift;             // per moment: d E[purchases] / d p+(m)
    // Exact per-moment outcome probabilities averaged over segments, and P(lost right after).
    // Counts per arriving customer (visits * probability). Positive INCLUDES magic: magic is
    // the subset of positive outcomes with something extra, as the simulation counts them.
    std::vector<double> expected_positive, expected_neutral, expected_negative, expected_magic;
    std::vector<double> expected_lost_after;  // per moment: customers lost right after it
    bool ignores_feedback = false;            // scenario has influence or referrals the chain ignores
    // What the chain leaves out (empty when it describes the run completely): one sentence each.
    std::vector<std::string> ignores;
    // v2 loyalty (see the top). loyalty: returns are in the chain (enabled, base > 0, a
    // return_to moment); then done is P(leaving for good after done), lost + done = 1.
    bool loyalty = false;
    bool lifetime_bounded = true;       // false: comebacks never end (numbers are one journey's)
    double expected_completions = 0.0;  // times a customer reaches done (= done without loyalty)
    double expected_returns = 0.0;      // comebacks per customer (base x completions)
    bool ok = true;                     // false if the chain is singular (a closed loop)
    std::string message;
};

Analysis analyze(const Scenario& s);

}  // namespace motsim
