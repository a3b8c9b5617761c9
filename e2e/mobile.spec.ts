/**
 * Phones: the navigation is a drawer behind a menu button, the settings tabs
 * one scrolling row, and no page scrolls sideways at 360 px (wide tables
 * scroll inside their own box).
 */
import { expect, test, type Locator, type Page } from "@playwright/test";
import { linesOfEach, signIn, untilDashboardHydrated } from "./support/browser";
import { startInstanceWithMail } from "./support/mail-instance";
import { dashboardPages, ownerPage, post, seedDashboard, seedLongNames, type Seeded } from "./support/dashboard";
import { OWNER, useInstance } from "./support/instance";

const instance = useInstance();
test.describe.configure({ mode: "serial" });
// The first test walks every page on a busy machine.
test.setTimeout(180_000);
let seeded: Seeded | undefined;
let longPages: [string, string][] | undefined;

/** The populated instance, made on first use (the first test checks /setup before it). */
async function ensureSeeded(): Promise<Seeded> {
  seeded ??= await seedDashboard(instance);
  return seeded;
}

/** Review 44's long data on the seeded instance, added once (its people can't be added twice), and its pages. */
async function ensureLongNames(): Promise<[string, string][]> {
  const seeded = await ensureSeeded();
  longPages ??= await seedLongNames(instance, seeded);
  return longPages;
}

async function expectNoSidewaysScroll(page: Page, what: string) {
  const { scrollWidth, innerWidth, culprits } = await page.evaluate(() => {
    // The outermost elements that stick out on the right, to say what to fix.
    const out = [...document.body.querySelectorAll<HTMLElement>("*")].filter((el) => {
      const sticksOut = (e: Element) => e.getBoundingClientRect().right > window.innerWidth + 1;
      return sticksOut(el) && el.parentElement && !sticksOut(el.parentElement);
    });
    return {
      scrollWidth: document.scrollingElement!.scrollWidth,
      innerWidth: window.innerWidth,
      culprits: out.slice(0, 5).map((el) => `<${el.tagName.toLowerCase()} class="${el.className}">`),
    };
  });
  expect.soft(scrollWidth, `${what} scrolls sideways (${scrollWidth} > ${innerWidth}): ${culprits.join(", ")}`).toBeLessThanOrEqual(
    innerWidth,
  );
}

test("no page scrolls sideways at 360 px, signed out or in", async ({ browser }) => {
  const phone = { width: 360, height: 740 };
  const anonymous = await browser.newContext({ viewport: phone });
  const visitor = await anonymous.newPage();
  await visitor.goto(instance.url("/setup"));
  await expect(visitor.getByRole("heading", { level: 1 })).toBeVisible();
  await expectNoSidewaysScroll(visitor, "/setup");

  const seeded = await ensureSeeded();
  for (const path of ["/login", `/invite?token=${seeded.inviteToken}`]) {
    await visitor.goto(instance.url(path));
    await expect(visitor.getByRole("heading", { level: 1 }).first()).toBeVisible();
    await expectNoSidewaysScroll(visitor, path);
  }
  await signIn(visitor, instance.baseURL, seeded.newcomer.email, seeded.newcomer.password);
  await expect(visitor).toHaveURL(/\/change-password$/);
  await expectNoSidewaysScroll(visitor, "/change-password");
  await anonymous.close();

  const { context, page } = await ownerPage(browser, instance, { viewport: phone });
  for (const [name, path] of dashboardPages(seeded)) {
    await page.goto(instance.url(path));
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    await expectNoSidewaysScroll(page, `${name} (${path})`);
  }
  await context.close();
});

test("in German and the dark theme the main pages fit 360 px too", async ({ browser }) => {
  // German's long compound words and the dark theme's own styles are where a phone layout breaks next.
  const seeded = await ensureSeeded();
  const { context, page } = await ownerPage(browser, instance, { theme: "dark", viewport: { width: 360, height: 740 } });
  await context.addCookies([{ name: "locale", value: "de", url: instance.baseURL }]);
  const main = new Set(["users", "user", "invites", "service-user", "group", "activity", "profile", "identity-providers", "roles", "applications", "application"]);
  for (const [name, path] of dashboardPages(seeded).filter(([name]) => main.has(name))) {
    await page.goto(instance.url(path));
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expect(page.locator("html")).toHaveClass(/dark/);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    await expectNoSidewaysScroll(page, `${name} (${path}) in German, dark`);
  }
  await context.close();
});

