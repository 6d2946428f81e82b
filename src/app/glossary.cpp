// The glossary's table (see glossary.h). Plain sentences for a trainer, from docs/model.md and
// the domain texts; a test checks that every term a window asks for is here.
#include "app/glossary.h"

#include <cctype>

namespace motsim::app {

namespace {

// Journey words first, then the odds, the customer, the influences, the results and the engines.
constexpr GlossaryEntry kGlossary[] = {
    // ---- the journey ----
    {"moment of truth",
     "Any moment when a customer meets your brand, product or service and forms or changes an impression of it: "
     "an ad, a review, the shelf, a check-in, a support call."},
    {"phase",
     "A column of the journey map: a step of the moments-of-truth cycle (stimulus, ZMOT, FMOT, AMOT, SMOT, UMOT). "
     "A phase holds one or more moments."},
    {"stimulus",
     "The less-than-zero moment: something prompts a need (an ad, a friend's story, a car wreck) and the journey "
     "begins."},
    {"ZMOT",
     "The zero moment of truth (Google's name): before buying, the customer searches and reads reviews and ratings "
     "written by earlier customers."},
    {"FMOT",
     "The first moment of truth (P&G's A.G. Lafley): the first encounter with the product or service, at the shelf, "
     "on the phone or at the desk, decided in the first 3 to 7 seconds."},
    {"AMOT",
     "The actual moment: the purchase itself and the wait until the customer receives it (the booking, paying, the "
     "days before arrival), also called the interim moment."},
    {"SMOT",
     "The second moment of truth: using the product or service (the stay, the flight, the claim). It decides what the "
     "customer thinks and tells others."},
    {"UMOT",
     "The ultimate (third) moment of truth: the customer shares the experience in reviews, ratings and word of mouth, "
     "which become the next customers' ZMOT."},
    {"entry", "Where new customers join the journey: one moment, or a weighted choice of moments."},
    {"route",
     "Where a customer goes after each outcome: the next moment, back to an earlier one (a loop, such as service "
     "recovery), done or lost, chosen by weight."},
    {"done", "The customer completed the journey. Those who finish with a high enough impression become advocates."},
    {"lost",
     "The customer walked away. 'Why customers left' in the Charts shows the causes, the seven deadly sins of "
     "customer service."},
    {"causes",
     "Why a negative outcome happened: one of the seven deadly sins of customer service (detachment, inhospitality, "
     "rudeness, attitude, ignorance, inaccessibility, invalidation), drawn by the moment's weights."},
    {"purchase",
     "A moment marked as a purchase counts one for every positive or neutral outcome there (again on every visit in a "
     "loop)."},
    {"dwell",
     "How long a customer stays at a moment, in the scenario's time unit (days, hours). A range means a random time "
     "between the two."},
    // ---- outcomes and odds ----
    {"p+",
     "The chance of a positive outcome at this moment, before the customer's segment, impression and the reviews tilt "
     "it."},
    {"p-", "The chance of a negative outcome at this moment. What is left (1 - p+ - p-) is a neutral outcome."},
    {"odds",
     "p+ against p-, as a bookmaker says it: odds 3:1 means a positive outcome is three times as likely as a negative "
     "one. Shifts and influences are added to the log-odds."},
    {"magic",
     "A moment of magic: a positive outcome with something extra at no extra cost (a personal touch, an upgrade). It "
     "lifts the impression much more. The setting is the share of positive outcomes that are magic."},
    {"impact",
     "How much each outcome moves the customer's impression: routine positives a little, failures and magic a lot. "
     "Impressions stay between -1 and +1."},
    // ---- the customer ----
    {"impression",
     "What a customer thinks of you so far, from -1 (very negative) to +1 (very positive): the colour of their dot. "
     "Every outcome moves it; at the end it decides the NPS score, a review's sign and who becomes an advocate."},
    {"segment",
     "A type of customer (the perfect customer, the difficult customer...) with a share of the arrivals, a shift of "
     "the odds and a starting impression."},
    {"share", "The part of the new customers that belongs to this segment, relative to the other segments."},
    {"shift",
     "A segment's log-odds shift: above 0 this type of customer has better odds at every moment (the perfect "
     "customer), below 0 worse ones (the difficult customer)."},
    // ---- influences and word of mouth ----
    {"beta",
     "Impression carry-over (influence.impression): how much a customer's impression so far tilts the odds of every "
     "later moment. At 0 each moment is judged on its own; higher, a bad start makes the rest harder."},
    {"gamma",
     "The weight of reviews (influence.reviews): how much the public rating tilts the odds at moments that read "
     "reviews (usually ZMOT). At 0 reviews change nothing; higher, today's reviews change tomorrow's research."},
    {"reads reviews", "At a moment that reads reviews, the public rating tilts the odds (by gamma): usually the ZMOT."},
    {"review rate",
     "The chance that a customer finishing this moment posts a review: a positive one if their impression is above 0."},
    {"rating",
     "The public rating R from 0 to 1: the share of positive reviews, counted with the prior. Moments that read "
     "reviews feel it through gamma."},
    {"review prior",
     "The rating starts as if there were this many positive and this many negative reviews, so the first few reviews "
     "do not swing it wildly."},
    {"half-life",
     "Reviews lose half their weight after this many ticks, so recent reviews count most (0: reviews never fade)."},
    {"advocate",
     "A customer who reaches done with an impression at or above the advocate threshold. Advocates bring new "
     "customers by word of mouth for a while."},
    {"referral",
     "Word of mouth: each advocate brings new customers at the referral rate per tick, for the referral ticks; "
     "referred customers start with a better impression (the referral boost)."},
    // ---- results ----
    {"NPS",
     "Net Promoter Score: each customer asked scores 0-10 from their impression when they leave; NPS = % promoters "
     "(9-10) minus % detractors (0-6), from -100 to +100. Who is asked is the journey's choice: buyers (the "
     "default), those who finished, or everyone who left. Shown as - while nobody was asked yet."},
    {"returns",
     "Loyalty: customers who reached the end come back after a while, more likely the better their impression, "
     "and walk part of the journey again (a repeat purchase). Returns count the comebacks so far."},
    {"waiting",
     "Customers who finished and decided to come back, still away: they re-enter the journey when their delay "
     "is over."},
    {"repeat buyers",
     "Of the customers who bought, the share who bought once, twice, or three times and more (loyalty)."},
    {"market",
     "A market of a fixed size (the Bass model): each tick some of the people who never came arrive, through "
     "advertising (p) and through the word of mouth of earlier customers (q; critics put people off, r)."},
    {"critic", "A customer who left with an impression at or below the critic threshold: tells others not to come."},
    {"revenue", "What each purchase brings in, in the journey's currency."},
    {"profit",
     "Revenue minus cost: the moments' cost per visit, per moment of magic and per improvement, in the journey's "
     "currency."},
    {"conversion", "Purchases per customer who arrived."},
    {"in journey", "Customers still on the map, at one of the moments."},
    {"exact",
     "The exact expectation from the Markov-chain analysis of the journey: no randomness. When reviews, impression "
     "carry-over or referrals are on, it leaves them out."},
    {"expected visits", "How often an average customer passes this moment (more than once when routes loop)."},
    {"removal effect",
     "The share of purchases that would be lost if this moment failed every customer (every route into it sent to "
     "lost), from the exact analysis."},
    {"lift",
     "How many more purchases per customer a better p+ here brings (per +1 of p+), from the exact analysis: where an "
     "improvement pays most."},
    // ---- the run and the engines ----
    {"tick", "One step of the clock, in the scenario's time unit (a day, an hour)."},
    {"speed", "Ticks per second while playing. The numbers do not depend on the speed, only how fast you see them."},
    {"seed",
     "The start of the random draws: the same seed gives the same customers and the same numbers; another seed gives "
     "another run of the same journey."},
    {"arrivals", "New customers per tick, on average (random, like real arrivals)."},
    {"max customers", "The most customers a run ever creates (arrivals and referrals); after that nobody new arrives."},
    {"agents", "The agent engine: every customer is a dot with their own story, drawn at random like real life."},
    {"cohort",
     "The cohort engine moves counts of customers (per moment, dwell, segment and impression) instead of dots: the "
     "same rules for any population size, but no individual stories."},
    {"expected values",
     "The cohort engine without randomness: every run is the same. Without feedback (reviews read at a moment, "
     "referrals, a market) it is the exact mean of many random runs; with feedback it is a mean-field "
     "approximation of it."},
};

bool same_term(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

}  // namespace

std::span<const GlossaryEntry> glossary() { return kGlossary; }

const char* glossary_text(std::string_view term) {
    for (const GlossaryEntry& e : kGlossary)
        if (same_term(e.term, term)) return e.text;
    return nullptr;
}

}  // namespace motsim::app
