// Writes a .wasm file as a script that sets window.MOTSIM_WASM_BASE64, for an LMS package opened
// from a plain folder (file://): browsers refuse to fetch the .wasm there, but run a script.
// usage: node scripts/tools/wasm-to-js.mjs IN.wasm OUT.js
import { readFileSync, writeFileSync } from "node:fs";
const [, , input, output] = process.argv;
if (!input || !output) {
  console.error("usage: node wasm-to-js.mjs IN.wasm OUT.js");
  process.exit(2);
}
const b64 = readFileSync(input).toString("base64");
writeFileSync(output,
  "// motsim_app.wasm in base64: the launch page uses it only when opened from a plain folder (file://).\n" +
  "window.MOTSIM_WASM_BASE64 = \"" + b64 + "\";\n");
