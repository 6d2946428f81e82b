// The page's bridge: the motsim_* C functions the embed script (web/embed/) and web/motsim-page.js call
// (exported by CMakeLists.txt's MOTSIM_EXPORTS). Text comes in through the heap (the page copies
// it there), never through ccall's stack copy; text going out stays valid until the next call.
#pragma once

namespace motsim::app {
class App;
}

namespace motsim::platform {
// The app the bridge drives (set once it exists).
void bridge_attach(app::App* app);
}  // namespace motsim::platform
