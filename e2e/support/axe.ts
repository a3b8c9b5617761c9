import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** WCAG 2.x A and AA plus axe's best practices: the rules the suite's accessibility checks run unless a spec asks for all. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

export type AxeCheck = {
  /** Names the page or part in the failure message. */
  what?: string;
  /** Only this part of the page (a CSS selector). */
  include?: string;
  /** "wcag" (WCAG_TAGS, the default) or "all" (every rule axe runs by default). */
  rules?: "wcag" | "all";
  /** Wait for the network to go quiet first (client components mounted, fonts applied). */
  settle?: boolean;
  /** Record a violation and go on with the test (expect.soft), to see every page's in one run. */
  soft?: boolean;
};

/** axe finds no violation on the page (or the part named), in the theme and language it is shown in. */
export async function expectAxeClean(page: Page, { what = page.url(), include, rules = "wcag", settle = false, soft = false }: AxeCheck = {}) {
  if (settle) await page.waitForLoadState("networkidle");
  let builder = new AxeBuilder({ page });
  if (include) builder = builder.include(include);
  if (rules === "wcag") builder = builder.withTags(WCAG_TAGS);
  const { violations } = await builder.analyze();
  const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")} ${n.failureSummary ?? ""}`).join("\n")}`);
  (soft ? expect.soft : expect)(summary, `axe violations on ${what}`).toEqual([]);
}