test("names without spaces, as long as they may be, wrap instead of widening a phone page", async ({ browser }) => {
  // Names are whatever people type: a group or role name of 64 characters, a person's name and address of
  // over 80, an app's name, none with a space. They sit in headings, checkbox labels, select options and an
  // empty list's sentence.
  const seeded = await ensureSeeded();
  const long = (first: string, length: number) => (first + "verylongnamewithoutanyspaces".repeat(10)).slice(0, length);
  const token = seeded.ownerToken;
  const group = await post<{ id: string }>(instance, token, "/api/groups", { name: long("G", 64) });
  const role = await post<{ id: string }>(instance, token, "/api/roles", { name: long("R", 64), permissions: ["users:read"] });
  const user = await post<{ id: string }>(instance, token, "/api/users", {
    name: long("U", 100),
    email: `${long("e", 60)}@${long("d", 50)}.example.com`,
    role: "user",
    auto_groups: [group.id],
  });
  const app = await post<{ id: string }>(instance, token, "/api/applications", { name: long("A", 100), type: "device" }, 201);
  const { context, page } = await ownerPage(browser, instance, { viewport: { width: 360, height: 740 } });
  for (const path of ["/team/users", `/team/users/${user.id}`, `/team/groups/${group.id}`, `/settings/roles/${role.id}`, `/settings/applications/${app.id}`]) {
    await page.goto(instance.url(path));
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    await expectNoSidewaysScroll(page, path);
  }
  await context.close();
});

/** Whether the select's chosen option, as the closed field shows it, fits between its paddings (the arrow's included). */
async function closedTextFits(select: Locator): Promise<{ text: string; fits: boolean; overflow: string }> {
  return select.evaluate((el: HTMLSelectElement) => {
    const style = getComputedStyle(el);
    const context = document.createElement("canvas").getContext("2d")!;
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = el.selectedOptions[0]?.text ?? "";
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return { text, fits: context.measureText(text).width <= room, overflow: style.textOverflow };
  });
}

test("on a phone the Role field shows the chosen role whole, in English and German; a longer option ends in an ellipsis", async ({ browser }) => {
  const seeded = await ensureSeeded();
  const { context, page } = await ownerPage(browser, instance, { viewport: { width: 390, height: 844 } });
  for (const [locale, addUser, role] of [
    ["en", "Add user", "Role"],
    ["de", "Benutzer hinzufügen", "Rolle"],
  ] as const) {
    await context.addCookies([{ name: "locale", value: locale, url: instance.baseURL }]);
    await page.goto(instance.url("/team/users"));
    await untilDashboardHydrated(page);
    await page.getByRole("button", { name: addUser, exact: true }).first().click();
    const field = page.getByRole("dialog").getByLabel(role, { exact: true });
    for (const value of ["user", "auditor", "admin"]) {
      await field.selectOption(value);
      const shown = await closedTextFits(field);
      expect(shown.fits, `${locale}: "${shown.text}" is cut in the closed Role field`).toBe(true);
    }
    // What the chosen role may do is said under it.
    await expect(field).toHaveAccessibleDescription(locale === "en" ? /Manages people/ : /Verwaltet Personen/);
    // A user's page: their role whole; every select ends a too-long option in "…" (app/globals.css).
    await page.goto(instance.url(`/team/users/${seeded.userId}`));
    const theirs = await closedTextFits(page.locator("#field-role"));
    expect(theirs, `${locale}: the user's page`).toEqual({ text: locale === "en" ? "Admin" : "Administrator", fits: true, overflow: "ellipsis" });
  }
  await context.close();
});

