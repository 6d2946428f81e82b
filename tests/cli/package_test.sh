#!/usr/bin/env bash
# `motsim package`: a package of each format holds the site's files and the generated ones, its
# manifest is well-formed XML with the elements the standard requires (xmllint), the same input
# gives the same bytes, and every bad input (a lesson's mistake, a missing option or file) exits 1
# with the field's pointer and writes nothing.
# usage: package_test.sh MOTSIM SOURCE_DIR SITE_DIR
set -uo pipefail
motsim=$1 src=$2 site=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
lesson=$src/web/examples/lesson.json
hotel=$src/assets/scenarios/hotel.json

export MOTSIM_SITE=$site  # where the CLI takes the site's files (no --site)
if [[ ! -f $site/lms/launch.html ]]; then
  echo "FAIL: the web site ($site) is not built: scripts/build.sh web"; exit 1
fi

# xpath on a file, namespaces ignored: value of EXPR
xp() { xmllint --xpath "$2" "$1" 2>/dev/null; }

for format in scorm12 scorm2004 cmi5; do
  out=$tmp/$format.zip
  "$motsim" package "$lesson" --scenario "$hotel" --format "$format" -o "$out" >"$tmp/out.txt" 2>"$tmp/err.txt" \
    || { bad "$format: exit $? $(cat "$tmp/err.txt")"; continue; }
  grep -q "files" "$tmp/out.txt" || bad "$format: no summary line"
  dir=$tmp/$format
  mkdir -p "$dir" && unzip -q "$out" -d "$dir" || { bad "$format: not a zip"; continue; }
  for f in index.html motsim-lms.js motsim-embed.js motsim_app.js motsim_app.wasm motsim_app.wasm.js vendor/fflate.js \
           lesson.json scenario.json package.json package-data.js; do
    [[ -s $dir/$f ]] || bad "$format: $f missing or empty"
  done
  cmp -s "$dir/index.html" "$site/lms/launch.html" || bad "$format: index.html is not the site's launch page"
  cmp -s "$dir/motsim_app.wasm" "$site/motsim_app.wasm" || bad "$format: the simulator is not the site's"
  node -e "const p=JSON.parse(require('fs').readFileSync('$dir/package.json','utf8'));
           if (p.format!=='$format' || p.title!=='Win the booking' || !/^motsim-win-the-booking-[0-9a-f]{12}\$/.test(p.identifier)) process.exit(1)" \
    || bad "$format: package.json $(cat "$dir/package.json")"
  # package-data.js (for a page opened from a plain folder) holds the same three files, and
  # motsim_app.wasm.js the same WebAssembly
  node -e "const fs=require('fs'), vm=require('vm'); const w={};
           vm.runInNewContext(fs.readFileSync('$dir/package-data.js','utf8'), {window: w});
           for (const f of ['lesson.json','scenario.json','package.json'])
             if (w.MOTSIM_PACKAGE_FILES[f] !== fs.readFileSync('$dir/'+f,'utf8')) process.exit(1);
           const x={}; vm.runInNewContext(fs.readFileSync('$dir/motsim_app.wasm.js','utf8'), {window: x});
           if (!Buffer.from(x.MOTSIM_WASM_BASE64,'base64').equals(fs.readFileSync('$dir/motsim_app.wasm'))) process.exit(2)" \
    || bad "$format: package-data.js or motsim_app.wasm.js differ from the files"
  # the lesson and the scenario read back (the CLI validates what it packs)
  "$motsim" validate "$dir/scenario.json" || bad "$format: scenario.json does not validate"
  if [[ $format == cmi5 ]]; then
    manifest=$dir/cmi5.xml
    [[ -f $dir/imsmanifest.xml ]] && bad "cmi5: has an imsmanifest.xml"
    [[ -s $dir/vendor/cmi5.js && -s $dir/motsim-cmi5.js ]] || bad "cmi5: the cmi5 client is missing"
  else
    manifest=$dir/imsmanifest.xml
    [[ -f $dir/vendor/cmi5.js ]] && bad "$format: carries the cmi5 client"
  fi
  xmllint --noout "$manifest" || { bad "$format: manifest is not well-formed XML"; continue; }
  if [[ $format == cmi5 ]]; then
    # cmi5 course structure: courseStructure > course[@id] with title and description, and au[@id]
    # with title, description and url (a relative URL of a file in the package).
    [[ $(xp "$manifest" "count(/*[local-name()='courseStructure']/*[local-name()='course'][@id])") == 1 ]] || bad "cmi5: course@id"
    [[ $(xp "$manifest" "namespace-uri(/*)") == "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd" ]] || bad "cmi5: namespace"
    [[ $(xp "$manifest" "count(//*[local-name()='course']/*[local-name()='title']/*[local-name()='langstring'][@lang])") -ge 1 ]] || bad "cmi5: course title"
    [[ $(xp "$manifest" "count(//*[local-name()='au'][@id][*[local-name()='title']][*[local-name()='description']])") == 1 ]] || bad "cmi5: au"
    url=$(xp "$manifest" "string(//*[local-name()='au']/*[local-name()='url'])")
    [[ -f $dir/$url ]] || bad "cmi5: au url '$url' is not in the package"
    mastery=$(xp "$manifest" "string(//*[local-name()='au']/@masteryScore)")
    [[ $mastery == 1 ]] || bad "cmi5: masteryScore '$mastery'"
  else
    # IMS content packaging + ADL SCORM: metadata/schema(version), organizations@default naming
    # an organization, an item pointing to a resource, the resource a SCO whose href and files
    # are in the package.
    want=$([[ $format == scorm12 ]] && echo "1.2" || echo "2004 4th Edition")
    [[ $(xp "$manifest" "string(//*[local-name()='metadata']/*[local-name()='schema'])") == "ADL SCORM" ]] || bad "$format: schema"
    [[ $(xp "$manifest" "string(//*[local-name()='metadata']/*[local-name()='schemaversion'])") == "$want" ]] || bad "$format: schemaversion"
    def=$(xp "$manifest" "string(/*[local-name()='manifest']/*[local-name()='organizations']/@default)")
    [[ $(xp "$manifest" "count(//*[local-name()='organization'][@identifier='$def'][*[local-name()='title']])") == 1 ]] || bad "$format: default organization"
    ref=$(xp "$manifest" "string(//*[local-name()='organization']/*[local-name()='item']/@identifierref)")
    attr=$([[ $format == scorm12 ]] && echo scormtype || echo scormType)
    [[ $(xp "$manifest" "string(//*[local-name()='resource'][@identifier='$ref']/@*[local-name()='$attr'])") == sco ]] || bad "$format: resource is not a sco"
    href=$(xp "$manifest" "string(//*[local-name()='resource'][@identifier='$ref']/@href)")
    [[ -f $dir/$href ]] || bad "$format: launch file '$href' not in the package"
    n=$(xp "$manifest" "count(//*[local-name()='file'])")
    for i in $(seq 1 "$n"); do
      f=$(xp "$manifest" "string((//*[local-name()='file'])[$i]/@href)")
      [[ -f $dir/$f ]] || bad "$format: manifest lists $f, not in the package"
    done
    [[ $n -ge 10 ]] || bad "$format: only $n files listed"
  fi
