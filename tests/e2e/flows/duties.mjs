// Duties on a phone: a director adopts the "eight ones" preset from the
// library, opens the progress matrix (filters, a cell's drill-down); a
// teacher then sees "My duties" on the home page and opens the full list.
import { login } from "./session.mjs";

export const duties = {
  name: "duties",
  async run(page, t) {
    await login(page, t, t.zh ? "director" : "principal", "/duties");
    // The matrix page links to the rules of the school.
    await Promise.all([page.waitForLoadState("load"), page.click('a[href$="/duties/rules"]')]);
    await t.fitsPhone();
    // One form for the library: the preset is the button pressed, and the
    // rules count from the date above it (today).
    const adopt = page.locator('#adopt-form button[name="preset"][value="all-eight-ones"]');
    await Promise.all([page.waitForLoadState("load"), adopt.click()]);
    const rules = await page.textContent("#duty-rules");
    // Listed by name; the rule's code is not shown.
    t.expect(
      rules.includes(t.zh ? "每两周一篇读书笔记" : "A reading note every two weeks") && !rules.includes("a8_reading_note"),
      "the adopted rules are listed by name",
    );
    await t.shot("duty-rules");

    await page.goto(`${t.base}/duties`);
    // On a phone the matrix is a list of teacher cards.
    await page.waitForSelector("#matrix-cards");
    await t.fitsPhone();
    await page.selectOption('select[name="sort"]', "name");
    await Promise.all([page.waitForLoadState("load"), page.click('form.filters button[type="submit"]')]);
    t.expect(page.url().includes("sort=name"), `sorted: ${page.url()}`);
    await t.shot("duty-matrix");
    // Drill down from the first duty behind, and come back.
    await Promise.all([page.waitForLoadState("load"), page.locator('#matrix-cards a[href*="#duty-"]').first().click()]);
    t.expect(/\/teachers\/\d+\/duties/.test(page.url()), `drill-down: ${page.url()}`);
    await page.waitForSelector(".duty-card");
    await t.fitsPhone();
    await Promise.all([page.waitForLoadState("load"), page.click("#back-to-matrix")]);
    t.expect(page.url().includes("/duties") && page.url().includes("sort=name"), `back to the matrix: ${page.url()}`);

    // A teacher who keeps the browser's language (the login flow saved
    // zh-CN on "teacher" and en on "leader"; both keep portfolios).
    await login(page, t, t.zh ? "teacher" : "leader", "/");
    await page.waitForSelector("#my-duties");
    const card = await page.textContent("#my-duties");
    t.expect(card.includes(t.zh ? "每两周一篇读书笔记" : "A reading note every two weeks"), "the card lists the duty");
    await t.fitsPhone();
    await t.shot("my-duties-card");
    await Promise.all([page.waitForLoadState("load"), page.click("#my-duties h2 a")]);
    await page.waitForSelector("#reminders");
    await t.fitsPhone();
    await t.shot("my-duties");
  },
};
