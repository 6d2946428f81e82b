// Customer stories as sentences (see story.h). No ImGui here: the tests link this file.
#include "app/story.h"

#include <cmath>
#include <cstddef>
#include <cstdio>

namespace motsim::app {

namespace {

// "+0.30" / "-0.30": the sign always shown, since the direction is the point of the number.
std::string signed2(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.2f", std::fabs(v) < 0.005 ? 0.0 : v);
    return buf;
}

const char* outcome_words(Outcome o) { return o == Outcome::Magic ? "moment of magic" : outcome_name(o); }

// The NPS category of a score, in words (the engine's nps_group decides it).
const char* nps_category(int score) {
    switch (nps_group(score)) {
        case NpsGroup::Promoter:
            return "promoter";
        case NpsGroup::Detractor:
            return "detractor";
        case NpsGroup::Passive:
            return "passive";
    }
    return "passive";
}

std::string times(int n) {
    if (n == 1) return "once";
    if (n == 2) return "twice";
    return std::to_string(n) + " times";
}

// True when the arrival impression is the segment's start plus the referral boost (and that
// differs from the plain start): the only trace of a referral the events carry.
bool looks_referred(const Scenario& s, int segment, float impression) {
    if (segment < 0 || static_cast<std::size_t>(segment) >= s.segments.size() || s.referral_boost == 0.0) return false;
    const double plain = s.segments[static_cast<std::size_t>(segment)].initial_impression;
    const double boosted = std::fmin(1.0, std::fmax(-1.0, plain + s.referral_boost));
    return std::fabs(boosted - plain) > 1e-6 && std::fabs(static_cast<double>(impression) - boosted) < 1e-5;
}

}  // namespace

// ==== Names ====================================================================================

std::string time_label(const Scenario& s, int tick) {
    return (s.time_unit.empty() ? std::string("tick") : s.time_unit) + " " + std::to_string(tick + 1);
}

std::string target_label(const Scenario& s, int target) {
    if (target == kDone) return "done";
    if (target == kLost) return "lost";
    if (target < 0 || static_cast<std::size_t>(target) >= s.moments.size()) return "?";
    const Moment& m = s.moments[static_cast<std::size_t>(target)];
    return m.name.empty() ? m.id : m.name;
}

// ==== Story lines ==============================================================================

std::vector<std::string> story_lines(const Scenario& s, const std::vector<StoryEvent>& events, std::uint32_t customer,
                                     int segment) {
    std::vector<std::string> lines;
    for (const StoryEvent& e : events) {
        if (e.customer != customer) continue;
        std::string line = time_label(s, e.tick);

        // A loyal customer's comeback: "day 80, comes back to Research (impression +0.60)"
        if (e.moment < 0 && e.comes_back) {
            line += ", comes back to " + target_label(s, e.target) + " (impression " + signed2(e.impression) + ")";
            lines.push_back(std::move(line));
            continue;
        }

        // Arrival: "day 1, arrives at Booking (segment difficult, referred by a friend), impression +0.10"
        if (e.moment < 0) {
            line += ", arrives at " + target_label(s, e.target);
            std::string note;
            if (segment >= 0 && static_cast<std::size_t>(segment) < s.segments.size() && s.segments.size() > 1)
                note = "segment " + s.segments[static_cast<std::size_t>(segment)].name;
            if (looks_referred(s, segment, e.impression))
                note += (note.empty() ? "" : ", ") + std::string("referred by a friend");
            if (!note.empty()) line += " (" + note + ")";
            line += ", impression " + signed2(e.impression);
            lines.push_back(std::move(line));
            continue;
        }

        // Outcome: "day 3, Check-in: negative (rudeness), impression -0.30 -> lost"
        line += ", " + target_label(s, e.moment) + ": " + outcome_words(e.outcome);
        if (e.outcome == Outcome::Negative && e.cause >= 0 && static_cast<std::size_t>(e.moment) < s.moments.size()) {
            const auto& causes = s.moments[static_cast<std::size_t>(e.moment)].causes;
            if (static_cast<std::size_t>(e.cause) < causes.size())
                line += " (" + causes[static_cast<std::size_t>(e.cause)].name + ")";
        }
        if (e.purchase) line += ", bought";
        // The engine posts a positive review exactly when the impression after the impact is > 0.
        if (e.review) line += e.impression > 0.0f ? ", posted a positive review" : ", posted a negative review";
        line += ", impression " + signed2(e.impression) + " -> " + target_label(s, e.target);
        lines.push_back(std::move(line));
    }
    return lines;
}

// ==== Summary ==================================================================================

std::string summary_line(const Scenario& s, const std::vector<StoryEvent>& events, std::uint32_t customer) {
    const StoryEvent* last = nullptr;
    int purchases = 0, returns = 0;
    for (const StoryEvent& e : events) {
        if (e.customer != customer) continue;
        last = &e;
        if (e.purchase) ++purchases;
        if (e.moment < 0 && e.comes_back) ++returns;
    }
    if (!last) return "no story yet";

    const int score = nps_score(last->impression);
    std::string out;
    if (last->target >= 0) {
        out = "still in the journey at " + target_label(s, last->target) + ", impression " + signed2(last->impression) +
              " (score " + std::to_string(score) + " now)";
    } else {
        out = last->target == kDone ? "finished the journey" : "left the journey";
        if (last->target == kLost && last->moment >= 0) out += " after " + target_label(s, last->moment);
        out += std::string(" as a ") + nps_category(score) + " (score " + std::to_string(score) + ")";
    }
    if (purchases > 0)
        out += ", bought " + times(purchases);
    else
        out += last->target >= 0 ? ", no purchase yet" : ", no purchase";
    if (returns > 0) out += ", came back " + times(returns);
    // An advocate brings referrals only when the scenario has word of mouth switched on.
    if (last->target == kDone && s.referral_rate > 0.0 && s.referral_ticks > 0 &&
        is_advocate(last->impression, s.advocate_threshold))
        out += ", became an advocate";
    return out;
}

}  // namespace motsim::app
