// Shared helpers of the browser tests (app.test.mjs, embed.test.mjs) and the screenshot tools in
// scripts/tools/: launching Chromium, recording checks, decoding screenshots, serving the site,
// and the runner's test loop and watchdog. No test framework.
// Needs playwright-core (npm, in the repository's node_modules) and /usr/bin/chromium.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import zlib from "node:zlib";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "..", "..");
const require = createRequire(path.join(repo, "package.json"));
const { chromium } = require("playwright-core");

// ==== Command line ================================================================================

// SITE_DIR and ARTIFACT_DIR from the command line of `script` (resolved); exits 2 with the usage
// line when either is missing.
export function siteAndArtifactDirs(script) {
  const [siteArg, artifactArg] = process.argv.slice(2);
  if (!siteArg || !artifactArg) {
    console.error(`usage: node ${script} SITE_DIR ARTIFACT_DIR`);
    process.exit(2);
  }
  return { siteDir: path.resolve(siteArg), artifactDir: path.resolve(artifactArg) };
}

// ==== Chromium ===================================================================================

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--use-angle=swiftshader", "--enable-unsafe-swiftshader"];

export function launchBrowser() {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, headless: true });
}

// ==== Checks =====================================================================================

// check(ok, what, detail) prints "ok: ..." or "FAIL: ..." and records failures; summary() prints
// the totals and the failed checks and sets the exit code (0 when every check passed, 1 otherwise).
export function createChecker() {
  const failures = [];
  let passed = 0;
  function check(ok, what, detail) {
    if (ok) {
      passed++;
      console.log(`ok: ${what}`);
    } else {
      failures.push(what);
      console.log(`FAIL: ${what}${detail !== undefined ? `  (${typeof detail === "string" ? detail : JSON.stringify(detail)})` : ""}`);
    }
    return ok;
  }
  function summary(t0, artifactDir) {
    console.log(`\n${passed} passed, ${failures.length} failed in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${artifactDir}`);
    if (failures.length) {
      console.log("failed:");
      for (const f of failures) console.log(`  - ${f}`);
    }
    process.exitCode = failures.length ? 1 : 0;
  }
  return { check, failures, summary, get passed() { return passed; } };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ==== PNG decoding (8-bit RGB/RGBA, non-interlaced: what Chromium's screenshots are) ===============

export function decodePng(buf) {
  const sig = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  if (!buf.subarray(0, 8).equals(sig)) throw new Error("not a PNG");
  let at = 8, width = 0, height = 0, depth = 0, type = 0, interlace = 0;
  const idat = [];
  while (at < buf.length) {
    const len = buf.readUInt32BE(at);
    const kind = buf.toString("latin1", at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    if (kind === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8];
      type = data[9];
      interlace = data[12];
    } else if (kind === "IDAT") idat.push(data);
    else if (kind === "IEND") break;
    at += 12 + len;
  }
  if (depth !== 8 || (type !== 2 && type !== 6) || interlace !== 0)
    throw new Error(`unsupported PNG: depth ${depth}, colour type ${type}, interlace ${interlace}`);
  const bpp = type === 6 ? 4 : 3;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(width * height * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? line[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      let v;
      switch (filter) {
        case 0: v = 0; break;
        case 1: v = a; break;
        case 2: v = b; break;
        case 3: v = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          v = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`bad PNG filter ${filter} on row ${y}`);
      }
      line[i] = (line[i] + v) & 255;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      out[o] = line[x * bpp];
      out[o + 1] = line[x * bpp + 1];
      out[o + 2] = line[x * bpp + 2];
      out[o + 3] = bpp === 4 ? line[x * bpp + 3] : 255;
    }
    prev = line;
  }
  return { width, height, data: out };
}

// Statistics of the pixels in a rectangle (image pixels), with optional colour classifiers.
export function regionStats(img, rect, classes = {}) {
  const x0 = Math.max(0, Math.floor(rect.x)), y0 = Math.max(0, Math.floor(rect.y));
  const x1 = Math.min(img.width, Math.ceil(rect.x + rect.w)), y1 = Math.min(img.height, Math.ceil(rect.y + rect.h));
  const colours = new Set();
  const counts = Object.fromEntries(Object.keys(classes).map((k) => [k, 0]));
  let n = 0, sum = 0, sum2 = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const o = (y * img.width + x) * 4;
      const r = img.data[o], g = img.data[o + 1], b = img.data[o + 2];
      colours.add((r << 16) | (g << 8) | b);
      const lum = 0.299 * r + 0.587 * g + 0.114 * b;
      n++;
      sum += lum;
      sum2 += lum * lum;
      for (const k in classes) if (classes[k](r, g, b)) counts[k]++;
    }
  const mean = n ? sum / n : 0;
  return { pixels: n, distinct: colours.size, lumStd: n ? Math.sqrt(Math.max(0, sum2 / n - mean * mean)) : 0, counts };
}