test("on a phone the settings tabs are one row that scrolls sideways, the active tab in view, every tab reachable by keyboard", async ({ browser }) => {
  await ensureSeeded();
  const { context, page } = await ownerPage(browser, instance, { theme: "dark", viewport: { width: 360, height: 740 } });
  await context.addCookies([{ name: "locale", value: "de", url: instance.baseURL }]);
  // The last tab: the row has to scroll to show it.
  await page.goto(instance.url("/settings/appearance"));
  const nav = page.getByRole("navigation", { name: "Einstellungen" });
  const tabs = nav.getByRole("link");
  await expect(tabs).toHaveCount(8);
  const tops = await tabs.evaluateAll((links) => links.map((l) => Math.round(l.getBoundingClientRect().top)));
  expect(new Set(tops).size, `the tabs sit on ${new Set(tops).size} rows`).toBe(1);

  const row = tabs.first().locator("xpath=..");
  const inView = (tab: Locator) =>
    tab.evaluate((el) => {
      const box = el.parentElement!.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return r.left >= box.left - 1 && r.right <= box.right + 1;
    });
  expect(await row.evaluate((el) => el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX === "auto")).toBe(true);
  const active = nav.getByRole("link", { name: "Erscheinungsbild" });
  await expect(active).toHaveAttribute("aria-current", "page");
  expect(await inView(active), "the active tab is scrolled into view").toBe(true);
  // The sign that more tabs lie to the left (and none to the right of the last).
  await expect(nav.locator('[data-more-tabs="before"]')).toBeVisible();
  await expect(nav.locator('[data-more-tabs="after"]')).toHaveCount(0);

  // Shift+Tab walks back to the first tab, which scrolls into view; then the fade is on the right.
  await active.focus();
  const first = nav.getByRole("link", { name: "Identitätsanbieter" });
  for (let i = 0; i < 7; i++) await page.keyboard.press("Shift+Tab");
  await expect(first).toBeFocused();
  await expect.poll(() => inView(first)).toBe(true);
  await expect(nav.locator('[data-more-tabs="after"]')).toBeVisible();
  await expect(nav.locator('[data-more-tabs="before"]')).toHaveCount(0);
  await expectNoSidewaysScroll(page, "/settings/appearance in German, dark");

  // A window narrowed from a laptop's width to a phone's (a turned tablet, a resized window) brings the active
  // tab back into the row (review 34: "Rollen" stayed beyond the right edge).
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(instance.url("/settings/roles"));
  await untilDashboardHydrated(page);
  await page.setViewportSize({ width: 360, height: 740 });
  await expect.poll(() => inView(nav.getByRole("link", { name: "Rollen" })), { message: "Rollen in view after narrowing" }).toBe(true);
  await context.close();
});

/** The controls in view that a toast's box overlaps (the toasts' own Dismiss buttons aside). */
async function controlsUnderToasts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const region = document.querySelector('section[aria-label="Notifications"]')!;
    // Each toast is the box around its Dismiss button.
    const toasts = [...region.querySelectorAll("button")].map((dismiss) => dismiss.parentElement!.getBoundingClientRect());
    const overlaps = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    return [...document.querySelectorAll<HTMLElement>("a[href], button, input:not([type=hidden]), select, textarea")]
      .filter((el) => !region.contains(el) && el.checkVisibility())
      .filter((el) => toasts.some((t) => overlaps(t, el.getBoundingClientRect())))
      .map((el) => el.getAttribute("aria-label") ?? (el.textContent?.trim() || el.getAttribute("name") || el.tagName));
  });
}

test("on a phone a toast covers no control: not the Save button just pressed at the bottom, not the menu", async ({ browser }, testInfo) => {
  const { userId } = await ensureSeeded();
  const { context, page } = await ownerPage(browser, instance, { viewport: { width: 390, height: 844 } });
  await page.goto(instance.url(`/team/users/${userId}`));
  const name = page.getByLabel("Name", { exact: true });
  await name.fill("Maximiliane Toast");
  // Where a person on a phone presses Save: scrolled down to it, at the bottom of the screen.
  const save = page.getByRole("button", { name: "Save changes" });
  await save.evaluate((el) => el.scrollIntoView({ block: "end" }));
  await save.click();
  const toast = page.getByRole("region", { name: "Notifications" }).getByText("Changes saved");
  await expect(toast).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("toast-phone.png") });
  expect(await controlsUnderToasts(page)).toEqual([]);
  await expect(save).toBeInViewport();

  // On a laptop it stays bottom left, over the sidebar's empty end.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole("button", { name: "Dismiss" }).click();
  await name.fill("Maximiliane Wolfeschlegelsteinhausenbergerdorff");
  await save.click();
  await expect(toast).toBeVisible();
  await expect(save).toBeEnabled();
  await page.screenshot({ path: testInfo.outputPath("toast-laptop.png") });
  const box = (await page.getByRole("region", { name: "Notifications" }).getByRole("button", { name: "Dismiss" }).locator("..").boundingBox())!;
  expect(box.x).toBeLessThan(40);
  expect(box.y + box.height).toBeGreaterThan(800 - 40);
  expect(await controlsUnderToasts(page)).toEqual([]);
  await context.close();
});

