// Every demo role walks every link its pages offer, in the run's language:
// a link a role is shown must open (no 4xx/5xx), a page must not show an
// untranslated key, and must not log a console error. The first page of
// each kind is photographed at 1280 px and at 375 px.
//
// Links are grouped by their shape (numbers in the path and query values
// left out), and each role opens one link of each shape, so a list of a
// hundred teachers costs one visit, not a hundred. Forms are not sent: the
// walk only reads.
const ROLES = ["sysadmin", "district", "inspector", "principal", "director", "leader", "mentor", "teacher", "kgdirector"];
const PER_ROLE = 120;
// Downloads are fetched, not rendered.
const DOWNLOAD = /\.(xlsx|docx|pdf|csv|json)(\?|$)|\/(export|download|template|attachments)(\/|\?|$)|[?&]format=/;
// A text that is nothing but a translation key (`status.p_gender`), not a
// file's name (`note.png`).
const KEY = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+){1,4}$/;
const FILE = /\.(png|jpe?g|gif|webp|heic|pdf|docx?|xlsx?|csv|txt|zip)$/i;

// Query keys that only page, sort or search a list already visited.
const NOISE = new Set(["page", "sort", "desc", "q", "per_page"]);

function shape(url) {
  const path = url.pathname.replace(/\/\d+(?=\/|$)/g, "/#");
  const keys = [...new Set([...url.searchParams.keys()])]
    .filter((k) => !NOISE.has(k))
    .sort()
    .join("&");
  return keys ? `${path}?${keys}` : path;
}

function shotName(s) {
  return ("crawl" + s.replace(/#/g, "id").replace(/[^a-zA-Z0-9]+/g, "-")).replace(/-+$/, "");
}

async function login(page, t, user) {
  await page.context().clearCookies();
  await page.goto(`${t.base}/login`);
  await page.fill('input[name="username"]', user);
  await page.fill('input[name="password"]', "lingyan-demo");
  await Promise.all([page.waitForURL(`${t.base}/`), page.click('button[type="submit"].primary')]);
  // The account may have kept another language from an earlier flow.
  if ((await page.getAttribute("html", "lang")) !== t.lang) {
    await Promise.all([page.waitForLoadState("load"), page.click(`form.lang button[value="${t.lang}"]`)]);
    await page.waitForSelector(`html[lang="${t.lang}"]`);
  }
}

async function links(page, base) {
  const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => a.href));
  const out = [];
  for (const h of hrefs) {
    let u;
    try {
      u = new URL(h);
    } catch {
      continue;
    }
    if (u.origin !== base || u.pathname === "/logout") continue;
    u.hash = "";
    out.push(u);
  }
  return out;
}

async function untranslated(page) {
  return page.evaluate(([src, fileSrc]) => {
    const re = new RegExp(src);
    const file = new RegExp(fileSrc, "i");
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const s = n.textContent.trim();
      if (re.test(s) && !file.test(s) && !n.parentElement.closest("code, pre, script, style")) found.push(s);
    }
    for (const el of document.querySelectorAll("[placeholder], [title], [aria-label]")) {
      for (const a of ["placeholder", "title", "aria-label"]) {
        const v = (el.getAttribute(a) || "").trim();
        if (re.test(v) && !file.test(v)) found.push(v);
      }
    }
    return found;
  }, [KEY.source, FILE.source]);
}

export const crawl = {
  name: "crawl",
  async run(page, t) {
    // The pages are the same on both databases; only their data differs,
    // and the Rust tests open them on both. The SQLite run walks them in
    // both languages (and takes the screenshots); the PostgreSQL run leaves
    // the walk to it, to keep a fresh clone's CI under 25 minutes.
    if (t.label === "postgres" || (t.label !== "sqlite" && !t.zh)) {
      console.log(`     crawl [${t.lang}]: walked in the SQLite run`);
      return;
    }
    const base = new URL(t.base).origin;
    const problems = [];
    const photographed = new Set();
    const shots = t.label === "sqlite";
    let visits = 0;
    for (const role of ROLES) {
      await page.setViewportSize({ width: 375, height: 812 });
      await login(page, t, role);
      const seen = new Set();
      // Each link with the page it was found on, to name in a failure.
      const queue = [[new URL(`${base}/`), "login"]];
      seen.add(shape(queue[0][0]));
      let opened = 0;
      while (queue.length && opened < PER_ROLE) {
        const [url, from] = queue.shift();
        opened++;
        visits++;
        const where = `${role} ${url.pathname}${url.search} (linked from ${from})`;
        if (DOWNLOAD.test(url.pathname + url.search)) {
          const r = await page.request.get(url.href);
          if (r.status() >= 400) problems.push(`${where}: ${r.status()}`);
          continue;
        }
        const errors = [];
        const onConsole = (m) => m.type() === "error" && errors.push(m.text());
        page.on("console", onConsole);
        let r;
        try {
          r = await page.goto(url.href, { waitUntil: "load" });
        } catch (e) {
          page.off("console", onConsole);
          // A link that turns out to be a file: its status is what counts.
          if (e.message.includes("Download is starting")) {
            const d = await page.request.get(url.href);
            if (d.status() >= 400) problems.push(`${where}: ${d.status()}`);
            continue;
          }
          problems.push(`${where}: ${e.message.split("\n")[0]}`);
          continue;
        }
        page.off("console", onConsole);
        const status = r ? r.status() : 0;
        if (status >= 400) {
          problems.push(`${where}: ${status}`);
          continue;
        }
        if (errors.length) problems.push(`${where}: console: ${errors.join(" | ")}`);
        // A redirect away from the link (to the login page, say) is a
        // link the role should not have been shown.
        if (new URL(page.url()).pathname === "/login") problems.push(`${where}: sent to the login page`);
        const keys = await untranslated(page);
        if (keys.length) problems.push(`${where}: untranslated ${[...new Set(keys)].join(", ")}`);
        // Every role's home page; one page of each other kind.
        const s = url.pathname === "/" ? `/home-${role}` : shape(url);
        if (shots && !photographed.has(s)) {
          photographed.add(s);
          const name = shotName(s);
          await t.shot(`${name}-375`);
          await page.setViewportSize({ width: 1280, height: 900 });
          await t.shot(`${name}-1280`);
          await page.setViewportSize({ width: 375, height: 812 });
        }
        for (const next of await links(page, base)) {
          const k = shape(next);
          if (seen.has(k)) continue;
          seen.add(k);
          queue.push([next, url.pathname + url.search]);
        }
      }
    }
    console.log(`     crawl [${t.lang}]: ${visits} links opened, ${photographed.size} kinds of page photographed`);
    t.expect(!problems.length, `${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  },
};
