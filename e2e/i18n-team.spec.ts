/**
 * Issue 18's German for Team and Settings → Roles, walked once as the owner
 * with German chosen: Users (the role filter lists the custom role, and
 * picking it filters through the URL), a user's page (giving the custom role
 * as an extra role, the toast in German), Groups and a group, Service users
 * and one, Roles and a role's permissions. Each page's headings and buttons
 * are German and axe finds nothing.
 */
import { expect, test } from "@playwright/test";
import { ownerPage, seedDashboard, type Seeded } from "./support/dashboard";
import { useInstance } from "./support/instance";
import { expectAxeClean } from "./support/axe";
import { untilDashboardHydrated } from "./support/browser";

const instance = useInstance();
test.setTimeout(120_000);

let seeded: Seeded;

test.beforeAll(async () => {
  seeded = await seedDashboard(instance);
});

test("Team and Roles in German: headings, buttons, filters, toasts; axe-clean", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await context.addCookies([{ name: "locale", value: "de", url: instance.baseURL }]);
  const main = page.getByRole("main");

  // A user's page: details, edit, roles; giving the custom role answers in German.
  await page.goto(instance.url(`/team/users/${seeded.userId}`));
  await expect(main.getByRole("link", { name: "← Benutzer" })).toBeVisible();
  for (const heading of ["Details", "Benutzer bearbeiten", "Rollen und Berechtigungen", "Aktive Sitzungen"]) {
    await expect(main.getByRole("heading", { name: heading, exact: true })).toBeVisible();
  }
  await expect(main.getByRole("button", { name: "Sperren", exact: true })).toBeVisible();
  await expect(main.getByRole("button", { name: "Passwort zurücksetzen" })).toBeVisible();
  await expect(main.getByText("Administrator", { exact: true }).first()).toBeVisible();
  await main.getByRole("group", { name: "Zusätzliche Rollen" }).getByLabel("Helpdesk").check();
  await main.getByRole("button", { name: "Rollen speichern" }).click();
  await expect(page.getByRole("status").or(page.getByRole("alert")).filter({ hasText: "Rollen gespeichert." }).first()).toBeVisible();
  await expectAxeClean(page, { rules: "all" });

  // Users: German toolbar and table; the role filter lists the custom role and filters through the URL.
  await page.goto(instance.url("/team/users"));
  await expect(main.getByRole("heading", { level: 1, name: "Benutzer" })).toBeVisible();
  await expect(main.getByRole("button", { name: "Benutzer hinzufügen" })).toBeVisible();
  await expect(main.getByRole("button", { name: "Auswahl sperren" })).toBeDisabled();
  const roleFilter = main.getByRole("combobox", { name: "Rolle" });
  await expect(roleFilter.getByRole("option")).toContainText(["Alle", "Inhaber", "Administrator", "Prüfer", "Benutzer", "Helpdesk"]);
  // The filter moves to its address through the page's script: picked before hydration, nothing happens.
  await untilDashboardHydrated(page);
  await roleFilter.selectOption({ label: "Helpdesk" });
  await expect(page).toHaveURL(new RegExp(`role=${seeded.roleId}`));
  await expect(main.getByRole("row")).toHaveCount(2); // the header and the one person who holds Helpdesk
  await expect(main.getByRole("row").nth(1)).toContainText("Maximiliane");
  await expectAxeClean(page, { rules: "all" });

  // Groups and a group.
  await page.goto(instance.url("/team/groups"));
  await expect(main.getByRole("button", { name: "Gruppe anlegen" })).toBeVisible();
  await expect(main.getByRole("button", { name: "Umbenennen Platform engineering" })).toBeVisible();
  await page.goto(instance.url(`/team/groups/${seeded.groupId}`));
  await expect(main.getByRole("heading", { name: "Mitglieder", exact: true })).toBeVisible();
  await expect(main.getByRole("heading", { name: "Vergibt Rollen" })).toBeVisible();
  await expect(main.getByLabel("Personen hinzufügen")).toBeVisible();
  await expect(main.getByRole("button", { name: /^Entfernen/ }).first()).toBeVisible();
  await expectAxeClean(page, { rules: "all" });

  // Service users and one.
  await page.goto(instance.url("/team/service-users"));
  await expect(main.getByRole("button", { name: "Dienstkonto anlegen" })).toBeVisible();
  await page.goto(instance.url(`/team/service-users/${seeded.serviceUserId}`));
  await expect(main.getByRole("heading", { name: "Zugriffstokens" })).toBeVisible();
  await expect(main.getByRole("button", { name: "Token erstellen" })).toBeVisible();
  await expect(main.getByRole("button", { name: "Dienstkonto löschen" })).toBeVisible();
  await expectAxeClean(page, { rules: "all" });

  // Roles: built-in names and every permission in German.
  await page.goto(instance.url("/settings/roles"));
  await expect(main.getByRole("heading", { name: "Rollen", exact: true })).toBeVisible();
  await expect(main.getByRole("link", { name: "Rolle anlegen" })).toBeVisible();
  await expect(main.getByRole("row", { name: /Prüfer/ })).toContainText("Liest alles, ändert nichts");
  await page.goto(instance.url(`/settings/roles/${seeded.roleId}`));
  await expect(main.getByRole("group", { name: "Benutzer" }).getByText("Personen hinzufügen und einladen")).toBeVisible();
  await expect(main.getByRole("group", { name: "Aktivität" })).toBeVisible();
  await expect(main.getByRole("button", { name: "Rolle speichern" })).toBeVisible();
  await expectAxeClean(page, { rules: "all" });
  await context.close();
});