test("on a phone the menu button opens the navigation as a drawer", async ({ browser }) => {
  await ensureSeeded();
  const { context, page } = await ownerPage(browser, instance, { viewport: { width: 390, height: 844 } });
  await page.goto(instance.url("/team/users"));
  await untilDashboardHydrated(page);
  // The sidebar is hidden; the menu button is the way in.
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  const menuButton = page.getByRole("button", { name: "Open navigation" });
  await menuButton.click();
  const drawer = page.getByRole("dialog", { name: "Navigation" });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole("link", { name: "Users", exact: true })).toHaveAttribute("aria-current", "page");

  // Focus stays inside the drawer however far one tabs.
  for (const key of [...Array(10).fill("Tab"), ...Array(10).fill("Shift+Tab")]) {
    await page.keyboard.press(key);
    expect(await drawer.evaluate((el) => el.contains(document.activeElement)), `focus left the drawer on ${key}`).toBe(true);
  }

  // Escape closes it.
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();

  // Following a link goes there and closes the drawer.
  await menuButton.click();
  await drawer.getByRole("link", { name: "Groups" }).click();
  await expect(page).toHaveURL(/\/team\/groups$/);
  await expect(page.getByRole("heading", { level: 1, name: "Groups" })).toBeVisible();
  await expect(drawer).toBeHidden();

  // The close button closes it too.
  await menuButton.click();
  await drawer.getByRole("button", { name: "Close navigation" }).click();
  await expect(drawer).toBeHidden();

  // On a laptop the sidebar is there and the menu button is not.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(menuButton).toBeHidden();
  await context.close();
});

test("a wide table scrolls inside its own box on a phone", async ({ browser }) => {
  await ensureSeeded();
  const { context, page } = await ownerPage(browser, instance, { viewport: { width: 360, height: 740 } });
  await page.goto(instance.url("/activity"));
  const table = page.getByRole("table");
  const box = table.locator("xpath=..");
  const sizes = await box.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, overflow: getComputedStyle(el).overflowX }));
  expect(sizes.scroll).toBeGreaterThan(sizes.client);
  expect(sizes.overflow).toBe("auto");
  await expectNoSidewaysScroll(page, "/activity");
  await context.close();
});

test("in German a label stays on one line: a dialog's buttons on a phone, an invite's row actions on a laptop, a badge", async ({ browser }) => {
  // Review 34: "Passwort zurücksetzen" broke into two lines beside a Cancel stretched to match (a phone's dialog),
  // "Neu erstellen" into two beside a one-line "Löschen" (a laptop's invites), "Dieses Gerät" split its badge.
  const seeded = await ensureSeeded();
  const { context, page } = await ownerPage(browser, instance, { viewport: { width: 360, height: 740 } });
  await context.addCookies([{ name: "locale", value: "de", url: instance.baseURL }]);
  await page.goto(instance.url(`/team/users/${seeded.userId}`));
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Passwort zurücksetzen" }).click();
  const dialog = page.getByRole("dialog", { name: "Passwort zurücksetzen" });
  const buttons = dialog.getByRole("button", { name: /^(Abbrechen|Passwort zurücksetzen)$/ });
  await expect(buttons).toHaveCount(2);
  expect(await linesOfEach(buttons), "Abbrechen, Passwort zurücksetzen").toEqual([1, 1]);
  await page.keyboard.press("Escape");

  await page.goto(instance.url("/profile"));
  const badge = page.getByRole("region", { name: "Ihre Sitzungen" }).getByText("Dieses Gerät", { exact: true });
  // linesOfEach measures what is there now: the sessions table may come after the load event (CI failed with []).
  await expect(badge).toBeVisible();
  expect(await linesOfEach(badge)).toEqual([1]);

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(instance.url("/team/users?view=invites"));
  const actions = page.getByRole("cell").getByRole("button");
  await expect(actions.first()).toBeVisible();
  expect(await linesOfEach(actions), "an invite's Neu erstellen and Löschen").toEqual((await actions.all()).map(() => 1));
  await context.close();
});

