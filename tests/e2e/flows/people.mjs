// A training director finds a colleague with the live search (htmx under
// the strict CSP) and opens the account.
export const people = {
  name: "people",
  async run(page, t) {
    await page.goto(`${t.base}/login?next=%2Fusers`);
    await page.fill('input[name="username"]', "director");
    await page.fill('input[name="password"]', "lingyan-demo");
    await Promise.all([page.waitForURL(`${t.base}/users`), page.click('button[type="submit"].primary')]);
    const rows = await page.locator("#user-table tbody tr").count();
    t.expect(rows >= 5, `director sees the school's accounts (${rows})`);

    await Promise.all([
      page.waitForResponse((r) => r.url().includes("/users?") && r.request().headers()["hx-request"] === "true"),
      page.fill('input[name="q"]', "李"),
    ]);
    await page.waitForFunction(() => document.querySelectorAll("#user-table tbody tr").length === 1);
    t.expect((await page.textContent("#user-table")).includes("李秀英"), "search finds the mentor");
    await t.fitsPhone();
    await t.shot("people-search");

    await Promise.all([page.waitForLoadState("load"), page.click("#user-table a")]);
    t.expect((await page.textContent("h1")).includes("李秀英"), "account page opens");
    await t.fitsPhone();
    await t.shot("person");
  },
};
