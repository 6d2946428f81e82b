// Checks assets/lesson.schema.json with Ajv (draft 2020-12) against the lesson files:
//   - web/examples/lesson.json and an inline lesson with every key must pass;
//   - tests/bad_lessons files the schema can see must fail; those only the loader can see (a
//     path or metric the scenario lacks, a syntax error) must pass or be unreadable JSON;
//   - each mutation of the full lesson in MUTATIONS must fail.
// Usage: node tests/schema/check_lesson_schema.mjs   (exit 1 and the reasons on a mismatch)
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const schema = JSON.parse(readFileSync(join(root, "assets", "lesson.schema.json"), "utf8"));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const failures = [];

const SCHEMA_DETECTABLE = ["unknown_metric", "goal_out_of_range", "no_steps"];
const LOADER_ONLY = ["locked_missing_path", "mirror_missing_path", "profit_without_money"];
const NOT_JSON = ["syntax"];
const listed = new Set([...SCHEMA_DETECTABLE, ...LOADER_ONLY, ...NOT_JSON]);
for (const f of readdirSync(join(root, "tests", "bad_lessons")))
  if (f.endsWith(".json") && !listed.has(f.slice(0, -5)))
    failures.push(`tests/bad_lessons/${f}: not listed in check_lesson_schema.mjs`);

function check(label, data, mustPass) {
  const ok = validate(data);
  if (ok !== mustPass)
    failures.push(`${label}: should ${mustPass ? "pass" : "fail"} the schema` +
      (ok ? "" : `: ${JSON.stringify(validate.errors.slice(0, 3))}`));
}
const read = (name) => JSON.parse(readFileSync(join(root, "tests", "bad_lessons", name + ".json"), "utf8"));
check("web/examples/lesson.json", JSON.parse(readFileSync(join(root, "web", "examples", "lesson.json"), "utf8")), true);
for (const n of SCHEMA_DETECTABLE) check(`tests/bad_lessons/${n}.json`, read(n), false);
for (const n of LOADER_ONLY) check(`tests/bad_lessons/${n}.json`, read(n), true);
for (const n of NOT_JSON) {
  try { read(n); failures.push(`tests/bad_lessons/${n}.json: should not be JSON`); } catch { /* as meant */ }
}

const FULL = {
  title: "Keep them coming back", introduction: "You run a razor shop.",
  steps: [
    { text: "Profit", goals: [{ metric: "profit", at_least: -500 }, { metric: "nps", at_most: 40 }], max_changed_moments: 2 },
    { text: "Share", goals: [{ metric: "conversion", at_least: 0.4 }] },
  ],
  locked: ["/moments/shop/*"], panels: { menu: false, story: true }, mirror: ["/moments/research/positive"],
};
check("every key", FULL, true);
const MUTATIONS = [
  ["unknown top-level key", (d) => { d.lessons = []; }],
  ["no steps", (d) => { delete d.steps; }],
  ["51 steps", (d) => { d.steps = Array(51).fill(d.steps[1]); }],
  ["step without goals", (d) => { delete d.steps[1].goals; }],
  ["goal with both bounds", (d) => { d.steps[1].goals[0].at_most = 0.9; }],
  ["goal without a bound", (d) => { delete d.steps[1].goals[0].at_least; }],
  ["share above 1", (d) => { d.steps[1].goals[0].at_least = 40; }],
  ["nps below -100", (d) => { d.steps[0].goals[1].at_most = -101; }],
  ["negative count", (d) => { d.steps[1].goals[0] = { metric: "purchases", at_least: -1 }; }],
  ["unknown metric", (d) => { d.steps[1].goals[0].metric = "joy"; }],
  ["max_changed_moments not whole", (d) => { d.steps[0].max_changed_moments = 1.5; }],
  ["unknown panel", (d) => { d.panels.map = true; }],
  ["locked path not absolute", (d) => { d.locked = ["moments/shop"]; }],
  ["13 mirror sliders", (d) => { d.mirror = Array(13).fill("/ticks"); }],
  ["title too long", (d) => { d.title = "x".repeat(201); }],
];
for (const [label, mutate] of MUTATIONS) {
  const d = structuredClone(FULL);
  mutate(d);
  check(`mutation "${label}"`, d, false);
}
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(`lesson schema: ${3 + SCHEMA_DETECTABLE.length + LOADER_ONLY.length + MUTATIONS.length} checks passed`);
