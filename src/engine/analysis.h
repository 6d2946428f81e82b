// The exact analysis of model.md: with beta = gamma = 0 and no referrals the journey is an
// absorbing Markov chain. No sampling, no randomness.
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
    double expected_ticks = 0.0;          // time in the journey per arriving customer
    std::vector<double> removal_effect;   // per moment
    std::vector<double> lift;             // per moment: d E[purchases] / d p+(m)
    // Exact per-moment outcome probabilities averaged over segments, and P(lost right after).
    // Counts per arriving customer (visits * probability). Positive INCLUDES magic: magic is
    // the subset of positive outcomes with something extra, as the simulation counts them.
    std::vector<double> expected_positive, expected_neutral, expected_negative, expected_magic;
    std::vector<double> expected_lost_after;  // per moment: customers lost right after it
    bool ignores_feedback = false;            // scenario has influence or referrals the chain ignores
    bool ok = true;                           // false if the chain is singular (a closed loop)
    std::string message;
};

Analysis analyze(const Scenario& s);

}  // namespace motsim