/** Where a 390 px page falls short beyond sideways scrolling: a wide table's rows without their name, small targets. */
async function phoneShortfalls(page: Page): Promise<{ unnamedRows: string[]; smallTargets: string[] }> {
  return page.evaluate(() => {
    // A table whose box scrolls, scrolled to its right end: the first row's naming cell (or its select checkbox's
    // neighbour) must still be inside the box.
    const unnamedRows: string[] = [];
    for (const table of document.querySelectorAll("table")) {
      const box = table.parentElement!;
      if (box.scrollWidth <= box.clientWidth) continue;
      box.scrollLeft = box.scrollWidth;
      const cells = [...(table.tBodies[0]?.rows[0]?.cells ?? [])];
      const naming = cells.find((cell) => !cell.querySelector("input[type=checkbox]") || (cell.textContent ?? "").trim() !== "");
      const b = box.getBoundingClientRect();
      const r = naming?.getBoundingClientRect();
      if (r && (r.left < b.left - 1 || r.right > b.right + 1)) unnamedRows.push(`${table.getAttribute("aria-label")}: "${(naming!.textContent ?? "").slice(0, 30)}" out of view`);
      box.scrollLeft = 0;
    }
    // Every control a finger taps is at least 24 × 24 px (WCAG 2.5.8), except a link inside a sentence and a link
    // whose row is its target (a stretched ::after).
    const smallTargets: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("a[href], button, input:not([type=hidden]), select, summary")) {
      if (!el.checkVisibility() || el.closest(".sr-only, [aria-hidden=true]")) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right < 0 || r.bottom < 0 || r.left > innerWidth) continue;
      if (r.width >= 24 && r.height >= 24) continue;
      const inSentence = el.tagName === "A" && (el.parentElement?.textContent ?? "").trim().length > (el.textContent ?? "").trim().length + 20;
      const stretched = getComputedStyle(el, "::after").position === "absolute";
      if (inSentence || stretched) continue;
      smallTargets.push(`<${el.tagName.toLowerCase()}> "${(el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return { unnamedRows, smallTargets: [...new Set(smallTargets)] };
  });
}

test("at 390 px with long names, no page scrolls sideways, a wide table keeps each row's name in view, and every target is 24 px (review 44)", async ({ browser }) => {
  // Names without spaces and many people: the data that widens pages. Each main page in light and dark, the
  // sign-in pages signed out.
  test.setTimeout(300_000);
  const seeded = await ensureSeeded();
  const longPages = await ensureLongNames();
  const phone = { width: 390, height: 844 };
  for (const theme of ["light", "dark"] as const) {
    const anonymous = await browser.newContext({ viewport: phone });
    await anonymous.addCookies([{ name: "theme", value: theme, url: instance.baseURL }]);
    const visitor = await anonymous.newPage();
    for (const path of ["/login", "/forgot-password", `/invite?token=${seeded.inviteToken}`, "/device", "/reset-password?token=x"]) {
      await visitor.goto(instance.url(path));
      await visitor.waitForLoadState("load");
      expect.soft(await visitor.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), `${path} (${theme}) scrolls sideways`).toBeLessThanOrEqual(0);
      expect.soft((await phoneShortfalls(visitor)).smallTargets, `${path} (${theme}): targets under 24 px`).toEqual([]);
    }
    await anonymous.close();

    const { context, page } = await ownerPage(browser, instance, { theme, viewport: phone });
    for (const [name, path] of [...dashboardPages(seeded), ...longPages]) {
      await page.goto(instance.url(path));
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      const what = `${name} (${path}, ${theme})`;
      expect.soft(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), `${what} scrolls sideways`).toBeLessThanOrEqual(0);
      // The pin follows whether the table is wider than its box, which the page's script measures (data-table.tsx).
      await expect.soft.poll(async () => (await phoneShortfalls(page)).unnamedRows, { message: `${what}: a scrolled table's rows lose their name` }).toEqual([]);
      expect.soft((await phoneShortfalls(page)).smallTargets, `${what}: targets under 24 px`).toEqual([]);
    }
    await context.close();
  }
});

