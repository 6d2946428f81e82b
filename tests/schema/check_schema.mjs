// Checks assets/scenario.schema.json against the scenario files, with Ajv (draft 2020-12):
//   - every assets/scenarios/*.json, tests/scenarios/*.json and tests/warn/*.json must pass;
//   - every tests/bad file listed in SCHEMA_DETECTABLE must fail (the others are broken in ways
//     only the loader can see: syntax, encoding, graph, cross references, sums), and those in
//     LOADER_ONLY must pass (the schema is not stricter than the loader);
//   - the v2 keys: an inline scenario with all of them passes, valid variants pass, and each
//     broken variant fails; every v2 key is in the schema with a description.
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
  // v2 blocks
  "v2_cost_negative",
  "v2_loyalty_after_zero",
  "v2_loyalty_base_over_one",
  "v2_loyalty_negative_impression",
  "v2_loyalty_no_return_to",
  "v2_loyalty_return_to_done",   // momentId excludes the terminals
  "v2_market_missing_keys",
  "v2_market_size_not_whole",
  "v2_market_size_too_large",
  "v2_market_size_zero",
  "v2_market_with_arrivals",     // the schema's if/then on market
  "v2_market_with_referral_rate",
  "v2_money_bad_currency",
  "v2_money_long_currency",
  "v2_nps_unknown_asked",
  "v2_review_missing_group",
  "v2_review_out_of_range",
];

// Bad files that only the loader can refuse (cross references, min > max, a comparison of two
// keys): the schema must accept them, which shows it is not stricter than the loader.
const LOADER_ONLY = [
  "v2_critic_above_advocate",
  "v2_loyalty_after_min_over_max",
  "v2_loyalty_unknown_return_to",
  "v2_market_initial_over_size",
];

