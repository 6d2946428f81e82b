#!/usr/bin/env bash
# Same scenario, same seed, same numbers: the native CLI and the WebAssembly CLI under Node must
# print byte-identical JSON (digest included) for every shipped and test scenario.
# usage: determinism.sh path/to/motsim path/to/motsim.js SOURCE_DIR
set -u
native=$1; wasm=$2; src=$3
[[ -f $wasm ]] || { echo "FAIL: $wasm missing (scripts/build.sh web)"; exit 1; }
fails=0; n=0
for f in "$src"/assets/scenarios/*.json "$src"/tests/scenarios/*.json; do
  [[ -f $f ]] || continue
  for seed in 1 2024; do
    a=$("$native" run "$f" --seed $seed --json -) || { echo "FAIL: native run $f"; fails=$((fails + 1)); continue; }
    b=$(node "$wasm" run "$f" --seed $seed --json -) || { echo "FAIL: wasm run $f"; fails=$((fails + 1)); continue; }
    n=$((n + 1))
    if [[ "$a" == "$b" ]]; then
      echo "ok: $(basename "$f") seed $seed $(grep -o '"digest": "[0-9a-f]*"' <<<"$a")"
    else
      echo "FAIL: $(basename "$f") seed $seed differs:"; diff <(echo "$a") <(echo "$b") | head -10
      fails=$((fails + 1))
    fi
  done
done
((n > 0)) || { echo "FAIL: no scenarios compared"; exit 1; }
echo "$n comparisons, $fails failure(s)"
exit $((fails > 0))
