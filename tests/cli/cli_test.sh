#!/usr/bin/env bash
# The command line as a user meets it: exit codes, messages, outputs.
# usage: cli_test.sh path/to/motsim SOURCE_DIR
set -u
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
check() {  # check NAME EXPECTED_STATUS ACTUAL_STATUS
  if [[ $2 != "$3" ]]; then echo "FAIL: $1 (exit $3, expected $2)"; fails=$((fails + 1)); else echo "ok: $1"; fi
}
contains() {  # contains NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then echo "ok: $1"; else echo "FAIL: $1: '$3' not in:"; head -20 "$2"; fails=$((fails + 1)); fi
}
default=$src/assets/scenarios/default.json

"$bin" --help >"$tmp/out" 2>&1; check "--help exits 0" 0 $?
contains "--help shows usage" "$tmp/out" "motsim run FILE"
"$bin" >/dev/null 2>&1; check "no command is a usage error" 2 $?
"$bin" fly "$default" >/dev/null 2>&1; check "unknown command" 2 $?
"$bin" run >/dev/null 2>&1; check "run without a file" 2 $?
"$bin" run "$default" --seed banana >/dev/null 2>&1; check "bad --seed" 2 $?
"$bin" run "$default" --ticks 0 >/dev/null 2>&1; check "--ticks 0" 2 $?
"$bin" run "$default" --frobnicate >/dev/null 2>&1; check "unknown option" 2 $?

"$bin" validate "$default" >"$tmp/out" 2>"$tmp/err"; check "validate default.json" 0 $?
[[ -s $tmp/err ]] && { echo "FAIL: validate of a good file printed:"; cat "$tmp/err"; fails=$((fails + 1)); }
"$bin" validate "$tmp/missing.json" 2>"$tmp/err"; check "validate a missing file" 1 $?
contains "missing file is named" "$tmp/err" "$tmp/missing.json: "

printf '{"motsim": 1, "moments": [{"id": "a", "positive": 1.5, "negative": 0.1}]}' >"$tmp/bad.json"
"$bin" validate "$tmp/bad.json" 2>"$tmp/err"; check "validate a bad scenario" 1 $?
contains "bad scenario names file and pointer" "$tmp/err" "$tmp/bad.json: /moments/0/positive: "
"$bin" run "$tmp/bad.json" >/dev/null 2>"$tmp/err"; check "run validates first" 1 $?
contains "run prints the problem" "$tmp/err" "/moments/0/positive"
"$bin" analyze "$tmp/bad.json" >/dev/null 2>"$tmp/err"; check "analyze validates first" 1 $?
printf '{"motsim": 1,\n  "moments": [ }' >"$tmp/syntax.json"
"$bin" validate "$tmp/syntax.json" 2>"$tmp/err"; check "syntax error" 1 $?
contains "syntax error has line and column" "$tmp/err" "line 2, column"

"$bin" run "$default" >"$tmp/out"; check "run default" 0 $?
contains "summary shows customers" "$tmp/out" "customers"
contains "summary shows NPS" "$tmp/out" "NPS"
"$bin" run "$default" --seed 7 --json "$tmp/a.json" --csv "$tmp/a.csv" >/dev/null; check "run with outputs" 0 $?
"$bin" run "$default" --seed 7 --json - >"$tmp/b.json"; check "run --json -" 0 $?
cmp -s "$tmp/a.json" "$tmp/b.json" && echo "ok: same seed, same JSON" || { echo "FAIL: same seed gave different JSON"; fails=$((fails + 1)); }
"$bin" run "$default" --seed 8 --json - >"$tmp/c.json"
d7=$(grep '"digest"' "$tmp/b.json"); d8=$(grep '"digest"' "$tmp/c.json")
[[ -n $d7 && $d7 != "$d8" ]] && echo "ok: another seed, another digest" || { echo "FAIL: digests '$d7' '$d8'"; fails=$((fails + 1)); }
for key in '"scenario"' '"seed": 7' '"arrivals"' '"purchases"' '"done"' '"lost"' '"nps"' '"rating"' '"moments"' '"lost_after"'; do
  contains "json has $key" "$tmp/b.json" "$key"
