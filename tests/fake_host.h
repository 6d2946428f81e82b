// The app's host for tests: files, screenshots and the page are not there; storage is a map,
// events are kept in order (what the embedding page would have been told).
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "app/host.h"

namespace motsim::app {

struct FakeHost final : Host {
    std::map<std::string, std::string> stored;
    std::vector<std::pair<std::string, std::string>> events;
    void open_file(const std::string&) override {}
    std::string save_file(const std::string& name, const std::string&, const std::string&) override { return name; }
    void request_screenshot(const std::string&) override {}
    void store(const std::string& k, const std::string& v) override { stored[k] = v; }
    std::string load(const std::string& k) override { return stored.count(k) ? stored[k] : ""; }
    bool is_browser() const override { return true; }
    void emit(const std::string& name, const std::string& json) override { events.emplace_back(name, json); }
    // How many events of this name were emitted.
    int count(const std::string& name) const {
        int n = 0;
        for (const auto& e : events) n += e.first == name;
        return n;
    }
};

}  // namespace motsim::app
