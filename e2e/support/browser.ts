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
  await untilToggleAnswers(field.page().locator(`button[aria-controls="${id}"]`), "aria-pressed");
}

/**
 * untilHydrated's wait, for any toggle button that does nothing before the page's script runs: a password
 * field's Show (aria-pressed), the dashboard's account menu (aria-expanded). Presses it until `state` says
 * "true", then once more to put it back.
 */
export async function untilToggleAnswers(toggle: Locator, state: "aria-pressed" | "aria-expanded"): Promise<void> {
  await pressUntilOn(toggle, state);
  await toggle.click();
  await expect(toggle).toHaveAttribute(state, "false");
}

/** Presses `toggle` until `state` says "true" (it does nothing before the page's script runs). */
async function pressUntilOn(toggle: Locator, state: "aria-pressed" | "aria-expanded"): Promise<void> {
  await expect(async () => {
    // Not pressed again once it has answered: a slow answer to the last press counts.
    if ((await toggle.getAttribute(state)) !== "true") await toggle.click();
    await expect(toggle).toHaveAttribute(state, "true", { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
}

/**
 * Opens the dashboard's account menu of the person named `name` (the header's avatar button), pressing it again
 * until the page's script answers: pressed before hydration it does nothing, and the menu never shows.
 */
export async function openAccountMenu(page: Page, name: string): Promise<void> {
  await pressUntilOn(page.locator("header").getByRole("button", { name }), "aria-expanded");
}

/**
 * Waits until a dashboard page has hydrated: its account menu (the header's, on every dashboard page, in the same
 * React root as the page) opens, then closes. For a page whose first step is a control only its script answers,
 * which used before hydration does nothing: a button that opens a dialog or a step in place (Add user, Create token,
 * Block, Profile's "Set up authenticator app"), a list's filter, search or row checkbox. Not needed before a plain
 * link, nor before a form's own submit button (the form posts itself without the script: forms.spec tests that path).
 */
export async function untilDashboardHydrated(page: Page): Promise<void> {
  await untilToggleAnswers(page.locator('header button[aria-haspopup="menu"]'), "aria-expanded");
}

/**
 * On the OpenID provider's /device page: types `code` and presses its submit button ("Continue"; in German
 * "Weiter"). Nothing to wait for: the provider's pages carry no script at all (lib/oidc/pages.ts; their policy,
 * PAGE_POLICY, lets none run), so the form posts itself, the same right after the page loads as later. Checked
 * here: a page that gained a script would need untilHydrated's kind of wait, and says so instead of flaking.
 */
export async function enterDeviceCode(page: Page, code: string, submit = "Continue"): Promise<void> {
  await expect(page.locator("script"), "the /device page has no script to wait for").toHaveCount(0);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: submit }).click();
}

/** The sign-in form's labels and button in the languages the specs sign in with. */
const SIGN_IN_FORM = {
  en: { identifier: "Email or username", password: "Password", submit: "Sign in" },
  de: { identifier: "E-Mail oder Benutzername", password: "Passwort", submit: "Anmelden" },
} as const;

export type SignInLanguage = keyof typeof SIGN_IN_FORM;

export type SubmitSignInOptions = {
  language?: SignInLanguage;
  /**
   * false: the page is in a browser with JavaScript off (`javaScriptEnabled: false`), on purpose, to test the form
   * posted without it; there is no script to wait for.
   */
  javaScript?: boolean;
};

/**
 * Signs in on the sign-in form the page shows now, once its script has taken over (untilHydrated): opened by
 * signIn, or reached through a redirect (an app's sign-in through the OpenID provider, its "Confirm it's you" step,
 * the page after an invite). `identifier` undefined leaves that field as the page filled it (its read-only email
 * on the confirm step, the invited person's). Only submits: the caller says where it lands, or what it refuses.
 */
export async function submitSignIn(page: Page, identifier: string | undefined, password: string, { language = "en", javaScript = true }: SubmitSignInOptions = {}) {
  const form = SIGN_IN_FORM[language];
  const passwordField = page.getByLabel(form.password, { exact: true });
  if (javaScript) await untilHydrated(passwordField);
  if (identifier !== undefined) await page.getByLabel(form.identifier, { exact: true }).fill(identifier);
  await passwordField.fill(password);
  await page.getByRole("button", { name: form.submit, exact: true }).click();
}

export type SignInOptions = {
  /** Where it lands (default: anywhere but the sign-in page). */
  landsOn?: string | RegExp;
  /** How long landing may take (default: expect's); a first sign-in on a loaded machine hashes slowly. */
  timeout?: number;
  language?: SignInLanguage;
};

/** The team's Users page, where a sign-in without a `callbackUrl` lands (argon2 on a loaded machine: up to 30 s). */
export const LANDS_ON_USERS: SignInOptions = { landsOn: /\/team\/users$/, timeout: 30_000 };

/** Opens the sign-in page and submits it: a first step whose next one (a second factor, a refusal) the caller checks. */
export async function startSignIn(page: Page, baseURL: string, identifier: string, password: string, language?: SignInLanguage) {
  await page.goto(`${baseURL}/login`);
  await submitSignIn(page, identifier, password, { language });
}

/** Opens the sign-in page, signs in with an email or a username, and waits to land. */
export async function signIn(page: Page, baseURL: string, identifier: string, password: string, { landsOn, timeout, language }: SignInOptions = {}) {
  await startSignIn(page, baseURL, identifier, password, language);
  if (landsOn === undefined) await expect(page).not.toHaveURL(/\/login/, { timeout });
  else await expect(page).toHaveURL(landsOn, { timeout });
}

/**
 * On Latchkey's sign-in page, reached on an app's way through the OpenID provider (its callbackUrl leads back
 * there): signs in. Where it lands next is the app's answer, which the caller checks.
 */
export async function signInForApp(page: Page, baseURL: string, identifier: string, password: string) {
  await expect(page).toHaveURL((url) => url.href.startsWith(`${baseURL}/login?callbackUrl=`), { timeout: 30_000 });
  await submitSignIn(page, identifier, password);
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
  await signIn(page, baseURL, email, password, { language: "de" });
  return { context, page };
}

/** The dashboard's "Sign out", from the avatar menu of the person named `name`. */
export async function signOut(page: Page, name: string) {
  await openAccountMenu(page, name);
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

/**
 * How many lines each matched element's text takes on screen (1 each: nothing wraps). Its text's boxes, not its
 * elements': a wrapper's box (a table's pinned name sits in one) starts a pixel or two above its first line's
 * glyphs, which counted as a second line. Boxes that overlap vertically are one line (a smaller badge beside a name).
 */
export async function linesOfEach(items: Locator): Promise<number[]> {
  return items.evaluateAll((elements) =>
    elements.map((el) => {
      const rects: DOMRect[] = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!(node.textContent ?? "").trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        rects.push(...[...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0));
      }
      if (rects.length === 0) return 1;
      rects.sort((a, b) => a.top - b.top);
      let lines = 1;
      let bottom = rects[0].bottom;
      for (const r of rects.slice(1)) {
        if (r.top >= bottom - 1) {
          lines += 1;
          bottom = r.bottom;
        } else bottom = Math.max(bottom, r.bottom);
      }
      return lines;
    }),
  );
}