done
ticks=$("$bin" run "$default" --ticks 25 --csv - | wc -l); check "csv has a header and one row per tick" 26 "$ticks"

"$bin" analyze "$default" --json >"$tmp/an.json"; check "analyze --json" 0 $?
for key in '"absorption"' '"expected_visits"' '"expected_purchases"' '"expected_ticks"' '"removal_effect"' '"lift"'; do
  contains "analysis has $key" "$tmp/an.json" "$key"
done
"$bin" analyze "$default" >"$tmp/an.txt"; check "analyze" 0 $?
if grep -qE '"(impression|reviews)": *[1-9.]|"referral_rate": *[0-9]*\.?[0-9]*[1-9]' "$default"; then
  contains "analysis says what it ignores" "$tmp/an.txt" "ignores"
fi

# The cohort engines print a digest of their numbers too (tests/digests pins them).
"$bin" run "$default" --engine cohort --ticks 20 --json - >"$tmp/co.json"; check "run --engine cohort --json" 0 $?
grep -qE '"digest": "[0-9a-f]{16}"' "$tmp/co.json" && echo "ok: cohort JSON has a digest" || { echo "FAIL: no digest in cohort JSON"; fails=$((fails + 1)); }
"$bin" run "$default" --engine expected --ticks 20 >"$tmp/ex.txt"; check "run --engine expected" 0 $?
contains "expected summary shows its digest" "$tmp/ex.txt" "digest "
d1=$(grep '"digest"' "$tmp/co.json"); d2=$("$bin" run "$default" --engine cohort --ticks 20 --seed 9 --json - | grep '"digest"')
[[ -n $d1 && $d1 != "$d2" ]] && echo "ok: another cohort seed, another digest" || { echo "FAIL: cohort digests '$d1' '$d2'"; fails=$((fails + 1)); }

# The exact analysis refuses a journey whose loops would take too long, and says why.
{ printf '{"motsim": 1, "moments": ['
  for m in $(seq 0 999); do printf '{"id": "m%d", "positive": 0.6, "negative": 0.2, "next": {"negative": "m0"}}%s' "$m" "$([[ $m -lt 999 ]] && echo ,)"; done
  printf ']}'; } >"$tmp/bigloop.json"
"$bin" validate "$tmp/bigloop.json"; check "a 1000-moment loop is a valid scenario" 0 $?
"$bin" analyze "$tmp/bigloop.json" >"$tmp/out" 2>&1; check "analyze refuses a 1000-moment loop" 1 $?
contains "analyze says why" "$tmp/out" "cannot analyse: The journey is too large for the exact analysis: 1000 moments lead back to each other"
"$bin" analyze "$tmp/bigloop.json" --json >"$tmp/out" 2>"$tmp/err"; check "analyze --json refuses it too" 1 $?
contains "the JSON says ok false" "$tmp/out" '"ok": false'
contains "and standard error says why" "$tmp/err" "too large for the exact analysis"

# Memory: a run is estimated before it starts and refused above a limit (2G unless --max-memory).
# A billion customers who can loop forever: the agent engine would hold them all.
printf '{"motsim": 1, "ticks": 1000, "population": {"arrivals_per_tick": 1000000, "max_customers": 1000000000},
  "moments": [{"id": "a", "positive": 0.5, "negative": 0.2, "dwell": 5},
              {"id": "b", "positive": 0.5, "negative": 0.2, "purchase": true, "next": {"negative": "a"}}]}' >"$tmp/huge.json"
