// libFuzzer target: any bytes given to the scenario loader must yield problems or a scenario,
// never a crash, a hang or unbounded memory. A scenario that loads is also saved and reloaded
// (the round trip must load again) and analysed, and run for a few ticks. The same bytes go to
// the lesson loader (a package's lesson.json, the lesson editor's Open): a lesson that loads must
// write and read back to the same text, and its package files must build or say why.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/analysis.h"
#include "engine/simulation.h"
#include "io/lesson_io.h"
#include "io/loader.h"
#include "io/package.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    {
        motsim::Lesson lesson;
        std::vector<motsim::io::Problem> problems;
        if (motsim::io::load_lesson(std::string(text), lesson, problems)) {
            const std::string written = motsim::io::lesson_to_json(lesson);
            motsim::Lesson back;
            if (!motsim::io::load_lesson(written, back, problems) || motsim::io::lesson_to_json(back) != written)
                __builtin_trap();
            motsim::Scenario shop;
            shop.moments.push_back(motsim::Moment{});
            shop.moments[0].id = "shop";
            (void)motsim::io::package_files_json(lesson, shop, "cmi5");
        } else if (problems.empty()) {
            __builtin_trap();  // refused without saying why
        }
    }
    motsim::io::LoadResult r = motsim::io::load_scenario(text);
    if (!r.ok()) return 0;
    motsim::Scenario s = *r.scenario;
    const motsim::io::LoadResult again = motsim::io::load_scenario(motsim::io::scenario_to_json(s));
    if (!again.ok()) __builtin_trap();  // what we write we must be able to read
    (void)motsim::analyze(s);
    // Keep the run small whatever the file asks for: the fuzzer tests the loader, not speed.
    s.initial = s.initial < 200 ? s.initial : 200;
    s.arrivals_per_tick = s.arrivals_per_tick < 20 ? s.arrivals_per_tick : 20;
    s.referral_rate = s.referral_rate < 1 ? s.referral_rate : 1;
    s.max_customers = s.max_customers < 2000 ? s.max_customers : 2000;
    motsim::Simulation sim(s);
    sim.run(s.ticks < 20 ? s.ticks : 20);
    return 0;
}