// The number of distinct RGB colours in a whole image.
export function distinctColours(img) {
  const set = new Set();
  for (let i = 0; i < img.data.length; i += 4) set.add((img.data[i] << 16) | (img.data[i + 1] << 8) | img.data[i + 2]);
  return set.size;
}

// ==== Page helpers ===============================================================================

// Wait for n animation frames (the app draws one ImGui frame per animation frame).
export async function frames(page, n = 2) {
  await page.evaluate((n) => new Promise((resolve) => {
    let k = 0;
    const tick = () => (++k >= n ? resolve() : requestAnimationFrame(tick));
    requestAnimationFrame(tick);
  }), n);
}

// ==== Runner =====================================================================================

// Starts scripts/serve.mjs on a free port for siteDir; resolves to { proc, url } once it prints its URL.
export function startServer(siteDir) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [path.join(repo, "scripts", "serve.mjs"), siteDir, "--port", "0"],
                       { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`serve.mjs printed no URL in 10 s: ${out}`)), 10000);
    proc.stdout.on("data", (d) => {
      out += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1] });
      }
    });
    proc.stderr.on("data", (d) => { out += d; });
    proc.on("exit", (code) => { clearTimeout(timer); reject(new Error(`serve.mjs exited (${code}): ${out}`)); });
  });
}

// Runs cleanup on exit, and stops the whole run (exit code 1) after `seconds`. Returns the
// watchdog's timer, for clearTimeout once the run is over.
export function startWatchdog(seconds, cleanup) {
  process.on("exit", cleanup);
  return setTimeout(() => {
    console.log(`FAIL: the whole run took over ${seconds} s; stopping`);
    cleanup();
    process.exit(1);
  }, seconds * 1000);
}

// Runs [name, fn, essential] tests in order with fn(ctx); a test that throws is a failed check,
// and an essential one that throws stops the rest.
export async function runTests(tests, ctx, check) {
  for (const [name, fn, essential] of tests) {
    console.log(`-- ${name}`);
    const ts = Date.now();
    try {
      await fn(ctx);
    } catch (e) {
      check(false, `${name}: threw ${e && e.stack ? e.stack.split("\n").slice(0, 3).join(" | ") : e}`);
      if (essential) break;
    }
    console.log(`   (${((Date.now() - ts) / 1000).toFixed(1)} s)`);
  }
}

// The whole run: a watchdog of `seconds`; setup(launch) starts what the tests need (launch()
// starts Chromium) and returns their ctx; the tests run in order; after(ctx) makes the closing
// checks. An exception outside the tests is a failed "test setup" check. Then the browser is
// closed, cleanup() runs, and the totals are printed with checker.summary().
export async function runSuite({ checker, artifactDir, seconds, cleanup, setup, tests, after }) {
  const t0 = Date.now();
  let browser = null;
  const watchdog = startWatchdog(seconds, cleanup);
  try {
    const ctx = await setup(async () => (browser = await launchBrowser()));
    await runTests(tests, ctx, checker.check);
    after(ctx);
  } catch (e) {
    checker.check(false, `test setup: ${e && e.message ? e.message : e}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    cleanup();
    clearTimeout(watchdog);
  }
  checker.summary(t0, artifactDir);
}
