// A teacher keeps the growth portfolio on a phone: quick-adds a reading
// note (three fields at most), opens it and attaches a photo; a director
// then verifies it from the queue and looks at the school counts.
import { login } from "./session.mjs";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

// A small valid PNG (8×8, red), made here so the test needs no fixtures.
function png() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(8, 0);
  ihdr.writeUInt32BE(8, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.concat(Array.from({ length: 8 }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(24, 0)]).fill(0xff, 1, 2)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export const portfolio = {
  name: "portfolio",
  async run(page, t) {
    // A different teacher per language (the mentor and the group leader
    // keep portfolios too).
    await login(page, t, t.zh ? "teacher" : "leader", "/portfolio");
    await page.waitForSelector("#quick-add");
    t.expect(/\/teachers\/\d+\/portfolio/.test(page.url()), `own portfolio: ${page.url()}`);
    await t.fitsPhone();
    await t.shot("portfolio");

    // The observation form fetches the colleagues it offers when its
    // field is first focused.
    t.expect((await page.locator("#colleagues option").count()) === 0, "no staff list with the page");
    await page.focus('#quick-add input[name="observed_teacher"]');
    await page.waitForFunction(() => document.querySelectorAll("#colleagues option").length > 0);

    // Quick add a reading note: book and note, nothing else.
    const book = t.zh ? `《静悄悄的革命》${Date.now() % 100000}` : `The Silent Revolution ${Date.now() % 100000}`;
    const form = page.locator('#quick-add form:has(input[name="kind"][value="reading"])');
    await page.click('#quick-add details:has(input[value="reading"]) summary');
    const visible = await form.locator("input:visible, textarea:visible").count();
    t.expect(visible <= 3, `quick add asks for at most three fields (${visible})`);
    await form.locator('input[name="title"]').fill(book);
    await form.locator('textarea[name="text"]').fill(t.zh ? "倾听每一个学生。" : "Listen to every pupil.");
    await Promise.all([page.waitForLoadState("load"), form.locator('button[type="submit"]').click()]);
    const flash = await page.textContent(".flash");
    t.expect(flash.includes(book), `saved: ${flash}`);
    await t.fitsPhone();

    // Open it and attach a photo, as a phone camera would send one.
    await Promise.all([page.waitForLoadState("load"), page.click(`a.entry-title:has-text("${book}")`)]);
    const dir = mkdtempSync(join(tmpdir(), "lingyan-e2e-"));
    const photo = join(dir, "note.png");
    writeFileSync(photo, png());
    await page.setInputFiles('input[name="photo"]', photo);
    await Promise.all([page.waitForLoadState("load"), page.click('form[enctype="multipart/form-data"] button[type="submit"]')]);
    await page.waitForSelector("img.preview");
    // The element comes with the page; its picture a request later (slower
    // on a busy machine): wait for it, up to ten seconds, then judge.
    const loaded = await page
      .waitForFunction(() => {
        const img = document.querySelector("img.preview");
        return img && img.complete && img.naturalWidth > 0;
      }, null, { timeout: 10000 })
      .then(() => true, () => false);
    t.expect(loaded, "the photo preview loads");
    await t.fitsPhone();
    await t.shot("evidence");
    const recordUrl = page.url();

    // The director verifies it from the queue (bulk form) on the phone.
    await login(page, t, t.zh ? "director" : "principal", "/verification");
    await page.waitForSelector("#bulk-verify");
    await t.fitsPhone();
    await t.shot("verification");
    const id = recordUrl.split("/").pop();
    await page.check(`input[name="ids"][value="${id}"]`);
    await Promise.all([page.waitForLoadState("load"), page.click('#bulk-verify button[type="submit"]')]);
    await page.goto(recordUrl);
    const state = await page.textContent("section.card .state-verified");
    t.expect(state.includes(t.zh ? "已审核" : "Verified"), `verified: ${state}`);

    // School counts with drill-down links.
    await page.goto(`${t.base}/evidence/counts`);
    await page.waitForSelector("table.counts a");
    await t.fitsPhone();
    await t.shot("counts");
  },
};
