// A training director works with the registry on a phone: filters the
// teacher list, opens a teacher, imports a roster (upload → preview →
// confirm), and reads the status analysis with its chart.
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const registry = {
  name: "registry",
  async run(page, t) {
    // A separate director per language, so saved choices do not cross.
    await page.goto(`${t.base}/login?next=%2Fteachers`);
    await page.fill('input[name="username"]', t.zh ? "director" : "principal");
    await page.fill('input[name="password"]', "lingyan-demo");
    await Promise.all([page.waitForURL(`${t.base}/teachers`), page.click('button[type="submit"].primary')]);
    t.expect((await page.textContent("h1")).includes(t.zh ? "教师名册" : "Teachers"), "teacher list");

    // Filter by level: htmx swaps the table.
    await Promise.all([
      page.waitForResponse((r) => r.url().includes("/teachers?") && r.request().headers()["hx-request"] === "true"),
      page.selectOption('select[name="level"]', "provincial"),
    ]);
    await page.waitForFunction(() => document.querySelectorAll("#teacher-table tbody tr").length === 5);
    await t.fitsPhone();
    await t.shot("teachers");

    await Promise.all([page.waitForLoadState("load"), page.click("#teacher-table tbody tr a")]);
    const tier = await page.textContent("section.card .tag");
    t.expect(tier.includes(t.zh ? "骨干教师" : "Backbone teachers"), `tier shown: ${tier}`);
    await t.fitsPhone();
    await t.shot("teacher");

    // Import a small roster.
    const dir = mkdtempSync(join(tmpdir(), "lingyan-e2e-"));
    const file = join(dir, "roster.csv");
    const no = t.zh ? "Z" : "E";
    const [a, b] = t.zh ? ["浏览器甲", "浏览器乙"] : ["浏览器丙", "浏览器丁"];
    writeFileSync(file, `工号,姓名,性别,出生日期,编制\nE2E${no}1,${a},女,1997-05-01,临聘\nE2E${no}2,${b},男,1996.6.1,在编\n`);
    await page.goto(`${t.base}/import/roster`);
    await page.setInputFiles('input[type="file"]', file);
    await Promise.all([page.waitForLoadState("load"), page.click('button[type="submit"].primary')]);
    t.expect((await page.textContent("h1")).includes(t.zh ? "导入预览" : "Import preview"), "preview");
    await t.fitsPhone();
    await t.shot("import-preview");
    await Promise.all([page.waitForURL(/\/teachers\?school=/), page.click('form[action="/import/roster/confirm"] button')]);
    const flash = await page.textContent(".flash");
    t.expect(flash.includes(t.zh ? "新增 2 人" : "2 added"), `import done: ${flash}`);

    // The status analysis with its chart (ECharts under the strict CSP).
    await page.goto(`${t.base}/status`);
    await page.waitForSelector(".chart-part svg");
    const prose = await page.textContent("#status-prose");
    t.expect(prose.includes(t.zh ? "在岗教职员工" : "in-service staff"), "prose");
    await t.fitsPhone();
    await t.shot("status");
  },
};