done

# the same input gives the same bytes
"$motsim" package "$lesson" --scenario "$hotel" --format scorm12 -o "$tmp/again.zip" >/dev/null 2>&1
cmp -s "$tmp/scorm12.zip" "$tmp/again.zip" || bad "two packages of the same lesson differ"

# bad input: exit 1, the file's pointer and message on stderr, nothing written
expect_bad() {  # expect_bad NAME GREP ARGS...
  local name=$1 want=$2; shift 2
  local out=$tmp/bad-$name.zip
  "$motsim" package "$@" -o "$out" >/dev/null 2>"$tmp/err.txt"
  local rc=$?
  [[ $rc == 1 ]] || bad "$name: exit $rc, want 1"
  grep -qF -- "$want" "$tmp/err.txt" || bad "$name: stderr lacks '$want': $(cat "$tmp/err.txt")"
  [[ -e $out || -e $out.part ]] && bad "$name: something was written"
}
b=$src/tests/bad_lessons
expect_bad unknown_metric "unknown_metric.json: /steps/0/goals/0/metric: unknown metric 'happiness'" \
  "$b/unknown_metric.json" --scenario "$hotel" --format scorm12
expect_bad out_of_range "goal_out_of_range.json: /steps/0/goals/0/at_least: is out of range" \
  "$b/goal_out_of_range.json" --scenario "$hotel" --format scorm2004
expect_bad locked "locked_missing_path.json: /locked/1: '/moments/front_desk/positive' is not a parameter" \
  "$b/locked_missing_path.json" --scenario "$hotel" --format cmi5
expect_bad mirror "/mirror/1:" "$b/mirror_missing_path.json" --scenario "$hotel" --format cmi5
expect_bad profit "/steps/0/goals/0/metric: 'profit' needs a scenario with a money block" \
  "$b/profit_without_money.json" --scenario "$hotel" --format scorm12
expect_bad no_steps "/steps: must be an array of 1 to 50 steps" "$b/no_steps.json" --scenario "$hotel" --format scorm12
expect_bad syntax "syntax.json: line 1, column" "$b/syntax.json" --scenario "$hotel" --format scorm12
expect_bad no_format "--format is missing" "$lesson" --scenario "$hotel"
expect_bad bad_format "--format 'scorm3' is not one of" "$lesson" --scenario "$hotel" --format scorm3
expect_bad no_scenario "--scenario is missing" "$lesson" --format cmi5
expect_bad bad_scenario "missing_moments.json: /: missing required key 'moments'" "$lesson" --scenario "$src/tests/bad/missing_moments.json" --format cmi5
expect_bad no_lesson_file "cannot read" "$tmp/none.json" --scenario "$hotel" --format cmi5
expect_bad no_site "is missing in $tmp/nosite" "$lesson" --scenario "$hotel" --format cmi5 --site "$tmp/nosite"
"$motsim" package "$lesson" --scenario "$hotel" --format cmi5 >/dev/null 2>"$tmp/err.txt"
[[ $? == 1 ]] && grep -q -- "-o is missing" "$tmp/err.txt" || bad "no -o: $(cat "$tmp/err.txt")"
"$motsim" package "$lesson" --scenario "$hotel" --format cmi5 -o "$tmp/no/such/dir/x.zip" >/dev/null 2>"$tmp/err.txt"
[[ $? == 1 ]] || bad "unwritable -o: not exit 1"
[[ -e $tmp/no ]] && bad "unwritable -o: a folder was made"
"$motsim" package "$lesson" --scenario "$hotel" --format cmi5 -o "$tmp/x.zip" --colour red >/dev/null 2>&1
[[ $? == 2 ]] || bad "an unknown option is a usage error (2)"

[[ $fail == 0 ]] && echo "package tests passed"
exit $fail