/** The box a table scrolls in (DataTable's), found by the table's name. */
function tableBox(page: Page, name: string): Locator {
  return page.getByRole("table", { name, exact: true }).locator("xpath=..");
}

test("at 768 px a table wider than its box keeps each row's name in view as it scrolls; at 1280 px a table that fits pins nothing (r49)", async ({ browser }) => {
  // Before r49 the name was pinned below 640 px only: on a tablet Users scrolled in its box and its rows lost their name.
  test.setTimeout(300_000);
  const seeded = await ensureSeeded();
  const longPages = await ensureLongNames();
  const { context, page } = await ownerPage(browser, instance, { viewport: { width: 768, height: 1024 } });
  await page.goto(instance.url("/team/users"));
  const users = tableBox(page, "Users");
  // The premise: at this width Users is wider than its box.
  expect(await users.evaluate((el) => el.scrollWidth - el.clientWidth), "Users fits its box at 768 px: nothing to pin").toBeGreaterThan(0);
  // Scrolled by 200 px, the select column starts at the box's left edge and the name right after it.
  const positions = () =>
    users.evaluate((box) => {
      box.scrollLeft = 200;
      const [check, name] = [...box.querySelector("tbody tr")!.children].map((cell) => cell.getBoundingClientRect());
      const left = box.getBoundingClientRect().left;
      return { check: Math.round(check.left - left), name: Math.round(name.left - check.right) };
    });
  await expect.poll(positions, { message: "Users at 768 px, scrolled by 200 px: the select and name cells' offsets" }).toEqual({ check: 0, name: 0 });
  for (const [name, path] of [...dashboardPages(seeded), ...longPages]) {
    await page.goto(instance.url(path));
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    await expect.soft.poll(async () => (await phoneShortfalls(page)).unnamedRows, { message: `${name} (${path}) at 768 px: a scrolled table's rows lose their name` }).toEqual([]);
  }

  // A laptop: a table that fits its box has no sticky cell (nothing changes there).
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const [path, table] of [["/team/groups", "Groups"], ["/team/service-users", "Service users"], ["/settings/roles", "Roles"]] as const) {
    await page.goto(instance.url(path));
    await untilDashboardHydrated(page);
    const box = tableBox(page, table);
    expect(await box.evaluate((el) => el.scrollWidth - el.clientWidth), `${table} at 1280 px`).toBeLessThanOrEqual(0);
    const sticky = await box.evaluate((el) => [...el.querySelectorAll("td, th")].filter((cell) => getComputedStyle(cell).position === "sticky").length);
    expect(sticky, `${table} at 1280 px: sticky cells`).toBe(0);
  }
  await context.close();
});

/**
 * A finger's tap on `cell` where nothing pinned covers it: the cell is scrolled to the middle of the part of its box
 * that its row's pinned cells leave free, and tapped there (a locator's tap aims at the cell's middle, which a pinned
 * name or a row's pinned buttons may cover).
 */
