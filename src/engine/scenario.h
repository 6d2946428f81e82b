// The scenario: everything that describes a journey, as plain data.
// The engine never reads files; src/io turns JSON into this and back.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace motsim {

// How a moment ends for one customer. Magic is a positive outcome with "something extra".
enum class Outcome : std::uint8_t { Positive = 0, Neutral = 1, Negative = 2, Magic = 3 };
inline constexpr int kOutcomeCount = 4;
inline const char* outcome_name(Outcome o) {
    switch (o) {
        case Outcome::Positive:
            return "positive";
        case Outcome::Neutral:
            return "neutral";
        case Outcome::Negative:
            return "negative";
        case Outcome::Magic:
            return "magic";
    }
    return "?";
}

// Route targets: a moment index (>= 0) or one of the two terminals.
inline constexpr int kLost = -1;
inline constexpr int kDone = -2;

// A weighted choice of targets. Weights are positive; they need not sum to 1.
struct Route {
    std::vector<int> targets;
    std::vector<double> weights;
};

struct Cause {
    std::string name;
    double weight = 1.0;
};

// The seeds' seven deadly sins of customer service: the default causes of a negative outcome.
std::vector<Cause> default_causes();

// The six phases of the moments-of-truth taxonomy, in order.
std::vector<std::string> default_phases();

// v2 money: what one visit of a moment costs, the extra cost of a moment of magic, and the cost
// of raising its positive probability by 0.01 (for "where to invest" by profit).
struct MomentCost {
    double visit = 0.0, magic = 0.0, improve = 0.0;
};

struct Moment {
    std::string id;
    std::string name;       // defaults to id
    int phase = 0;          // index into Scenario::phases
    double positive = 0.0;  // base probability p+
    double negative = 0.0;  // base probability p-
    double magic = 0.0;     // P(magic | positive)
    int dwell_min = 1;      // ticks spent here, uniform in [dwell_min, dwell_max]
    int dwell_max = 1;
    // Impression change per outcome, indexed by Outcome.
    std::array<double, kOutcomeCount> impact{0.2, 0.0, -0.3, 0.5};
    bool reads_reviews = false;  // odds use the public rating through gamma
    bool purchase = false;       // positive or neutral finish records a purchase
    double review = 0.0;         // P(a finishing customer posts a review) (v1: everyone alike)
    // v2: P(review) by the NPS group of the impression after the impact, indexed by NpsGroup
    // order {detractor, passive, promoter}; when !review_by_group all three are `review`.
    bool review_by_group = false;
    std::array<double, 3> review_group{0.0, 0.0, 0.0};
    MomentCost cost;  // v2 money
    // Routes for positive, neutral, negative (magic routes as positive).
    std::array<Route, 3> next;
    std::vector<Cause> causes;  // of negative outcomes
};

struct Segment {
    std::string name = "everyone";
    double share = 1.0;
    double shift = 0.0;  // log-odds shift towards positive
    double initial_impression = 0.0;
};

// v2 loyalty: a customer who reaches done with impression s comes back with probability
// sigmoid(logit(base) + impression * s), after a delay uniform in [after_min, after_max]
// ticks, into return_to (weighted moments), keeping impression, segment and purchases.
struct Loyalty {
    bool enabled = false;
    Route return_to;
    int after_min = 30, after_max = 30;
    double base = 0.0;
    double impression = 0.0;
};

// v2 market (Bass): a finite population of `size`; each tick the people who never came arrive
// with probability h = clamp(p + q A / M - r D / M, 0, 1) (A advocates, D critics so far).
struct Market {
    bool enabled = false;
    std::int64_t size = 0;
    double advertising = 0.0;    // p
    double word_of_mouth = 0.0;  // q
    double negative = 0.0;       // r
};

// v2 NPS: who is asked. Buyers: customers with a purchase; Finished: those who reached done;
// Everyone: v1's definition (every customer who left).
enum class NpsAsked : std::uint8_t { Buyers = 0, Finished = 1, Everyone = 2 };
inline const char* nps_asked_name(NpsAsked a) {
    return a == NpsAsked::Buyers ? "buyers" : a == NpsAsked::Finished ? "finished" : "everyone";
}

// v2 money: revenue per purchase (costs are per moment).
struct Money {
    bool enabled = false;
    std::string currency = "EUR";
    double revenue = 0.0;
};

struct Scenario {
    int format = 1;
    std::string name = "Untitled journey";
    std::string description;
    std::string time_unit = "day";
    int ticks = 180;
    std::uint64_t seed = 1;

    // population
    std::int64_t initial = 0;
    double arrivals_per_tick = 50.0;
    std::int64_t max_customers = 100000;

    // influence
    double beta = 0.0;   // impression carry-over into the odds
    double gamma = 0.0;  // weight of the public rating at moments that read reviews

    // reviews
    double review_prior = 5.0;
    double review_half_life = 0.0;  // ticks; 0 = no decay

    // word of mouth
    double advocate_threshold = 0.5;
    double referral_rate = 0.0;
    int referral_ticks = 30;
    double referral_boost = 0.1;
    double critic_threshold = -0.5;  // v2: who counts as a critic for the market

    // v2 blocks (all optional; disabled they change nothing)
    Loyalty loyalty;
    Market market;
    NpsAsked nps_asked = NpsAsked::Buyers;
    Money money;

    std::vector<Segment> segments{Segment{}};
    std::vector<std::string> phases = default_phases();
    Route entry;  // defaults to the first moment
    std::vector<Moment> moments;

    int find_moment(const std::string& id) const {
        for (std::size_t i = 0; i < moments.size(); ++i)
            if (moments[i].id == id) return static_cast<int>(i);
        return -1;
    }
    // True when the exact analysis describes the run completely (no feedback loops).
    // (v2: loyalty whose returns depend on the impression, and the market, break the chain.)
    bool memoryless() const {
        return beta == 0.0 && gamma == 0.0 && referral_rate == 0.0 && !market.enabled &&
               !(loyalty.enabled && loyalty.impression != 0.0);
    }
};

}  // namespace motsim
