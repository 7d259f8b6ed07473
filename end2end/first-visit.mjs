// make bench: what a first visit to each page downloads before it is interactive, measured in
// Chromium (the browser's own record of each response's encoded body, brotli as served): the
// WASM (the main module and the chunks of the page's lazy route), the JavaScript, the rest, and
// the time until the page has hydrated. Every page in a fresh browser context (an empty cache).
// Usage: node end2end/first-visit.mjs http://127.0.0.1:3200 / /careers/15-1252.00 ...
import { chromium } from "@playwright/test";

const [base, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking"],
});
// The issue's target for a first page's WASM as served.
const targetKib = Number(process.env.FIRST_VISIT_TARGET_KIB ?? 150);
const kib = (bytes) => (bytes / 1024).toFixed(0).padStart(5);
let failed = false;
console.log(`${"page".padEnd(34)} ${"WASM KiB".padStart(8)} ${"files".padStart(5)} ${"JS KiB".padStart(6)} ${"other".padStart(6)} ${"hydrated".padStart(9)}  WASM < ${targetKib} KiB`);
for (const path of paths) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const responses = [];
  const errors = [];
  page.on("response", (response) => responses.push(response));
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  page.on("pageerror", (error) => errors.push(error.message));
  const started = Date.now();
  await page.goto(base + path);
  const hydrated = await page
    .waitForSelector('body[data-hydrated="true"]', { timeout: 30000 })
    .then(() => Date.now() - started)
    .catch(() => null);
  // Wait for the responses the page started (a chunk may still be on its way after hydration).
  await page.waitForLoadState("networkidle").catch(() => {});
  let wasm = 0, wasmFiles = 0, js = 0, other = 0;
  for (const response of responses) {
    const sizes = await response.request().sizes().catch(() => null);
    const body = sizes ? sizes.responseBodySize : 0;
    const url = new URL(response.url()).pathname;
    if (url.endsWith(".wasm")) {
      wasm += body;
      wasmFiles += 1;
    } else if (url.endsWith(".js")) js += body;
    else other += body;
  }
  console.log(
    `${path.slice(0, 34).padEnd(34)} ${kib(wasm).padStart(8)} ${String(wasmFiles).padStart(5)} ${kib(js).padStart(6)} ${kib(other).padStart(6)} ${hydrated === null ? "   NEVER" : `${hydrated} ms`.padStart(9)}  ${wasm < targetKib * 1024 ? "met" : "MISSED"}` +
      (errors.length ? `  errors: ${errors.join(" | ").slice(0, 300)}` : ""),
  );
  if (hydrated === null || errors.length) failed = true;
  await context.close();
}
await browser.close();
process.exit(failed ? 1 : 0);
