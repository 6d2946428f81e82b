#!/usr/bin/env bash
# Rewrites tests/digests/digests.txt, the pinned numbers of every shipped and test scenario,
# from the native command line. Run it ONLY when a change of numbers is deliberate (a model
# change, a new draw order), never to make a failing digest test pass; then say in the commit
# message which numbers changed and why. See docs/determinism.md.
#
# usage: scripts/update-digests.sh [path/to/motsim]   (default: build/native/motsim)
#
# Runs per scenario (the table says which): the agent engine with the scenario's own seed and
# with seed 2024, the cohort engine with the scenario's seed, the expected-value engine (no
# randomness, so no seed); each for the scenario's ticks, at most 200 so the whole table checks
# in a few seconds natively and in WebAssembly.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/native/motsim}
[[ -x $bin ]] || { echo "update-digests: $bin is missing (scripts/build.sh native)" >&2; exit 1; }
out=tests/digests/digests.txt
max_ticks=200
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT

# A scenario's "seed" and "ticks" (the format's defaults when absent: 1 and 180).
field() { node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
                   const v = s[process.argv[2]]; console.log(v === undefined ? process.argv[3] : v)' "$@"; }
digest() { "$bin" run "$@" --json - | sed -n 's/^  "digest": "\([0-9a-f]*\)",\{0,1\}$/\1/p'; }

{
  echo "# Pinned digests: scenario, seed, ticks, engine -> digest (16 hex digits of the run's numbers)."
  echo "# Checked natively and in WebAssembly by tests/test_digests.cpp; written by"
  echo "# scripts/update-digests.sh, only for a deliberate change of numbers (docs/determinism.md)."
  echo "# seed '-': the expected-value engine draws nothing."
  printf '%-32s %6s %5s %-8s %s\n' "# scenario" seed ticks engine digest
  for f in assets/scenarios/*.json tests/scenarios/*.json; do
    seed=$(field "$f" seed 1); ticks=$(field "$f" ticks 180)
    ((ticks > max_ticks)) && ticks=$max_ticks
    for run in "agent $seed" "agent 2024" "cohort $seed" "expected -"; do
      set -- $run
      engine=$1; s=$2
      args=("$f" --engine "$engine" --ticks "$ticks")
      [[ $s != - ]] && args+=(--seed "$s")
      d=$(digest "${args[@]}")
      [[ $d =~ ^[0-9a-f]{16}$ ]] || { echo "update-digests: no digest from $bin run ${args[*]}" >&2; exit 1; }
      printf '%-32s %6s %5s %-8s %s\n' "$f" "$s" "$ticks" "$engine" "$d"
    done
  done
} >"$tmp"

if [[ -f $out ]] && cmp -s "$tmp" "$out"; then
  echo "update-digests: $out unchanged"
  exit 0
fi
mkdir -p "$(dirname "$out")"
[[ -f $out ]] && diff "$out" "$tmp" | sed -n 's/^[<>] //p' | grep -v '^#' | sort -k1,1 -k4,4 -s | head -40 || true
cp "$tmp" "$out"
cat <<'EOF'

update-digests: tests/digests/digests.txt rewritten (the changed rows are above, old and new).
Say in the commit message WHY the numbers changed (which model or draw-order change), e.g.
  "Digests: <scenarios> changed because <reason>; tests/digests/digests.txt rewritten"
A change you cannot explain is a bug, not a new baseline.
EOF