"$bin" run "$tmp/huge.json" >"$tmp/out" 2>"$tmp/err"; check "run of a huge scenario is refused" 1 $?
contains "refusal gives the estimate" "$tmp/err" "needs about 18.6 GB of memory (up to 1000000000 customers"
contains "refusal names the limit" "$tmp/err" "the limit is 2.0 GB"
contains "refusal names the flag" "$tmp/err" "--max-memory"
[[ -s $tmp/out ]] && { echo "FAIL: a refused run printed a summary"; fails=$((fails + 1)); }
"$bin" validate "$tmp/huge.json" >"$tmp/out" 2>"$tmp/err"; check "validate a huge scenario (a warning only)" 0 $?
contains "validate warns with the estimate" "$tmp/err" "$tmp/huge.json: /population: warning: a run with the agent engine needs about 18.6 GB"
contains "validate points to the cohort engine" "$tmp/err" "the cohort engine needs about"
"$bin" run "$tmp/huge.json" --engine cohort --ticks 5 >"$tmp/out" 2>"$tmp/err"; check "the cohort engine is not refused for the population" 0 $?
"$bin" replicate "$tmp/huge.json" --runs 2 >/dev/null 2>"$tmp/err"; check "replicate of a huge scenario is refused" 1 $?
contains "replicate says why" "$tmp/err" "this replication needs about"
"$bin" rank "$tmp/huge.json" --runs 2 >/dev/null 2>"$tmp/err"; check "rank of a huge scenario is refused" 1 $?
"$bin" sweep "$default" --param /population/max_customers --values 1000:1000000000:2 --param2 /population/arrivals_per_tick --values2 1:1000000:2 --runs 2 >/dev/null 2>"$tmp/err"
check "sweep is refused at its largest point" 1 $?
contains "sweep says why" "$tmp/err" "this sweep needs about"
# Three million customers at once (about 60 MB): under the default, over a 16M limit.
printf '{"motsim": 1, "ticks": 30, "population": {"arrivals_per_tick": 100000, "max_customers": 1000000000},
  "moments": [{"id": "a", "positive": 0.5, "negative": 0.2, "dwell": 100}]}' >"$tmp/crowd.json"
"$bin" run "$tmp/crowd.json" --max-memory 16M >/dev/null 2>"$tmp/err"; check "--max-memory 16M refuses 3 million customers" 1 $?
contains "the lowered limit is named" "$tmp/err" "the limit is 16.0 MB"
"$bin" run "$tmp/crowd.json" --max-memory 1G >"$tmp/out" 2>"$tmp/err"; check "--max-memory 1G lets it run" 0 $?
contains "and it ran" "$tmp/out" "still in the journey"
"$bin" run "$tmp/crowd.json" --max-memory 1.5g --ticks 2 >/dev/null; check "--max-memory takes 1.5g" 0 $?
"$bin" run "$tmp/crowd.json" --max-memory 512MiB --ticks 2 >/dev/null; check "--max-memory takes 512MiB" 0 $?
for bad in 0 -1G 8X G 1e400 ""; do
  "$bin" run "$tmp/crowd.json" --max-memory "$bad" >/dev/null 2>&1; check "--max-memory '$bad' is a usage error" 2 $?
done
"$bin" replicate "$tmp/crowd.json" --runs 2 --max-memory nine >/dev/null 2>&1; check "replicate --max-memory nine" 2 $?
# The cohort engine's memory is its cells (moments x dwell x segments x 41): 12 moments with
# 10,000-tick dwells and 64 segments need about 2.3 GB, whatever the population.
{ printf '{"motsim": 1, "ticks": 10, "segments": ['
  for g in $(seq 1 64); do printf '{"name": "s%d", "share": 1}%s' "$g" "$([[ $g -lt 64 ]] && echo ,)"; done
  printf '], "moments": ['
  for m in $(seq 1 12); do printf '{"id": "m%d", "positive": 0.5, "negative": 0.2, "dwell": 10000}%s' "$m" "$([[ $m -lt 12 ]] && echo ,)"; done
  printf ']}'; } >"$tmp/cells.json"
"$bin" validate "$tmp/cells.json" 2>"$tmp/err"; check "validate a scenario with too many cohort cells (a warning only)" 0 $?
contains "validate warns about the cohort's cells" "$tmp/err" "/moments: warning: a run with the cohort engine needs about 2.3 GB"
"$bin" run "$tmp/cells.json" --engine cohort >/dev/null 2>"$tmp/err"; check "cohort run with too many cells is refused" 1 $?
contains "cohort refusal says what to change" "$tmp/err" "Shorten the longest dwells"

echo "$fails failure(s)"
exit $((fails > 0))
