/**
 * Issue 18, German for a person's own pages: signing in in German, Profile's
 * sections and the authenticator app's set-up, the invite and the new-password
 * pages, all in German and axe-clean. (The English specs of the same pages —
 * profile, two-factor, passkeys, email, invites, recover — prove English
 * stayed word for word.)
 */
import { expect, test, type Page } from "@playwright/test";
import { seedDashboard, type Seeded } from "./support/dashboard";
import { OWNER, useInstance } from "./support/instance";
import { expectAxeClean } from "./support/axe";
import { signInGerman, untilDashboardHydrated } from "./support/browser";

const instance = useInstance();
test.describe.configure({ mode: "serial" });
test.setTimeout(90_000);

let seeded: Seeded;
test.beforeAll(async () => {
  seeded = await seedDashboard(instance);
});

/** SHOTS=dir: desktop and 390 px screenshots of the page, to look at. */
async function shoot(page: Page, name: string) {
  const dir = process.env.SHOTS;
  if (!dir) return;
  await page.screenshot({ path: `${dir}/${name}-desktop.png`, fullPage: true });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${dir}/${name}-390.png`, fullPage: true });
  if (size) await page.setViewportSize(size);
}

test("in German: sign in, Profile's sections, and setting up an authenticator app", async ({ browser }) => {
  const { context, page } = await signInGerman(browser, instance.baseURL, OWNER.email, OWNER.password, { viewport: { width: 1280, height: 800 } });

  await page.goto(instance.url("/profile"));
  await expect(page.getByRole("heading", { level: 1, name: "Profil" })).toBeVisible();
  for (const heading of ["Name", "Ihre Sitzungen", "Apps, bei denen Sie angemeldet sind", "Benutzername", "Zwei-Faktor-Authentifizierung", "E-Mail-Adresse", "Persönliche Zugriffstokens"]) {
    await expect(page.getByRole("heading", { level: 2, name: heading, exact: true })).toBeVisible();
  }
  await expect(page.getByText("Mitglied seit")).toBeVisible();
  await expect(page.getByLabel("Ihr Name")).toHaveValue(OWNER.name);
  await expect(page.getByRole("button", { name: "Name speichern", exact: true })).toBeVisible();
  await expect(page.getByText("Aktuell", { exact: true })).toBeVisible();
  await expect(page.getByText("Sie haben sich noch bei keiner App über Latchkey angemeldet.")).toBeVisible();
  await expect(page.getByText("Diese Instanz versendet keine E-Mails: Bitten Sie einen Administrator, sie zu ändern.")).toBeVisible();
  const twoFactor = page.getByRole("region", { name: "Zwei-Faktor-Authentifizierung" });
  await expect(twoFactor.getByRole("heading", { name: "Authenticator-App" })).toBeVisible();
  await expect(twoFactor.getByText("Aus", { exact: true })).toBeVisible();
  await expectAxeClean(page, { rules: "all" });
  await shoot(page, "profile-de");

  // A name saved answers in German. The steps from here are the page's script's (the set-up's first button does
  // nothing before it runs): pressed once the page has hydrated.
  await untilDashboardHydrated(page);
  await page.getByLabel("Ihr Name").fill("Olive Eigentümerin");
  await page.getByRole("button", { name: "Name speichern", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Name gespeichert" }).first()).toBeVisible();
  await expect(page.getByLabel("Ihr Name")).toHaveValue("Olive Eigentümerin");

  await twoFactor.getByRole("button", { name: "Authenticator-App einrichten" }).click();
  // The password first (a session alone can't add a factor); a wrong one is refused in German.
  await twoFactor.getByLabel("Ihr Passwort").fill("nicht das Passwort");
  await twoFactor.getByRole("button", { name: "Weiter" }).click();
  await expect(twoFactor.getByText("Das aktuelle Passwort ist falsch").first()).toBeVisible();
  await twoFactor.getByLabel("Ihr Passwort").fill(OWNER.password);
  await twoFactor.getByRole("button", { name: "Weiter" }).click();
  await expect(twoFactor.getByRole("img", { name: "QR-Code für Ihre Authenticator-App" })).toBeVisible();
  await expect(twoFactor.getByLabel("Geheimer Schlüssel")).not.toHaveValue("");
  await twoFactor.getByLabel("Code aus der App").fill("000000");
  await twoFactor.getByRole("button", { name: "Aktivieren" }).click();
  await expect(twoFactor.getByRole("alert").first()).toBeVisible();
  await expect(twoFactor.getByLabel("Code aus der App")).toBeVisible();
  await expect(twoFactor.getByRole("button", { name: "Abbrechen" })).toBeVisible();
  await expectAxeClean(page, { rules: "all" });
  await context.close();
});

test("in German: the invite and the new-password pages", async ({ browser }) => {
  const context = await browser.newContext({ locale: "de-DE", viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(instance.url(`/invite?token=${seeded.inviteToken}`));
  await expect(page.getByRole("heading", { level: 1, name: "Dem Team beitreten" })).toBeVisible();
  await expect(page.getByText(/^Olive .* hat Sie zu Latchkey eingeladen\.$/)).toBeVisible();
  await expect(page.getByText("Link läuft ab")).toBeVisible();
  await expect(page.getByText(/\d{4}.* UTC$/)).toBeVisible();
  await expect(page.getByLabel("Benutzername")).toBeVisible();
  await expect(page.getByText("Sie können sich damit oder mit Ihrer E-Mail-Adresse anmelden.", { exact: false })).toBeVisible();
  await expect(page.getByRole("button", { name: "Konto anlegen" })).toBeVisible();
  // Show/Hide says its field in German word order, the noun capitalised (review 34: "Anzeigen passwort").
  const show = page.getByRole("button", { name: "Passwort anzeigen", exact: true });
  await expect(show.getByText("Anzeigen", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Passwort bestätigen anzeigen", exact: true })).toBeVisible();
  await show.click();
  await expect(page.getByRole("button", { name: "Passwort verbergen", exact: true })).toHaveAttribute("aria-pressed", "true");
  await expectAxeClean(page, { rules: "all" });
  await shoot(page, "invite-de");

  await page.goto(instance.url("/invite?token=lki_000000000000000000000000000000000000"));
  await expect(page.getByRole("heading", { level: 1, name: "Diese Einladung kann nicht verwendet werden" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Anmelden" })).toBeVisible();

  await page.goto(instance.url("/reset-password?token=lkr_unknown"));
  await expect(page.getByRole("heading", { level: 1, name: "Neues Passwort festlegen" })).toBeVisible();
  await expect(page.getByText("Dieser Link ist ungültig, wurde bereits verwendet oder ist abgelaufen. Fordern Sie einen neuen an.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Neuen Link anfordern" })).toBeVisible();
  await expectAxeClean(page, { rules: "all" });
  await context.close();
});
