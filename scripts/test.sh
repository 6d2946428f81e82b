#!/usr/bin/env bash
# Sets up everything and runs every motsim test (the README's test command; .ci/run calls it).
# Native unit + command-line tests, WebAssembly tests under Node (same digests as native),
# the schema check, an ASan+UBSan build of the tests and short libFuzzer runs of the loader and
# of the share-link decoder.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
step() { printf '\n==== %s (%ds)\n' "$*" $((SECONDS - start)); }

step setup;               scripts/setup.sh
step "build web";         scripts/build.sh web
step "build native";      scripts/build.sh native
step "native tests";      ctest --test-dir build/native --output-on-failure -j 2
step "wasm tests (node)"; ctest --test-dir build/web --output-on-failure -R '^unit$'
step "build asan";        scripts/build.sh asan
# Under the sanitizers, all but the 1M/100M market agreement test (half the sanitized run time; its
# code paths run under ASan in the smaller v2 agreement tests, and the test itself natively).
step "asan+ubsan tests";  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 build/asan/motsim_tests \
  -tce="*launch scenario's market at 1M and 100M*"
step "build fuzz";        scripts/build.sh fuzz
step "fuzz the loader (${MOTSIM_FUZZ_SECONDS:-30}s)"
mkdir -p build/fuzz/corpus
cp -n assets/scenarios/*.json tests/bad/*.json tests/fuzz/loader_corpus/*.json build/fuzz/corpus/ 2>/dev/null || true
build/fuzz/fuzz_loader -max_total_time="${MOTSIM_FUZZ_SECONDS:-30}" -max_len=8192 -timeout=5 \
  -rss_limit_mb=2048 -print_final_stats=1 -dict=tests/fuzz/loader.dict -artifact_prefix=build/fuzz/ \
  build/fuzz/corpus 2>build/fuzz/fuzz.log \
  || { tail -50 build/fuzz/fuzz.log; exit 1; }
grep -E 'stat::number_of_executed_units' build/fuzz/fuzz.log || true
step "fuzz the share-link decoder (${MOTSIM_FUZZ_SHARE_SECONDS:-20}s)"
cmake --build build/fuzz -j "$(nproc)" --target fuzz_share >/dev/null
mkdir -p build/fuzz/share_corpus
cp -n tests/fuzz/share_corpus/*.json build/fuzz/share_corpus/ 2>/dev/null || true
build/fuzz/fuzz_share -max_total_time="${MOTSIM_FUZZ_SHARE_SECONDS:-20}" -max_len=16384 -timeout=5 \
  -rss_limit_mb=2048 -print_final_stats=1 -dict=tests/fuzz/share.dict -artifact_prefix=build/fuzz/ \
  build/fuzz/share_corpus 2>build/fuzz/fuzz_share.log \
  || { tail -50 build/fuzz/fuzz_share.log; exit 1; }
grep -E 'stat::number_of_executed_units' build/fuzz/fuzz_share.log || true
step "all tests passed"
