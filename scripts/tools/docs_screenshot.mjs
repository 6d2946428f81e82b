// Takes the README screenshot: the hotel scenario after a few seconds, with a story open.
// usage: node scripts/tools/docs_screenshot.mjs URL OUT.png   (with the site served)
import { chromium } from "playwright-core";
import fs from "node:fs";
const [url, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
page.on("console", m => { if (m.type() === "error") console.log("console error:", m.text()); });
await page.goto(url);
await page.waitForFunction(() => window.motsim, null, { timeout: 20000 });
const hotel = fs.readFileSync("assets/scenarios/hotel.json", "utf8");
await page.evaluate(t => { window.motsim.load(t, "hotel.json"); window.motsim.set("speed", 40); }, hotel);
await page.waitForTimeout(4000);
// pick a customer for the story: shift-click is awkward headless; use the Random button via its story panel
const r = await page.evaluate(() => window.motsim.widget("story"));
await page.mouse.click(r.x + 60, r.y + 40);
await page.waitForTimeout(1500);
await page.screenshot({ path: out });
console.log(await page.evaluate(() => window.motsim.story()));
await browser.close();
