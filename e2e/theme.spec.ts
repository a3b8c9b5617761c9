/**
 * Themes and keyboard use of the shell: Light / Dark / System from the avatar
 * menu, remembered and rendered by the server; the avatar menu as a real menu;
 * the skip link; the Add user tabs with arrow keys; a disabled danger button
 * that looks disabled.
 */
import { expect, test, type Locator, type Page } from "@playwright/test";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { ownerPage } from "./support/dashboard";
import { openAccountMenu, untilDashboardHydrated } from "./support/browser";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  await setUpOwner(instance);
});

/** The page's background brightness (0 black … 255 white), from the body's computed colour. */
async function backgroundLightness(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas").getContext("2d")!;
    canvas.fillStyle = getComputedStyle(document.body).backgroundColor;
    canvas.fillRect(0, 0, 1, 1);
    const [r, g, b] = canvas.getImageData(0, 0, 1, 1).data;
    return (r + g + b) / 3;
  });
}

async function chooseTheme(page: Page, label: "Light" | "Dark" | "System") {
  await openAccountMenu(page, OWNER.name);
  await page.getByRole("menuitemradio", { name: label }).click();
  await expect(page.getByRole("menuitemradio", { name: label })).toHaveAttribute("aria-checked", "true");
  await page.keyboard.press("Escape");
}

test("the theme follows the system until the person picks one, and is remembered", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto(instance.url("/team/users"));
  expect(await backgroundLightness(page)).toBeGreaterThan(200);

  // System: follows prefers-color-scheme, with no class on <html>.
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await backgroundLightness(page)).toBeLessThan(60);

  // Light wins over a dark system, at once.
  await chooseTheme(page, "Light");
  expect(await backgroundLightness(page)).toBeGreaterThan(200);

  // Dark, at once and after a reload, rendered by the server (no flash).
  await page.emulateMedia({ colorScheme: "light" });
  await chooseTheme(page, "Dark");
  expect(await backgroundLightness(page)).toBeLessThan(60);
  const html = await (await context.request.get(instance.url("/team/users"))).text();
  expect(html).toMatch(/<html[^>]*class="dark"/);
  await page.reload();
  expect(await backgroundLightness(page)).toBeLessThan(60);
  // Public pages too.
  await page.goto(instance.url("/login"));
  expect(await backgroundLightness(page)).toBeLessThan(60);

  // Back to System.
  await page.goto(instance.url("/team/users"));
  await chooseTheme(page, "System");
  expect(await backgroundLightness(page)).toBeGreaterThan(200);
  const plain = await (await context.request.get(instance.url("/team/users"))).text();
  expect(plain).not.toMatch(/<html[^>]*class="(dark|light)"/);
  await context.close();
});

test("the avatar menu is a menu: arrow keys, Home, End, Escape", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url("/team/users"));
  const button = page.getByRole("button", { name: OWNER.name });
  await expect(button).toHaveAttribute("aria-haspopup", "menu");
  await button.focus();
  await page.keyboard.press("Enter");
  const menu = page.getByRole("menu");
  await expect(menu).toBeVisible();
  await expect(menu.getByRole("menuitem", { name: "Profile" })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(menu.getByRole("menuitem", { name: "Change password" })).toBeFocused();
  await page.keyboard.press("End");
  await expect(menu.getByRole("menuitem", { name: "Sign out" })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(menu.getByRole("menuitem", { name: "Profile" })).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(menu.getByRole("menuitem", { name: "Sign out" })).toBeFocused();
  await page.keyboard.press("Home");
  await expect(menu.getByRole("menuitem", { name: "Profile" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();
  await expect(button).toBeFocused();
  // ArrowDown on the button opens it too; Enter on an item follows it.
  await page.keyboard.press("ArrowDown");
  await expect(menu.getByRole("menuitem", { name: "Profile" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/profile$/);
  await context.close();
});

test("the skip link jumps past the navigation to the page's content", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url("/team/groups"));
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("main")).toBeFocused();
  await context.close();
});

test("the Add user tabs move with the arrow keys", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url("/team/users"));
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Add user" }).click();
  const dialog = page.getByRole("dialog", { name: "Add user" });
  const invite = dialog.getByRole("tab", { name: "Invite user" });
  const create = dialog.getByRole("tab", { name: "Create user" });
  await invite.focus();
  await page.keyboard.press("ArrowRight");
  await expect(create).toBeFocused();
  await expect(create).toHaveAttribute("aria-selected", "true");
  await expect(dialog.getByRole("tabpanel")).toContainText("A password is generated");
  await page.keyboard.press("ArrowRight");
  await expect(invite).toBeFocused();
  await expect(invite).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowLeft");
  await expect(create).toHaveAttribute("aria-selected", "true");
  // One Tab stop for the whole tab list: the unselected tab is skipped.
  await expect(invite).toHaveAttribute("tabindex", "-1");
  await context.close();
});

/** An element's computed colour as sRGB bytes (the theme's colours are oklch and color-mix). */
async function rgbOf(target: Locator, property: "backgroundColor" | "color") {
  return target.evaluate((el, prop) => {
    const canvas = document.createElement("canvas").getContext("2d")!;
    canvas.fillStyle = getComputedStyle(el)[prop];
    canvas.fillRect(0, 0, 1, 1);
    const [r, g, b] = canvas.getImageData(0, 0, 1, 1).data;
    return { r, g, b };
  }, property);
}

test("a disabled danger button looks disabled in both themes: grey, not a red fill", async ({ browser }) => {
  for (const theme of ["light", "dark"] as const) {
    const { context, page } = await ownerPage(browser, instance, { theme });
    await page.goto(instance.url("/team/users"));
    const remove = page.getByRole("button", { name: "Delete selected" });
    await expect(remove).toBeDisabled();
    // Hovering a disabled button changes nothing.
    await remove.hover({ force: true });
    const off = await rgbOf(remove, "backgroundColor");
    // The theme's grey (slate, a little blue), not red: a red fill, pale or deep, has red far above green and blue.
    expect(off.r - Math.max(off.g, off.b), `${theme} disabled fill ${JSON.stringify(off)}`).toBeLessThan(10);
    await page.getByRole("checkbox", { name: `Select ${OWNER.name}` }).check();
    await expect(remove).toBeEnabled();
    const on = await rgbOf(remove, "backgroundColor");
    expect(on.r - Math.max(on.g, on.b), `${theme} enabled fill ${JSON.stringify(on)}`).toBeGreaterThan(60);
    await context.close();
  }
});
