/** Browser helpers shared by the e2e specs. */
import { expect, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";

/**
 * Waits until React has hydrated the page `field` (a PasswordField) is on. Before that its form doesn't submit
 * through the page's script: a click posts it without JavaScript (another path, with its own page load), and text
 * typed meanwhile lives only in the DOM (components/ui/typed-before-hydration.ts). A spec that means to drive the
 * scripted page waits here after a navigation, before it types or submits; a spec about the page before its
 * script (forms.spec, oidc-sign-in-steps' no-JavaScript test) doesn't. The field's Show button does nothing until
 * the page has hydrated: it is pressed until it answers, then pressed again to hide the password. No fixed sleep:
 * it returns as soon as the page answers.
 */
export async function untilHydrated(field: Locator): Promise<void> {
  const id = await field.getAttribute("id");
  const show = field.page().locator(`button[aria-controls="${id}"]`);
  await expect(async () => {
    // Not pressed again once it has answered: a slow answer to the last press counts.
    if ((await show.getAttribute("aria-pressed")) !== "true") await show.click();
    await expect(show).toHaveAttribute("aria-pressed", "true", { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await show.click();
  await expect(show).toHaveAttribute("aria-pressed", "false");
}

export async function signIn(page: Page, baseURL: string, email: string, password: string) {
  await page.goto(`${baseURL}/login`);
  await untilHydrated(page.getByLabel("Password"));
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
  await untilHydrated(page.getByLabel("Passwort", { exact: true }));
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
