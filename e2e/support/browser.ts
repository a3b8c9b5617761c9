/** Browser helpers shared by the e2e specs. */
import { expect, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";

export async function signIn(page: Page, baseURL: string, email: string, password: string) {
  await page.goto(`${baseURL}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** A German browser (its language and the locale cookie) signed in on the German sign-in page. */
export async function signInGerman(
  browser: Browser,
  baseURL: string,
  email: string,
  password: string,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: "de-DE", ...options });
  await context.addCookies([{ name: "locale", value: "de", url: baseURL }]);
  const page = await context.newPage();
  await page.goto(`${baseURL}/login`);
  await page.getByLabel("E-Mail oder Benutzername").fill(email);
  await page.getByLabel("Passwort", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Anmelden", exact: true }).click();
  await expect(page).not.toHaveURL(/\/login/);
  return { context, page };
}

/** The dashboard's "Sign out", from the avatar menu of the person named `name`. */
export async function signOut(page: Page, name: string) {
  await page.getByRole("button", { name }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

/**
 * Waits for the page a step should land on, and when it doesn't come, says where the browser is instead
 * (address and the start of its text: an error page, a refusal, a form that kept the person there),
 * which a bare "element not found" doesn't.
 */
export async function expectToLandOn(page: Page, heading: string, { timeout }: { timeout?: number } = {}) {
  try {
    await expect(page.getByRole("heading", { name: heading })).toBeVisible({ timeout });
  } catch (err) {
    const text = await page
      .locator("body")
      .innerText({ timeout: 2_000 })
      .catch(() => "(no text)");
    throw new Error(`Expected the page "${heading}"; the browser is at ${page.url()} showing:\n${text.slice(0, 800)}\n\n${String(err)}`);
  }
}

/** How many lines each matched element's text takes on screen (1 each: nothing wraps). */
export async function linesOfEach(items: Locator): Promise<number[]> {
  return items.evaluateAll((elements) =>
    elements.map((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    }),
  );
}
