// Mentoring on a phone: a teacher opens their pair from the home page
// (goals and the agreement, nothing to manage) and fills their stage of a
// two-way cycle on the spot; a director sees the pairs,
// the coming ceremony with its agreements to print, and records a
// proposed pair's agreement as signed; a master teacher records their
// studio's send-teaching.
import { login } from "./session.mjs";

export const mentoring = {
  name: "mentoring",
  async run(page, t) {
    // The teacher (zh) or their mentor (en): the pair from the home card.
    await login(page, t, t.zh ? "teacher" : "mentor", "/");
    await page.waitForSelector("#my-mentoring");
    await Promise.all([page.waitForLoadState("load"), page.click('#my-mentoring a[href^="/mentoring/"]')]);
    await page.waitForSelector("#pair-facts");
    t.expect((await page.$("#pair-actions")) === null, "a teacher does not manage the pair");
    const agreement = await page.textContent("#agreement");
    t.expect(agreement.includes(t.zh ? "师徒结对协议书" : "Mentoring Agreement"), `the agreement: ${agreement}`);
    await t.fitsPhone();
    await t.shot("mentor-pair");

    // Their turn in a two-way cycle, from the home card: recorded on the
    // spot on the phone, and the cycle moves on.
    await page.goto(`${t.base}/`);
    await page.waitForSelector("#my-mentoring .owed-stage a");
    await Promise.all([page.waitForLoadState("load"), page.click("#my-mentoring .owed-stage a")]);
    await page.waitForSelector("#record-form");
    const doneBefore = (await page.$$("#stages li.stage.done")).length;
    await page.fill('#record-form textarea[name="text"]', t.zh ? "按师傅的建议调整了导入环节。" : "Shortened the opening as suggested.");
    await t.fitsPhone();
    await t.shot("mentor-cycle-stage");
    await Promise.all([page.waitForLoadState("load"), page.click("#record-form button[type=submit]")]);
    await page.waitForSelector("#stages");
    const doneAfter = (await page.$$("#stages li.stage.done")).length;
    t.expect(doneAfter === doneBefore + 1, `a stage done: ${doneBefore} → ${doneAfter}`);
    await t.fitsPhone();
    await t.shot("mentor-cycle");

    // A director: the pairs, by status.
    await login(page, t, t.zh ? "director" : "principal", "/");
    await page.click("details.menu summary");
    await Promise.all([page.waitForLoadState("load"), page.click('nav a[href="/mentoring"]')]);
    await page.waitForSelector("#pairs");
    await t.fitsPhone();
    await t.shot("mentor-pairs");

    // The coming ceremony and its agreements.
    await Promise.all([page.waitForLoadState("load"), page.click('a[href="/mentoring/ceremonies"]')]);
    await page.waitForSelector("#ceremony");
    const links = await page.$$eval("#ceremony a.button", (as) => as.map((a) => a.getAttribute("href")));
    t.expect(links.some((h) => h.includes("agreements.docx")) && links.some((h) => h.includes("agreements.pdf")), `agreements to print: ${links}`);
    await t.fitsPhone();
    await t.shot("mentoring-ceremony");

    // A proposed pair: its agreement signed.
    await page.goto(`${t.base}/mentoring?status=proposed`);
    await page.waitForSelector("#pairs");
    await Promise.all([page.waitForLoadState("load"), page.click("#pairs tbody tr:first-child a")]);
    await page.waitForSelector("#pair-actions");
    const before = (await page.textContent("#pair-status")).trim();
    t.expect(before === (t.zh ? "拟结对" : "Proposed"), `proposed: ${before}`);
    await Promise.all([page.waitForLoadState("load"), page.click('#pair-actions form input[value="agree"] ~ button')]);
    const after = (await page.textContent("#pair-status")).trim();
    t.expect(after === (t.zh ? "已签约" : "Agreed"), `agreed: ${after}`);
    await t.fitsPhone();
    await t.shot("mentor-pair-agreed");

    // The master teacher records the studio's send-teaching on the phone,
    // from "My studio" on the home page.
    await login(page, t, "mentor", "/");
    await page.waitForSelector("#my-studios");
    await Promise.all([page.waitForLoadState("load"), page.click('#my-studios a[href^="/studios/"]')]);
    await page.waitForSelector("#activity-form");
    t.expect((await page.$("#member-form")) === null, "the master does not name members");
    const activitiesBefore = (await page.$$("#activities li[data-activity]")).length;
    await page.selectOption('#activity-form select[name="kind"]', "send_teaching");
    await page.fill('#activity-form input[name="title"]', t.zh ? "送教《姥姥的剪纸》" : "Send-teaching: a reading lesson");
    await page.fill('#activity-form input[name="receiving_school_name"]', "沈官小学");
    await t.fitsPhone();
    await t.shot("studio-activity-form");
    await Promise.all([page.waitForLoadState("load"), page.click("#activity-form button[type=submit]")]);
    await page.waitForSelector("#activities");
    const activitiesAfter = (await page.$$("#activities li[data-activity]")).length;
    t.expect(activitiesAfter === activitiesBefore + 1, `an activity recorded: ${activitiesBefore} → ${activitiesAfter}`);
    const sent = await page.textContent("#send-teaching");
    t.expect(sent.includes("沈官小学"), `send-teaching sums up the schools: ${sent}`);
    await t.fitsPhone();
    await t.shot("studio");
  },
};
