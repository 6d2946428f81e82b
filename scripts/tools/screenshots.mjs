// The documentation's screenshots, taken from the served site with the hotel scenario:
//   docs/screenshot.png (the README's: a few seconds of play, a customer's story open) and
//   OUTDIR/experiment-rank.png, OUTDIR/experiment-replicate.png (the experiment tabs).
// usage: node scripts/tools/screenshots.mjs URL OUTDIR   (serve it with scripts/serve.mjs)
import fs from "node:fs";
import path from "node:path";
import { launchBrowser } from "../../tests/browser/harness.mjs";

const [url, out] = process.argv.slice(2);
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
page.on("console", m => { if (m.type() === "error") console.log("console error:", m.text()); });
await page.goto(url);
await page.waitForFunction(() => window.motsim, null, { timeout: 20000 });
const hotel = fs.readFileSync("assets/scenarios/hotel.json", "utf8");
await page.evaluate(t => { window.motsim.load(t, "hotel.json"); window.motsim.set("speed", 40); }, hotel);
await page.waitForTimeout(4000);

// The story panel's "Random customer" button (shift-click on a dot is awkward headless).
const story = await page.evaluate(() => window.motsim.widget("story"));
await page.mouse.click(story.x + 60, story.y + 40);
await page.waitForTimeout(1500);
await page.screenshot({ path: path.join(out, "screenshot.png") });
console.log(await page.evaluate(() => window.motsim.story()));

for (const kind of ["rank", "replicate"]) {
  await page.evaluate(k => window.motsim.command(k), kind);
  await page.waitForFunction(() => !window.motsim.state().experiment.running, null, { timeout: 120000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(out, `experiment-${kind}.png`) });
  console.log(kind, JSON.stringify(await page.evaluate(() => window.motsim.state().experiment)));
}
await browser.close();
