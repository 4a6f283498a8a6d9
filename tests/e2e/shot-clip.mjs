import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:8098';
const [user, lang, width, path, out, y0, h] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const ctx = await browser.newContext({ viewport: { width: +width, height: 900 } });
const page = await ctx.newPage();
await page.goto(base + '/login');
await page.fill('input[name=username]', user);
await page.fill('input[name=password]', 'lingyan-demo');
await Promise.all([page.waitForURL(base + '/'), page.click('button[type="submit"].primary')]);
if ((await page.getAttribute("html", "lang")) !== lang) {
  await Promise.all([page.waitForLoadState("load"), page.click(`form.lang button[value="${lang}"]`)]);
  await page.waitForSelector(`html[lang="${lang}"]`);
}
await page.goto(base + path);
await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: +y0, width: +width, height: +h } });
await browser.close();
