/**
 * Issue 18, German complete: Settings (identity providers, LDAP, proxy header,
 * email, security, applications) and Activity read German for a German
 * person, a refused form shows the server's message in German (lib/forms/
 * message-keys.ts, also one with a value in it), the activity log names events,
 * detail values and party kinds in German, and axe stays clean.
 */
import { expect, test } from "@playwright/test";
import { ownerPage, seedDashboard } from "./support/dashboard";
import { useInstance } from "./support/instance";
import { expectAxeClean } from "./support/axe";

const instance = useInstance();
test.setTimeout(120_000);

test("Settings and Activity in German, with a German server error and German event names", async ({ browser }) => {
  await seedDashboard(instance);
  const { context, page } = await ownerPage(browser, instance);
  await context.addCookies([{ name: "locale", value: "de", url: instance.baseURL }]);
  const shots = process.env.I18N_SHOTS;

  await page.goto(instance.url("/settings/identity-providers"));
  await expect(page.getByRole("heading", { name: "OpenID-Connect-Anbieter" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "E-Mail und Passwort" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Anmeldung mit E-Mail und Passwort ausschalten" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Anbieter hinzufügen" })).toBeVisible();
  await expectAxeClean(page, { what: "identity providers", rules: "all" });

  await page.getByRole("link", { name: "Anbieter hinzufügen" }).click();
  await expect(page.getByLabel("Aussteller-URL")).toBeVisible();
  await expect(page.getByRole("button", { name: "Verbindung testen" })).toBeVisible();

  await page.goto(instance.url("/settings/ldap"));
  await expect(page.getByRole("heading", { name: "Gruppenzuordnung (optional)" })).toBeVisible();
  await expect(page.getByRole("button", { name: "LDAP-Einstellungen speichern" })).toBeVisible();
  await expect(page.getByLabel("Standardrolle")).toContainText("Prüfer — sieht alles, ändert nichts");
  if (shots) await page.screenshot({ path: `${shots}/ldap-desktop.png`, fullPage: true });
  await expectAxeClean(page, { what: "ldap", rules: "all" });

  await page.goto(instance.url("/settings/proxy-header"));
  await expect(page.getByLabel("Adressen vertrauenswürdiger Proxys")).toBeVisible();
  await expect(page.getByRole("button", { name: "Proxy-Header-Einstellungen speichern" })).toBeVisible();
  // A refusal with a value in it (the range), keyed where the schema makes it.
  await page.getByLabel("Adressen vertrauenswürdiger Proxys").fill("0.0.0.0/0");
  await page.getByRole("button", { name: "Proxy-Header-Einstellungen speichern" }).click();
  await expect(page.getByText("0.0.0.0/0 umfasst alle Adressen", { exact: false }).first()).toBeVisible();

  await page.goto(instance.url("/settings/email"));
  await expect(page.getByRole("heading", { name: "Letzte Zustellungen" })).toBeVisible();
  await expect(page.getByText("E-Mail ist ausgeschaltet", { exact: false })).toBeVisible();
  await expectAxeClean(page, { what: "email", rules: "all" });

  await page.goto(instance.url("/settings/applications"));
  await expect(page.getByRole("heading", { name: "Anwendungen", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Neue Anwendung" })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "Wer sich anmelden darf" })).toBeVisible();
  await expectAxeClean(page, { what: "applications", rules: "all" });

  // A refusal from the server, in German: "Members of chosen groups" with no group chosen.
  await page.goto(instance.url("/settings/security"));
  const groupsOnly = page.getByRole("radio", { name: "Mitglieder ausgewählter Gruppen" });
  await groupsOnly.check();
  await page.getByRole("button", { name: "Speichern", exact: true }).click();
  await expect(page.getByText("Wählen Sie mindestens eine Gruppe").first()).toBeVisible();
  await expect(groupsOnly).toBeChecked();
  if (shots) await page.screenshot({ path: `${shots}/security-desktop.png`, fullPage: true });
  await expectAxeClean(page, { what: "security with an error", rules: "all" });

  // Activity: event names, filters and the pager line in German; the API keeps English.
  await page.goto(instance.url("/activity"));
  const table = page.getByRole("table", { name: "Aktivität" });
  await expect(table.getByText("Gruppe erstellt", { exact: true }).first()).toBeVisible();
  await expect(table.getByText("Benutzer erstellt", { exact: true }).first()).toBeVisible();
  // Detail values and party kinds by name, not code: the registered app's type, the app as target.
  await expect(table.getByText("Typ: Web-App", { exact: true }).first()).toBeVisible();
  await expect(table.getByText("Anwendung", { exact: true }).first()).toBeVisible();
  await expect(page.getByLabel("Aktion")).toContainText("Alle Aktionen");
  await expect(page.getByRole("button", { name: "Filter anwenden" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Seitennavigation" })).toContainText(/\d+ von \d+ Ereignissen/);
  await page.getByRole("button", { name: "Integrität prüfen" }).click();
  await expect(page.getByText(/^Integrität bestätigt: Alle \d+ Ereignisse/)).toBeVisible();
  if (shots) await page.screenshot({ path: `${shots}/activity-desktop.png`, fullPage: true });
  await expectAxeClean(page, { what: "activity", rules: "all" });
  const api = await page.request.get(instance.url("/api/events?limit=200"));
  expect((await api.json()).map((e: { activity: string }) => e.activity)).toContain("Group created");

  if (shots) {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, path] of [["activity", "/activity"], ["ldap", "/settings/ldap"], ["security", "/settings/security"]]) {
      await page.goto(instance.url(path));
      await page.screenshot({ path: `${shots}/${name}-390.png`, fullPage: true });
    }
  }
  await context.close();
});