async function tapUncovered(page: Page, cell: Locator): Promise<void> {
  const point = await cell.evaluate((el: HTMLTableCellElement) => {
    el.scrollIntoView({ block: "center", inline: "nearest" });
    const box = el.closest("table")!.parentElement!;
    const pinned = [...(el.parentElement as HTMLTableRowElement).cells].filter((c) => c !== el && getComputedStyle(c).position === "sticky");
    const boxRect = box.getBoundingClientRect();
    const free = () => ({
      left: Math.max(boxRect.left, ...pinned.filter((c) => c.cellIndex < el.cellIndex).map((c) => c.getBoundingClientRect().right)),
      right: Math.min(boxRect.left + box.clientWidth, ...pinned.filter((c) => c.cellIndex > el.cellIndex).map((c) => c.getBoundingClientRect().left)),
    });
    const before = free();
    const r = el.getBoundingClientRect();
    box.scrollLeft += (r.left + r.right) / 2 - (before.left + before.right) / 2;
    const after = free();
    const cellNow = el.getBoundingClientRect();
    const left = Math.max(after.left, cellNow.left);
    const right = Math.min(after.right, cellNow.right);
    return { x: (left + right) / 2, y: cellNow.top + cellNow.height / 2, width: right - left };
  });
  expect(point.width, "the part of the cell that no pinned cell covers").toBeGreaterThan(8);
  await page.touchscreen.tap(point.x, point.y);
}

test("a tap on any cell of a row that opens as a whole on a laptop opens it on a phone and a tablet; its checkbox doesn't, and a row that opens by its name alone stays (r49)", async ({ browser }) => {
  // Users and Service users open a person from anywhere on the row (the name's link covers the row); a pinned
  // (sticky) name cell held that cover inside itself, so on a phone only the name opened the row.
  const seeded = await ensureSeeded();
  for (const viewport of [{ width: 390, height: 844 }, { width: 768, height: 1024 }, { width: 1280, height: 800 }]) {
    const { context, page } = await ownerPage(browser, instance, { viewport, hasTouch: true });
    const at = `${viewport.width} px`;
    await page.goto(instance.url("/team/users"));
    await untilDashboardHydrated(page);
    const person = page.getByRole("row", { name: /Maximiliane/ });
    // The checkbox selects, and doesn't open the person.
    await person.getByRole("checkbox").tap();
    await expect(person.getByRole("checkbox"), at).toBeChecked();
    await expect(page, at).toHaveURL(/\/team\/users$/);
    // The Email cell (select, name, email…) opens the person.
    await tapUncovered(page, person.getByRole("cell").nth(2));
    await expect(page, `${at}: a tap on the Email cell`).toHaveURL(new RegExp(`/team/users/${seeded.userId}$`));

    await page.goto(instance.url("/team/service-users"));
    await untilDashboardHydrated(page);
    await tapUncovered(page, page.getByRole("row", { name: /deploy bot/ }).getByRole("cell").nth(2));
    await expect(page, `${at}: a tap on a service user's Status cell`).toHaveURL(new RegExp(`/team/service-users/${seeded.serviceUserId}$`));

    // Groups open by their name's link only, on a laptop too: a tap on the member count stays.
    await page.goto(instance.url("/team/groups"));
    await untilDashboardHydrated(page);
    await tapUncovered(page, page.getByRole("row", { name: /Platform engineering/ }).getByRole("cell").nth(1));
    await page.waitForTimeout(500);
    await expect(page, `${at}: a group's member count`).toHaveURL(/\/team\/groups$/);
    await context.close();
  }
});

test("on a phone the recent deliveries keep each address in view as the table scrolls, a short one on one line, a long one inside its cell (r49)", async ({ browser }) => {
  // The deliveries' To column stayed on one line and so wasn't pinned: scrolled to its Retry button, a row had no address.
  const { smtp, instance: mailed, api } = await startInstanceWithMail();
  try {
    const long = `${"averyverylonglocalpartwithoutbreaks".repeat(2).slice(0, 60)}@subdomain-example.org`;
    for (const email of ["mia.member@example.test", long]) {
      const invite = await api.post("/api/users/invites", { email, name: "Mia Member", role: "user", send_email: true });
      expect(invite.status, invite.text).toBe(200);
    }
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, mailed.baseURL, OWNER.email, OWNER.password);
    await page.goto(mailed.url("/settings/email"));
    const table = page.getByRole("table", { name: "Recent deliveries" });
    await expect(async () => {
      await page.reload();
      await expect(table.getByRole("cell", { name: long })).toBeVisible({ timeout: 1000 });
    }).toPass();
    const box = tableBox(page, "Recent deliveries");
    expect(await box.evaluate((el) => el.scrollWidth - el.clientWidth), "the deliveries fit a phone: nothing to pin").toBeGreaterThan(0);
    await expect.poll(async () => (await phoneShortfalls(page)).unnamedRows, { message: "a scrolled delivery's address" }).toEqual([]);
    expect(await linesOfEach(table.getByRole("cell", { name: "mia.member@example.test" }).first()), "a short address").toEqual([1]);
    const spill = await table.getByRole("cell", { name: long }).first().evaluate((cell) => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      return Math.round(range.getBoundingClientRect().right - cell.getBoundingClientRect().right);
    });
    expect(spill, "the long address runs out of its cell by").toBeLessThanOrEqual(0);
    await context.close();
  } finally {
    await mailed.stop();
    await smtp.stop();
  }
});

