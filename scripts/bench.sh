#!/usr/bin/env bash
# Benchmarks (docs/benchmarks.md): the native bench, the same bench in WebAssembly under Node,
# and the SimPy peer, all on this machine in one go; prints one line per ratio.
# Usage: scripts/bench.sh [--quick]    (builds motsim_bench in build/native and build/web)
#
# Every ratio is the median of interleaved pairs with its spread: the bench pairs the engine with
# the bare generator inside one process, and this script pairs a native process with a WebAssembly
# one, five times, for wasm/native (a shared machine's load changes from one second to the next).
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs   # emscripten's JS optimizer needs Debian's acorn
quick=${1:-}
jobs=$(nproc)
nat=${MOTSIM_BENCH_NATIVE:-build/native}   # build folders (override to keep a build apart)
web=${MOTSIM_BENCH_WEB:-build/web}
pairs=5

# Configure only when the folder has no build yet: the flags of scripts/build.sh stay as they are.
[[ -f $nat/build.ninja ]] || cmake -S . -B $nat -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build $nat -j "$jobs" --target motsim_bench >/dev/null
native=$($nat/motsim_bench $quick)
echo "$native"

rate() { sed -n "s/^$1: \([0-9.e+-]*\) .*/\1/p" <<<"$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
# The median and range of the numbers on standard input, one a line.
summary() { sort -g | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
                                                printf "%.2f x (min %.2f, max %.2f, %d pairs)", m, v[1], v[NR], NR }'; }

if command -v emcmake >/dev/null && command -v node >/dev/null; then
  [[ -f $web/build.ninja ]] || emcmake cmake -S . -B $web -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node >/dev/null
  cmake --build $web -j "$jobs" --target motsim_bench >/dev/null
  wasm=$(node $web/motsim_bench.js $quick)
  echo "$wasm" | sed 's/^/  wasm: /'
  # wasm/native from processes run back to back: a native probe, then a wasm one, $pairs times.
  agent_ratios=() cohort_ratios=()
  for ((k = 0; k < pairs; ++k)); do
    n=$($nat/motsim_bench --probe $quick)
    w=$(node $web/motsim_bench.js --probe $quick)
    agent_ratios+=("$(ratio "$(rate 'agent rate' "$w")" "$(rate 'agent rate' "$n")")")
    cohort_ratios+=("$(ratio "$(rate 'cohort time' "$w")" "$(rate 'cohort time' "$n")")")
  done
  echo "wasm under Node vs native (agent engine rate): $(printf '%s\n' "${agent_ratios[@]}" | summary) (target >= 0.8)"
  echo "cohort engine, wasm time over native time: $(printf '%s\n' "${cohort_ratios[@]}" | summary) (target <= 3)"
else
  echo "wasm: skipped (emscripten or node missing)"
fi

if /usr/bin/python3 -c 'import simpy' 2>/dev/null; then
  peer=$(/usr/bin/python3 bench/simpy_peer.py)
  echo "$peer"
  echo "motsim vs SimPy peer (same journey, customers/s): $(ratio "$(rate 'peer journey' "$native")" "$(rate 'simpy peer' "$peer")") x"
else
  echo "SimPy peer: skipped (apt-get install python3-simpy3)"
fi
