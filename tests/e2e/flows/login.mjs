// Sign in through the real login page, see the home page in the browser's
// language, switch language, sign out.
export const login = {
  name: "login",
  async run(page, t) {
    await page.goto(`${t.base}/login`);
    t.expect((await page.getAttribute("html", "lang")) === t.lang, "page language follows the browser");
    const heading = await page.textContent("h1");
    t.expect(heading.includes(t.zh ? "登录" : "Sign in"), `login heading: ${heading}`);
    await t.fitsPhone();
    await t.shot("login");

    // A different account per language: switching language below saves the
    // choice on the account, which would then override the next browser.
    const [user, name] = t.zh ? ["teacher", "张晓雨"] : ["leader", "王丽华"];
    await page.fill('input[name="username"]', user);
    await page.fill('input[name="password"]', "lingyan-demo");
    await Promise.all([page.waitForURL(`${t.base}/`), page.click('button[type="submit"].primary')]);
    const greeting = await page.textContent("h1");
    t.expect(greeting.includes(t.zh ? `您好，${name}` : `Welcome, ${name}`), `greeting: ${greeting}`);
    await t.fitsPhone();
    await t.shot("home");

    // Switch to the other language and back.
    const other = t.zh ? "en" : "zh-CN";
    await Promise.all([page.waitForLoadState("load"), page.click(`form.lang button[value="${other}"]`)]);
    await page.waitForSelector(`html[lang="${other}"]`);
    await Promise.all([page.waitForLoadState("load"), page.click(`form.lang button[value="${t.lang}"]`)]);
    await page.waitForSelector(`html[lang="${t.lang}"]`);

    // The phone menu opens and signs out.
    await page.click("details.menu summary");
    await Promise.all([page.waitForURL(`${t.base}/login`), page.click("details.menu button.link")]);
  },
};
