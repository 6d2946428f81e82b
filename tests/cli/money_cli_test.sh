#!/usr/bin/env bash
# v2 money and loyalty on the command line: rank --by profit (text and JSON), the option's
# errors, the default ranking unchanged, and analyze with loyalty and with what it ignores.
# usage: money_cli_test.sh path/to/motsim
set -u
bin=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
check() {  # check NAME EXPECTED_STATUS ACTUAL_STATUS
  if [[ $2 != "$3" ]]; then echo "FAIL: $1 (exit $3, expected $2)"; fails=$((fails + 1)); else echo "ok: $1"; fi
}
contains() {  # contains NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then echo "ok: $1"; else echo "FAIL: $1: '$3' not in:"; head -30 "$2"; fails=$((fails + 1)); fi
}

# ad (p+ 0.8) -> shop (p+ 0.4, purchase): raising the shop adds twice the purchases of raising the
# ad, but costs ten times as much per 0.01: by profit the ad comes first (800 vs 160 per unit).
cat >"$tmp/priced.json" <<'JSON'
{"motsim": 1, "name": "priced", "ticks": 6, "seed": 4,
 "population": {"initial": 2000, "arrivals_per_tick": 0, "max_customers": 2000},
 "money": {"currency": "EUR", "revenue": 100},
 "moments": [
  {"id": "ad", "positive": 0.8, "negative": 0.2, "cost": {"improve": 1}},
  {"id": "shop", "positive": 0.4, "negative": 0.6, "purchase": true, "cost": {"improve": 10, "visit": 1}}
 ]}
JSON
"$bin" validate "$tmp/priced.json" 2>"$tmp/err"; check "the priced scenario loads" 0 $?
"$bin" rank "$tmp/priced.json" --runs 6 --threads 1 --by profit >"$tmp/p.txt"; check "rank --by profit" 0 $?
contains "says it ranks by profit" "$tmp/p.txt" "where to invest by profit"
contains "has the per-cost column" "$tmp/p.txt" "per unit of cost"
first=$(awk '$1 == "1" {print $2}' "$tmp/p.txt")
[[ $first == ad ]] && echo "ok: the cheap improvement comes first by profit" || { echo "FAIL: first by profit is '$first'"; cat "$tmp/p.txt"; fails=$((fails + 1)); }
"$bin" rank "$tmp/priced.json" --runs 6 --threads 1 >"$tmp/q.txt"; check "rank by purchases" 0 $?
first=$(awk '$1 == "1" {print $2}' "$tmp/q.txt")
[[ $first == shop ]] && echo "ok: the effective one comes first by purchases" || { echo "FAIL: first by purchases is '$first'"; cat "$tmp/q.txt"; fails=$((fails + 1)); }
"$bin" rank "$tmp/priced.json" --runs 6 --threads 1 --by purchases >"$tmp/r.txt"; check "rank --by purchases" 0 $?
cmp -s "$tmp/q.txt" "$tmp/r.txt" && echo "ok: --by purchases is the default ranking" || { echo "FAIL: --by purchases differs"; fails=$((fails + 1)); }
"$bin" rank "$tmp/priced.json" --runs 6 --threads 1 --by profit --json - >"$tmp/p.json"; check "rank --by profit --json" 0 $?
for key in '"by": "profit"' '"currency": "EUR"' '"base_profit"' '"improve_cost"' '"profit_gain"' '"profit_per_cost"' '"exact_profit_gain"'; do
  contains "profit ranking JSON has $key" "$tmp/p.json" "$key"
done
"$bin" rank "$tmp/priced.json" --runs 6 --threads 1 --json - >"$tmp/q.json"; check "rank --json" 0 $?
grep -q '"profit' "$tmp/q.json" && { echo "FAIL: the default ranking's JSON has profit fields"; fails=$((fails + 1)); } || echo "ok: the default ranking's JSON is unchanged"
"$bin" rank "$tmp/priced.json" --by banana >/dev/null 2>"$tmp/err"; check "--by banana is a usage error" 2 $?
contains "says what --by takes" "$tmp/err" "--by needs purchases or profit"

# Loyalty in the analysis: half come back to the shop; and a market the analysis ignores.
cat >"$tmp/loyal.json" <<'JSON'
{"motsim": 1, "name": "loyal", "ticks": 60,
 "loyalty": {"return_to": "shop", "after": {"min": 1, "max": 3}, "base": 0.5},
 "moments": [
  {"id": "ad", "positive": 0.5, "negative": 0.5},
  {"id": "shop", "positive": 0.6, "negative": 0.4, "purchase": true}
 ]}
JSON
"$bin" analyze "$tmp/loyal.json" >"$tmp/a.txt"; check "analyze with loyalty" 0 $?
contains "says the numbers are over a lifetime" "$tmp/a.txt" "over a lifetime of returns"
# purchases per customer 0.5 x 0.6 / (1 - 0.3) = 3/7
contains "lifetime purchases 3/7" "$tmp/a.txt" "expected purchases 0.4286"
"$bin" analyze "$tmp/loyal.json" --json >"$tmp/a.json"; check "analyze --json with loyalty" 0 $?
contains "JSON has the loyalty block" "$tmp/a.json" '"expected_returns": 0.2142857'
sed 's/"base": 0.5/"base": 1/; s/"positive": 0.6, "negative": 0.4/"positive": 1, "negative": 0/' "$tmp/loyal.json" >"$tmp/forever.json"
"$bin" analyze "$tmp/forever.json" >"$tmp/f.txt"; check "analyze an unbounded lifetime" 0 $?
contains "says unbounded" "$tmp/f.txt" "unbounded"
"$bin" analyze "$tmp/forever.json" --json >"$tmp/f.json"; check "analyze --json, unbounded" 0 $?
contains "JSON says unbounded" "$tmp/f.json" '"lifetime_bounded": false'
grep -qiE 'nan|inf' "$tmp/f.json" && { echo "FAIL: NaN or inf in the JSON"; fails=$((fails + 1)); } || echo "ok: no NaN or inf"
sed 's/"ticks": 60,/"ticks": 60, "population": {"initial": 0}, "market": {"size": 1000, "advertising": 0.03, "word_of_mouth": 0.3},/; s/"base": 0.5/"base": 0.5, "impression": 2/' "$tmp/loyal.json" >"$tmp/market.json"
"$bin" analyze "$tmp/market.json" >"$tmp/m.txt" 2>&1; check "analyze a market" 0 $?
contains "lists the market" "$tmp/m.txt" "the market (Bass arrivals)"
contains "lists the impression-dependent returns" "$tmp/m.txt" "loyalty.impression"
"$bin" analyze "$tmp/market.json" --json >"$tmp/m.json"; check "analyze --json a market" 0 $?
contains "JSON lists what it ignores" "$tmp/m.json" '"ignores": ['

[[ $fails == 0 ]] && echo "all money CLI tests passed" || echo "$fails failed"
exit $((fails > 0))
