// Signing in as a demo account, shared by the flows.
export async function login(page, t, user, next) {
  await page.context().clearCookies();
  await page.goto(`${t.base}/login?next=${encodeURIComponent(next)}`);
  await page.fill('input[name="username"]', user);
  await page.fill('input[name="password"]', "lingyan-demo");
  await Promise.all([page.waitForLoadState("load"), page.click('button[type="submit"].primary')]);
}
