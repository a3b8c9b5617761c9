import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** WCAG 2.x A and AA plus axe's best practices: the rules the suite's accessibility checks run unless a spec asks for all. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

/**
 * The rules whose outcome depends on colours. A theme is a class on <html> that changes colours only (the page's
 * elements, names and roles are the same in both), so these are what a second theme can newly fail.
 */
export const COLOUR_RULES = ["color-contrast", "link-in-text-block"];

export type AxeCheck = {
  /** Names the page or part in the failure message. */
  what?: string;
  /** Only this part of the page (a CSS selector). */
  include?: string;
  /** "wcag" (WCAG_TAGS, the default), "all" (every rule axe runs by default) or "colour" (COLOUR_RULES). */
  rules?: "wcag" | "all" | "colour";
  /** Wait for the network to go quiet first (client components mounted, fonts applied). */
  settle?: boolean;
  /** Record a violation and go on with the test (expect.soft), to see every page's in one run. */
  soft?: boolean;
};

/** axe finds no violation on the page (or the part named), in the theme and language it is shown in. */
export async function expectAxeClean(page: Page, { what = page.url(), include, rules = "wcag", settle = false, soft = false }: AxeCheck = {}) {
  if (settle) await page.waitForLoadState("networkidle");
  // A client-side navigation (a filter pushing its URL) sets the new page's <title> a moment after its content: axe
  // read in between saw no title (a flaky document-title violation, stop 45). Wait for one; if none ever comes,
  // axe still reports it below.
  await page.waitForFunction(() => document.title.trim() !== "", undefined, { timeout: 5_000 }).catch(() => undefined);
  let builder = new AxeBuilder({ page });
  if (include) builder = builder.include(include);
  if (rules === "wcag") builder = builder.withTags(WCAG_TAGS);
  if (rules === "colour") builder = builder.withRules(COLOUR_RULES);
  const { violations } = await builder.analyze();
  const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")} ${n.failureSummary ?? ""}`).join("\n")}`);
  (soft ? expect.soft : expect)(summary, `axe violations on ${what}`).toEqual([]);
}

/** Puts <html> in a theme as the avatar menu's theme switch does (components/shell/use-theme.ts), once colours settle. */
async function showTheme(page: Page, theme: "light" | "dark") {
  await page.evaluate(async (next) => {
    document.documentElement.classList.remove("light", "dark");
    document.documentElement.classList.add(next);
    // Colour transitions (Tailwind's transition-colors) would have axe read colours half-way.
    await Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined)));
  }, theme);
}

/**
 * The page as shown, in the light theme and then the dark one: every rule of `rules` in light, then the colour rules
 * in dark (the rest can't differ between themes), and back to light. The page must be shown in the light theme.
 */
export async function expectAxeCleanInBothThemes(page: Page, check: AxeCheck & { what: string }) {
  await expect(page.locator("html"), "the page is shown in the light theme first").toHaveClass(/(^|\s)light(\s|$)/);
  await expectAxeClean(page, { ...check, what: `${check.what} (light)` });
  await showTheme(page, "dark");
  await expectAxeClean(page, { ...check, settle: false, rules: "colour", what: `${check.what} (dark)` });
  await showTheme(page, "light");
}
