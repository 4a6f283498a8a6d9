import { chromium } from "playwright-core";
const base = process.env.BASE;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
const pages = (process.env.PAGES || "/province").split(",");
for (const user of (process.env.USERS || "sysadmin").split(",")) {
  for (const lang of ["zh-CN", "en"]) {
    for (const width of [1280, 375]) {
      const ctx = await browser.newContext({ locale: lang, viewport: { width, height: 900 }, isMobile: width < 500 });
      const page = await ctx.newPage();
      await page.goto(`${base}/login`);
      await page.fill('input[name="username"]', user);
      await page.fill('input[name="password"]', "lingyan-demo");
      await Promise.all([page.waitForURL(`${base}/`), page.click('button[type="submit"].primary')]);
      if ((await page.getAttribute("html", "lang")) !== lang) {
        await Promise.all([page.waitForLoadState("load"), page.click(`form.lang button[value="${lang}"]`)]);
        await page.waitForSelector(`html[lang="${lang}"]`);
      }
      for (const p of pages) {
        await page.goto(`${base}${p}`);
        await page.waitForTimeout(800);
        const w = await page.evaluate(() => document.documentElement.scrollWidth);
        const name = `/tmp/shots/${user}${p.replace(/[^a-z0-9]+/gi, "_")}-${lang}-${width}.png`;
        await page.screenshot({ path: name, fullPage: true });
        console.log(name, "scrollWidth", w);
      }
      await ctx.close();
    }
  }
}
await browser.close();