/**
 * Text with a word of 40 characters or more (an address, a URL, a name without spaces) that runs out of a box around
 * it, up to the main column, or in a box that scrolls (a table's) has a line wider than that box; a textarea that
 * scrolls sideways.
 */
async function longWordsOutOfTheirBoxes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const main = document.querySelector("main") ?? document.body;
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? "";
      const el = node.parentElement;
      if (!el || !/\S{40,}/.test(text) || !el.checkVisibility() || el.closest(".sr-only, [aria-hidden=true]")) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rects = [...range.getClientRects()];
      if (rects.length === 0) continue;
      const right = Math.max(...rects.map((r) => r.right));
      for (let box: HTMLElement | null = el; box && box !== main.parentElement; box = box.parentElement) {
        const style = getComputedStyle(box);
        if (style.textOverflow === "ellipsis") break;
        if (style.overflowX === "auto" || style.overflowX === "scroll") {
          // A table's box: its cells may reach past it (it scrolls), but no line of one is wider than the box.
          const widest = Math.max(...rects.map((r) => r.width));
          if (widest > box.clientWidth + 1) out.push(`"${text.trim().slice(0, 30)}…" is a line ${Math.round(widest)} px wide in a box of ${box.clientWidth}`);
          break;
        }
        if (style.display === "inline" || style.display === "contents") continue;
        const edge = box.getBoundingClientRect().right;
        if (right > edge + 1) {
          out.push(`"${text.trim().slice(0, 30)}…" runs ${Math.round(right - edge)} px out of <${box.tagName.toLowerCase()} class="${box.className}">`);
          break;
        }
      }
    }
    for (const field of main.querySelectorAll("textarea")) if (field.scrollWidth > field.clientWidth) out.push(`<textarea name="${field.name}"> scrolls sideways`);
    return out;
  });
}

test("a 120-character email, a long group name and a long redirect address wrap inside their boxes at 390, 768 and 1280 px (r49)", async ({ browser }) => {
  const seeded = await ensureSeeded();
  const longPages = new Map(await ensureLongNames());
  const token = seeded.ownerToken;
  const email = (local: string) => `${local.repeat(4).slice(0, 64)}@${"subdomainwithoutanybreaks".repeat(3).slice(0, 43)}.example.com`;
  const address = email("personwithaverylongaddress");
  expect(address).toHaveLength(120);
  const user = await post<{ id: string }>(instance, token, "/api/users", { name: "Lena Longaddress", email: address, role: "user", auto_groups: [seeded.groupId] });
  await post(instance, token, "/api/users/invites", { email: email("inviteewithaverylongaddress"), name: "Ian Longinvite", role: "user" });
  const pages = [
    `/team/users/${user.id}`,
    "/team/users?view=invites",
    `/activity?target=${user.id}`,
    // The long application's redirect URIs, in its event's details.
    "/activity?action=application.created",
    `/team/groups/${seeded.groupId}`,
    longPages.get("long-group")!,
    longPages.get("long-application")!,
  ];
  for (const viewport of [{ width: 390, height: 844 }, { width: 768, height: 1024 }, { width: 1280, height: 800 }]) {
    const { context, page } = await ownerPage(browser, instance, { viewport });
    for (const path of pages) {
      await page.goto(instance.url(path));
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      expect.soft(await longWordsOutOfTheirBoxes(page), `${path} at ${viewport.width} px`).toEqual([]);
    }
    await context.close();
  }
});
