// Checks assets/scenario.schema.json against the scenario files, with Ajv (draft 2020-12):
//   - every assets/scenarios/*.json, tests/scenarios/*.json and tests/warn/*.json must pass;
//   - every tests/bad file listed in SCHEMA_DETECTABLE must fail (the others are broken in ways
//     only the loader can see: syntax, encoding, graph, cross references, sums).
// Usage (from anywhere): node tests/schema/check_schema.mjs
// Exits non-zero and says which file misbehaved on any mismatch.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

// Bad files whose problem a JSON Schema can express: types, ranges, unknown keys, required
// keys, id patterns, sizes of arrays. Keep in step with tests/bad.
const SCHEMA_DETECTABLE = [
  "bad_ids",                    // id pattern, reserved ids
  "causes_all_zero",            // a negative cause weight (all-zero is loader-only)
  "dwell_min_over_max",         // dwell object without "max" (min > max is loader-only)
  "empty_moments",              // minItems
  "entry_terminal_and_weights", // entry weights must be > 0, entry cannot be "done"
  "huge_number",                // 1e999 is Infinity in JavaScript: above the maximum
  "impact_out_of_range",
  "missing_moments",
  "missing_odds",
  "missing_version",
  "moments_not_objects",
  "negative_dwell",
  "non_integer_ticks",
  "not_an_object",
  "number_out_of_range",
  "phases_invalid",
  "probability_over_one",
  "route_weights",
  "segments_invalid",
  "too_deep",                   // valid JSON, but the description is not a string
  "unknown_key",
  "wrong_types",
  "wrong_version",
];

const rel = (p) => relative(root, p);
const jsonFiles = (dir) =>
  existsSync(dir)
    ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => join(dir, f))
    : [];

const schema = JSON.parse(readFileSync(join(root, "assets", "scenario.schema.json"), "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

const failures = [];
let checked = 0;

function check(file, mustPass) {
  checked++;
  let data;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    failures.push(`${rel(file)}: not readable as JSON: ${e.message}`);
    return;
  }
  const ok = validate(data);
  if (mustPass && !ok) {
    const errs = validate.errors
      .slice(0, 10)
      .map((e) => `    ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
    failures.push(`${rel(file)}: should pass the schema but fails:\n${errs.join("\n")}`);
  } else if (!mustPass && ok) {
    failures.push(`${rel(file)}: should fail the schema but passes`);
  }
}

for (const dir of [["assets", "scenarios"], ["tests", "scenarios"], ["tests", "warn"]])
  for (const f of jsonFiles(join(root, ...dir))) check(f, true);

for (const name of SCHEMA_DETECTABLE) {
  const f = join(root, "tests", "bad", `${name}.json`);
  if (!existsSync(f)) {
    failures.push(`${rel(f)}: listed in SCHEMA_DETECTABLE but missing`);
    continue;
  }
  check(f, false);
}

if (failures.length > 0) {
  console.error(failures.join("\n"));
  console.error(`schema check: ${failures.length} of ${checked} files misbehaved`);
  process.exit(1);
}
console.log(`schema check: ${checked} files as expected`);
