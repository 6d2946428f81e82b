#!/usr/bin/env bash
# Builds one flavour of motsim. Usage: scripts/build.sh native|web|asan|fuzz
# native: build/native (CLI, tests, app)   web: build/web (CLI + tests for Node, app for browsers)
# asan:   build/asan (tests with ASan+UBSan) fuzz: build/fuzz (libFuzzer loader target)
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs   # emscripten's JS optimizer needs Debian's acorn
jobs=$(nproc)
imgui="$PWD/build/_deps/imgui"
app=OFF; [[ -f $imgui/imgui.cpp ]] && app=ON

case "${1:-native}" in
  native)
    cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release -DMOTSIM_WERROR=ON \
      -DMOTSIM_BUILD_APP=$app -DMOTSIM_IMGUI_DIR="$imgui" \
      -DMOTSIM_WASM_CLI="$PWD/build/web/motsim.js" >/dev/null
    cmake --build build/native -j "$jobs" ;;
  web)
    emcmake cmake -S . -B build/web -G Ninja -DCMAKE_BUILD_TYPE=Release -DMOTSIM_WERROR=ON \
      -DMOTSIM_BUILD_APP=$app -DMOTSIM_IMGUI_DIR="$imgui" \
      -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node >/dev/null
    cmake --build build/web -j "$jobs" ;;
  asan)
    cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMOTSIM_SANITIZE=ON >/dev/null
    cmake --build build/asan -j "$jobs" --target motsim_tests motsim ;;
  fuzz)
    CXX=clang++ CC=clang cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DMOTSIM_FUZZ=ON >/dev/null
    cmake --build build/fuzz -j "$jobs" --target fuzz_loader ;;
  *) echo "usage: scripts/build.sh native|web|asan|fuzz" >&2; exit 2 ;;
esac
