import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:8098';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
async function login(page, user) {
  await page.goto(base + '/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', 'lingyan-demo');
  await Promise.all([page.waitForURL(base + '/'), page.click('button[type="submit"].primary')]);
}
const pages = process.argv.slice(2);
for (const lang of ['zh-CN', 'en']) {
  for (const width of [1280, 375]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale: lang, extraHTTPHeaders: { 'Accept-Language': lang } });
    const page = await ctx.newPage();
    await login(page, pages[0]);
    if ((await page.getAttribute("html", "lang")) !== lang) {
      await Promise.all([page.waitForLoadState("load"), page.click(`form.lang button[value="${lang}"]`)]);
      await page.waitForSelector(`html[lang="${lang}"]`);
    }
    for (const p of pages.slice(1)) {
      await page.goto(base + p);
      const name = p.replace(/[^a-z0-9]+/gi, '_');
      await page.screenshot({ path: `/tmp/shots/${name}-${lang}-${width}.png`, fullPage: true });
    }
    await ctx.close();
  }
}
await browser.close();
