// libFuzzer target: any bytes given to the scenario loader must yield problems or a scenario,
// never a crash, a hang or unbounded memory. A scenario that loads is also saved and reloaded
// (the round trip must load again) and analysed, and run for a few ticks.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/analysis.h"
#include "engine/simulation.h"
#include "io/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
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