// Every v2 key, inline: a scenario that uses them all must pass, and each mutation must fail.
// (A mutation is [description, function that breaks a deep copy].)
const V2_FULL = {
  motsim: 1,
  population: { initial: 10, arrivals_per_tick: 0, max_customers: 5000 },
  word_of_mouth: { referral_rate: 0, critic_threshold: -0.4 },
  market: { size: 10000, advertising: 0.001, word_of_mouth: 0.03, negative: 0.5 },
  loyalty: { return_to: { research: 3, buy: 1 }, after: { min: 20, max: 40 }, base: 0.3, impression: 2 },
  nps: { asked: "finished" },
  money: { currency: "EUR", revenue: 80 },
  moments: [
    { id: "research", positive: 0.5, negative: 0.2, review: 0.05, cost: { visit: 0.5 } },
    { id: "buy", positive: 0.7, negative: 0.1, purchase: true, magic: 0.2,
      review: { promoter: 0.08, passive: 0.03, detractor: 0.15 },
      cost: { visit: 5, magic: 20, improve: 1000 } },
  ],
};
const V2_MUTATIONS = [
  ["review group above 1", (d) => { d.moments[1].review.detractor = 1.01; }],
  ["review object without passive", (d) => { delete d.moments[1].review.passive; }],
  ["review object with an unknown group", (d) => { d.moments[1].review.angry = 0.2; }],
  ["review as text", (d) => { d.moments[0].review = "often"; }],
  ["cost below 0", (d) => { d.moments[1].cost.magic = -1; }],
  ["cost above 1e9", (d) => { d.moments[1].cost.improve = 2e9; }],
  ["unknown cost key", (d) => { d.moments[1].cost.staff = 1; }],
  ["market size not whole", (d) => { d.market.size = 10.5; }],
  ["market size 0", (d) => { d.market.size = 0; }],
  ["market without advertising", (d) => { delete d.market.advertising; }],
  ["market advertising above 1", (d) => { d.market.advertising = 1.5; }],
  ["market word_of_mouth above 10", (d) => { d.market.word_of_mouth = 11; }],
  ["market negative below 0", (d) => { d.market.negative = -0.1; }],
  ["market with arrivals", (d) => { d.population.arrivals_per_tick = 5; }],
  ["market with referrals", (d) => { d.word_of_mouth.referral_rate = 0.01; }],
  ["loyalty without after", (d) => { delete d.loyalty.after; }],
  ["loyalty without base", (d) => { delete d.loyalty.base; }],
  ["loyalty return_to lost", (d) => { d.loyalty.return_to = "lost"; }],
  ["loyalty return_to weight 0", (d) => { d.loyalty.return_to.buy = 0; }],
  ["loyalty after 0", (d) => { d.loyalty.after = 0; }],
  ["loyalty after 2.5", (d) => { d.loyalty.after = 2.5; }],
  ["loyalty after without max", (d) => { delete d.loyalty.after.max; }],
  ["loyalty base above 1", (d) => { d.loyalty.base = 1.5; }],
  ["loyalty negative impression", (d) => { d.loyalty.impression = -1; }],
  ["nps asked unknown", (d) => { d.nps.asked = "customers"; }],
  ["nps unknown key", (d) => { d.nps.who = "buyers"; }],
  ["money currency empty", (d) => { d.money.currency = ""; }],
  ["money currency too long", (d) => { d.money.currency = "Euros of the Realm"; }],
  ["money revenue below 0", (d) => { d.money.revenue = -1; }],
  ["critic_threshold below -1", (d) => { d.word_of_mouth.critic_threshold = -1.5; }],
];
const V2_ALSO_VALID = [
  ["loyalty alone with Poisson arrivals", (d) => {
    delete d.market; d.population.arrivals_per_tick = 30; d.word_of_mouth.referral_rate = 0.02; }],
  ["market with arrivals_per_tick absent", (d) => { delete d.population.arrivals_per_tick; }],
  ["loyalty after as one number, return_to as one id", (d) => {
    d.loyalty.after = 30; d.loyalty.return_to = "buy"; }],
  ["loyalty base 0 and 1", (d) => { d.loyalty.base = 1; }],
  ["nps asked everyone", (d) => { d.nps.asked = "everyone"; }],
  ["money without currency", (d) => { delete d.money.currency; }],
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

for (const name of LOADER_ONLY) {
  const f = join(root, "tests", "bad", `${name}.json`);
  if (!existsSync(f)) {
    failures.push(`${rel(f)}: listed in LOADER_ONLY but missing`);
    continue;
  }
  check(f, true);
}

function checkInline(label, data, mustPass) {
  checked++;
  const ok = validate(data);
  if (mustPass && !ok) {
    const errs = validate.errors.slice(0, 5).map((e) => `    ${e.instancePath || "/"} ${e.message}`);
    failures.push(`v2 inline "${label}": should pass the schema but fails:\n${errs.join("\n")}`);
  } else if (!mustPass && ok) {
    failures.push(`v2 inline "${label}": should fail the schema but passes`);
  }
}
checkInline("every v2 key", V2_FULL, true);
for (const [label, mutate] of V2_ALSO_VALID) {
  const d = structuredClone(V2_FULL);
  mutate(d);
  checkInline(label, d, true);
}
for (const [label, mutate] of V2_MUTATIONS) {
  const d = structuredClone(V2_FULL);
  mutate(d);
  checkInline(label, d, false);
}

// Every v2 key of the loader is described in the schema (a key added to one and not the other
// shows up here).
const V2_KEYS = {
  "": ["loyalty", "market", "nps", "money"],
  "/properties/loyalty": ["return_to", "after", "base", "impression"],
  "/properties/market": ["size", "advertising", "word_of_mouth", "negative"],
  "/properties/nps": ["asked"],
  "/properties/money": ["currency", "revenue"],
  "/properties/word_of_mouth": ["critic_threshold"],
  "/$defs/moment": ["cost", "review"],
  "/$defs/moment/properties/cost": ["visit", "magic", "improve"],
};
for (const [where, keys] of Object.entries(V2_KEYS)) {
  let node = schema;
  for (const part of where.split("/").filter(Boolean)) node = node?.[part];
  for (const k of keys) {
    checked++;
    const p = node?.properties?.[k];
    if (!p) failures.push(`schema${where}: no property '${k}'`);
    else if (!p.description) failures.push(`schema${where}/properties/${k}: no description for trainers`);
  }
}

if (failures.length > 0) {
  console.error(failures.join("\n"));
  console.error(`schema check: ${failures.length} of ${checked} files and cases misbehaved`);
  process.exit(1);
}
console.log(`schema check: ${checked} files and cases as expected`);
