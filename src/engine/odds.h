// The odds of model.md for one customer at one moment. Shared by the simulation and the exact
// analysis so the two cannot drift apart.
#pragma once
#include "engine/fmath.h"

namespace motsim {

struct Odds {
    double positive, neutral, negative;
};

// Logit of a base probability, cached per moment; p = 0 or 1 are handled by odds_shifted.
inline double safe_logit(double p) { return (p > 0.0 && p < 1.0) ? fmath::logit(p) : 0.0; }

// z = shift_segment + beta * s + gamma * (2R - 1) (the gamma term only where reviews are read).
// z+ = logit(p+) + z, z- = logit(p-) - z; p = 0 or 1 stays exact; with z = 0 the base
// probabilities come back exactly; if p+' + p-' > 1 both are divided by their sum.
inline Odds odds_shifted(double p_pos, double p_neg, double logit_pos, double logit_neg, double z) {
    double pp = p_pos, pn = p_neg;
    if (z != 0.0) {
        if (pp > 0.0 && pp < 1.0) pp = fmath::sigmoid(logit_pos + z);
        if (pn > 0.0 && pn < 1.0) pn = fmath::sigmoid(logit_neg - z);
        const double sum = pp + pn;
        if (sum > 1.0) {
            pp /= sum;
            pn /= sum;
        }
    }
    double p0 = 1.0 - pp - pn;
    if (p0 < 0.0) p0 = 0.0;
    return {pp, p0, pn};
}

}  // namespace motsim
