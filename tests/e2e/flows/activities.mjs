// Training activities on a phone: an organiser creates an activity
// running now with the form, opens its sign-in screen (QR code and typed
// code); a teacher registers on the activity's page, signs in from "My
// activities" by typing the code, and sees it confirmed.
import { login } from "./session.mjs";

const pad = (n) => String(n).padStart(2, "0");

// Now in China (the users' clock), as form fields.
function chinaNow(offsetMinutes) {
  const d = new Date(Date.now() + 8 * 3600e3 + offsetMinutes * 60e3);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  };
}

export const activities = {
  name: "activities",
  async run(page, t) {
    const organiser = t.zh ? "director" : "principal";
    const title = t.zh ? `手机签到演练 ${t.label}` : `Phone sign-in drill ${t.label}`;
    await login(page, t, organiser, "/");
    // The nav leads to their own activities, and from there to the school's calendar.
    await page.click("details.menu summary");
    await Promise.all([page.waitForLoadState("load"), page.click('nav a[href$="/activities"]')]);
    await Promise.all([page.waitForLoadState("load"), page.click("#calendar-link")]);
    await page.waitForSelector("#activity-calendar");
    await t.fitsPhone();
    await t.shot("activity-calendar");
    await Promise.all([page.waitForLoadState("load"), page.click("#new-activity")]);
    await page.waitForSelector("#activity-form");
    await t.fitsPhone();
    // A session from a few minutes ago until two hours on (kept within today).
    const from = chinaNow(-5);
    let to = chinaNow(115);
    if (to.date !== from.date) to = { date: from.date, time: "23:59" };
    await page.fill('input[name="activity_title"]', title);
    await page.locator('input[name="date"]').first().fill(from.date);
    await page.locator('input[name="start"]').first().fill(from.time);
    await page.locator('input[name="end"]').first().fill(to.time);
    await page.locator('input[name="place"]').first().fill(t.zh ? "三楼会议室" : "Room 301");
    await t.shot("activity-form");
    await Promise.all([page.waitForLoadState("load"), page.click('#activity-form button[type="submit"].primary')]);
    t.expect(/\/activities\/\d+$/.test(page.url()), `created: ${page.url()}`);
    const activityUrl = new URL(page.url()).pathname;
    await page.waitForSelector("#activity-sessions");
    await t.fitsPhone();
    await t.shot("activity-detail");

    // The sign-in screen: a QR code and six digits.
    await Promise.all([page.waitForLoadState("load"), page.click('#activity-sessions a[href$="/screen"]')]);
    await page.waitForSelector(".qr svg");
    const code = (await page.textContent("#typed-code")).replace(/\s/g, "");
    t.expect(/^\d{6}$/.test(code), `a six-digit code: ${code}`);
    await t.fitsPhone();
    await t.shot("sign-in-screen");

    // A teacher registers and signs in by typing the code.
    await login(page, t, t.zh ? "teacher" : "leader", activityUrl);
    await Promise.all([page.waitForLoadState("load"), page.click("#register")]);
    await page.waitForSelector("#my-place");
    await page.goto(`${t.base}/activities`);
    await page.waitForSelector("#sign-in-now");
    await t.fitsPhone();
    await t.shot("my-activities");
    const form = page.locator("#sign-in-now form.code-form").first();
    await form.locator('input[name="code"]').fill(code);
    await Promise.all([page.waitForLoadState("load"), form.locator('button[type="submit"]').click()]);
    await page.waitForSelector("#signed");
    const done = await page.textContent("#signed");
    t.expect(done.includes(title), `signed in to ${title}: ${done}`);
    await t.fitsPhone();
    await t.shot("signed-in");
  },
};
