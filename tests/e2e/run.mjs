// Lingyan browser tests: playwright-core drives Debian's Chromium
// (/usr/bin/chromium; never a downloaded browser) against a running server.
//
//   LINGYAN_BASE_URL   the server, e.g. http://127.0.0.1:41234 (required)
//   LINGYAN_E2E_LABEL  names the run in screenshot files (sqlite, postgres)
//   LINGYAN_E2E_OUT    screenshot directory (default ../../target/e2e)
//   LINGYAN_E2E_ONLY   run only the flows named here (comma-separated)
//
// Every flow runs in both languages on a 375 px wide phone viewport. A flow
// fails on a thrown error, on any console error (CSP violations included)
// and on a page wider than the screen.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { flows } from "./flows/index.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const base = process.env.LINGYAN_BASE_URL;
if (!base) {
  console.error("LINGYAN_BASE_URL is not set");
  process.exit(2);
}
const label = process.env.LINGYAN_E2E_LABEL || "run";
const outDir = resolve(here, process.env.LINGYAN_E2E_OUT || "../../target/e2e");
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

const only = (process.env.LINGYAN_E2E_ONLY || "").split(",").filter(Boolean);
let failed = 0;
for (const flow of flows.filter((f) => !only.length || only.includes(f.name))) {
  for (const lang of ["zh-CN", "en"]) {
    const context = await browser.newContext({
      locale: lang,
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const errors = [];
    const allowed = [];
    page.on("console", (m) => {
      if (m.type() === "error" && !allowed.some((re) => re.test(m.text()))) errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    const t = {
      base,
      lang,
      label,
      zh: lang === "zh-CN",
      async shot(name) {
        const file = `${outDir}/${name}-${lang}-${label}.png`;
        await page.screenshot({ path: file, fullPage: true });
        return file;
      },
      async fitsPhone() {
        const w = await page.evaluate(() => document.documentElement.scrollWidth);
        if (w > 375) throw new Error(`page ${page.url()} is ${w}px wide at a 375px viewport`);
      },
      expect(cond, message) {
        if (!cond) throw new Error(message);
      },
      // A console error the flow provokes on purpose (a refused form
      // answers 422, which Chromium reports).
      allowConsole(re) {
        allowed.push(re);
      },
    };
    const name = `${flow.name} [${lang}, ${label}]`;
    try {
      await flow.run(page, t);
      if (errors.length) throw new Error(`console errors: ${errors.join(" | ")}`);
      console.log(`ok   ${name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e.message}`);
      await page.screenshot({ path: `${outDir}/FAILED-${flow.name}-${lang}-${label}.png`, fullPage: true }).catch(() => {});
    }
    await context.close();
  }
}
await browser.close();
console.log(failed ? `${failed} browser flow(s) failed` : "all browser flows passed");
process.exit(failed ? 1 : 0);
