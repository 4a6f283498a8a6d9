// Forms as a director meets them on a phone: people are picked by typing a
// name, pinyin or staff number (not from a list of a hundred); a form sent
// empty says what is missing beside each field in the app's language; a
// refusal from the server lands beside the field it concerns, with what was
// chosen kept.
import { login } from "./session.mjs";

// The search box that stands for <select name=…>.
function box(page, form, name) {
  return page.locator(`${form} select[name="${name}"]`).locator("xpath=..").locator("input[role=combobox]");
}

async function pick(page, form, name, typed) {
  const b = box(page, form, name);
  await b.fill(typed);
  await page.waitForSelector(`${form} .picker-list:not([hidden]) [role=option]`);
  await b.press("Enter");
  return page.$eval(`${form} select[name="${name}"]`, (s) => Array.from(s.selectedOptions, (o) => o.text));
}

async function fieldErrors(page, form) {
  return page.$$eval(`${form} .field-error`, (els) => els.map((e) => e.textContent));
}

export const forms = {
  name: "forms",
  async run(page, t) {
    const form = 'form[action="/mentoring"]';
    await login(page, t, "director", "/mentoring/new");
    await page.waitForSelector(`${form} input[role=combobox]`);
    const plain = await page.locator(`${form} select[name="mentor"]`).boundingBox();
    t.expect(!plain || plain.width <= 1, "the plain list is replaced by a search box");

    // Sent empty: the browser's own bubble (in the browser's language) is
    // replaced by the app's words beside both people fields.
    await page.click(`${form} button[type=submit]`);
    const required = t.zh ? "请填写此项。" : "Please fill this in.";
    const empty = await fieldErrors(page, form);
    t.expect(empty.length === 2 && empty.every((e) => e === required), `required beside both fields: ${JSON.stringify(empty)}`);
    t.expect(page.url().endsWith("/mentoring/new"), "nothing was sent");

    // Found by pinyin (zh) or by staff number (en), chosen with the keyboard.
    const [mentor, apprentice] = t.zh ? [["wanghui", "汪慧"], ["blj", "白蕾娟"]] : [["gf0073", "蔡成军"], ["GF0082", "蔡慧莉"]];
    const chosen = await pick(page, form, "mentor", mentor[0]);
    t.expect(chosen.join() === mentor[1], `typing ${mentor[0]} picks ${mentor[1]}: ${chosen}`);
    t.expect((await fieldErrors(page, form)).length === 1, "choosing clears that field's error");

    // The same person as apprentice: the server refuses (422), beside the
    // apprentice field, and both choices are still there.
    t.allowConsole(/status of 422/);
    await pick(page, form, "apprentices", mentor[0]);
    await Promise.all([page.waitForLoadState("load"), page.click(`${form} button[type=submit]`)]);
    const refused = await fieldErrors(page, form);
    t.expect(refused.length === 1, `one error beside the apprentice: ${JSON.stringify(refused)}`);
    const beside = await page.$eval(`${form} .field-error`, (e) => e.closest("label").querySelector("select").name);
    t.expect(beside === "apprentices", `the refusal sits beside ${beside}`);
    t.expect((await box(page, form, "mentor").inputValue()) === mentor[1], "the mentor chosen is kept");
    await t.fitsPhone();
    await t.shot("form-error");

    const again = await pick(page, form, "apprentices", apprentice[0]);
    t.expect(again.join() === apprentice[1], `typing ${apprentice[0]} picks ${apprentice[1]}: ${again}`);
    await Promise.all([page.waitForLoadState("load"), page.click(`${form} button[type=submit]`)]);
    const facts = await page.textContent("#pair-facts");
    t.expect(facts.includes(mentor[1]) && facts.includes(apprentice[1]), "the pair is proposed and shown");

    // Several people: chips, removable.
    const pform = 'form[action="/projects"]';
    await page.goto(`${t.base}/projects`);
    await page.waitForSelector(`${pform} input[role=combobox]`);
    await pick(page, pform, "members", mentor[0]);
    const two = await pick(page, pform, "members", apprentice[0]);
    t.expect(two.length === 2, `two members chosen: ${two}`);
    t.expect((await page.$$(`${pform} .chips li`)).length === 2, "two chips");
    await page.click(`${pform} .chips li:first-child .chip-x`);
    const one = await page.$eval(`${pform} select[name="members"]`, (s) => s.selectedOptions.length);
    t.expect(one === 1, `one member left after removing a chip (${one})`);
    await t.fitsPhone();
    await t.shot("people-picker");
  },
};
