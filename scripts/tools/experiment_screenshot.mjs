// Screenshots of the experiment tabs (rank, replications) on the hotel scenario, for docs/.
// usage: node scripts/tools/experiment_screenshot.mjs URL OUTDIR   (with the site served)
import { chromium } from "playwright-core";
import fs from "node:fs";
const [url, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
page.on("console", m => { if (m.type() === "error") console.log("console error:", m.text()); });
await page.goto(url);
await page.waitForFunction(() => window.motsim, null, { timeout: 20000 });
await page.evaluate(t => window.motsim.load(t, "hotel.json"), fs.readFileSync("assets/scenarios/hotel.json", "utf8"));
for (const kind of ["rank", "replicate"]) {
  await page.evaluate(k => window.motsim.command(k), kind);
  await page.waitForFunction(() => !window.motsim.state().experiment.running, null, { timeout: 120000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/experiment-${kind}.png` });
  console.log(kind, JSON.stringify(await page.evaluate(() => window.motsim.state().experiment)));
}
await browser.close();
