/**
 * Settings → Applications in the browser (issue 15): the owner registers a web
 * app (a refused redirect URI explained with what was typed kept, then the
 * client secret shown once), edits its redirect URIs, opens it to everyone
 * again after its only group was deleted, sees the issuer once a public
 * address is set, rotates the secret and deletes the app. Screenshots
 * at desktop width and 390 px.
 */
import { expect, test } from "@playwright/test";
import { bearer, call } from "./support/api";
import { signIn } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { personWithRole, tokenClient } from "./support/users-api";

const instance = useInstance();

test("the owner registers, edits, re-keys and deletes an application", async ({ page }) => {
  test.setTimeout(120_000);
  const owner = await setUpOwner(instance);
  const auth = bearer(owner.personal_access_token);
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/settings"));
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Applications" }).click();
  await expect(page).toHaveURL(/\/settings\/applications$/);
  await expect(page.getByRole("heading", { name: "No applications yet" })).toBeVisible();
  // No public address yet: the page says what to set instead of an issuer.
  await expect(page.getByText("PUBLIC_URL", { exact: true })).toBeVisible();

  // Register: a refused redirect URI is explained, and everything typed stays.
  await page.getByRole("button", { name: "New application" }).click();
  const dialog = page.getByRole("dialog", { name: "New application" });
  await dialog.getByLabel("Name").fill("Grafana");
  await expect(dialog.getByRole("radio", { name: /Web app/ })).toBeChecked();
  await dialog.getByLabel("Redirect URIs", { exact: true }).fill("http://grafana.example.com/login/generic_oauth");
  await dialog.getByLabel("Access token lifetime (minutes)").fill("15");
  await dialog.getByRole("button", { name: "Register" }).click();
  await expect(dialog.getByText("http://grafana.example.com/login/generic_oauth must use https://")).toBeVisible();
  await expect(dialog.getByLabel("Name")).toHaveValue("Grafana");
  await expect(dialog.getByLabel("Access token lifetime (minutes)")).toHaveValue("15");
  await expect(dialog.getByLabel("Redirect URIs", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await dialog.getByLabel("Redirect URIs", { exact: true }).fill("https://grafana.example.com/login/generic_oauth");
  await dialog.getByRole("button", { name: "Register" }).click();

  // The secret, once, with Copy and a warning.
  const secretField = dialog.getByLabel("Client secret");
  await expect(secretField).toHaveValue(/^lks_[0-9A-Za-z]{36}$/);
  const firstSecret = await secretField.inputValue();
  await expect(dialog.getByText("will not be shown again")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Copy", exact: true })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("application-secret.png") });
  await dialog.getByRole("button", { name: "Copy & close" }).click();
  await expect(page).toHaveURL(/\/settings\/applications\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { name: "Grafana" })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Client ID" })).toHaveValue(/^lka_/);
  await expect(page.getByText(firstSecret)).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "No sign-ins yet" })).toBeVisible();

  // Edit the redirect URIs; the save changes only them.
  const uris = page.getByLabel("Redirect URIs", { exact: true });
  await uris.fill("https://grafana.example.com/login/generic_oauth\nhttps://grafana2.example.com/login/generic_oauth");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Application Grafana saved.")).toBeVisible();
  const saved = await call<{ redirect_uris: string[]; access_token_ttl_seconds: number; name: string }>(instance, `/api/applications/${id}`, { headers: auth });
  expect(saved.body).toMatchObject({
    name: "Grafana",
    redirect_uris: ["https://grafana.example.com/login/generic_oauth", "https://grafana2.example.com/login/generic_oauth"],
    access_token_ttl_seconds: 900,
  });
  await page.reload();
  await expect(page.getByLabel("Redirect URIs", { exact: true })).toHaveValue("https://grafana.example.com/login/generic_oauth\nhttps://grafana2.example.com/login/generic_oauth");

  // The ID token's signature: RS256 unless chosen; choosing ES256 saves only that.
  const alg = page.getByLabel("ID token signature");
  await expect(alg).toHaveValue("RS256");
  await alg.selectOption("ES256");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Application Grafana saved.")).toBeVisible();
  const signed = await call<{ id_token_signed_response_alg: string; redirect_uris: string[]; access_token_ttl_seconds: number }>(instance, `/api/applications/${id}`, { headers: auth });
  expect(signed.body).toMatchObject({ id_token_signed_response_alg: "ES256", access_token_ttl_seconds: 900 });
  expect(signed.body.redirect_uris).toHaveLength(2);
  await page.reload();
  await expect(page.getByLabel("ID token signature")).toHaveValue("ES256");

  // Who may sign in: an app whose only group was deleted admits nobody, shown as "Only members…" with no box
  // ticked; a rename keeps it closed, and choosing Everyone (its boxes disabled) opens it.
  const ops = await call<{ id: string }>(instance, "/api/groups", { method: "POST", headers: auth, json: { name: "Grafana users" } });
  expect(ops.status, ops.text).toBe(200);
  expect((await call(instance, "/api/groups", { method: "POST", headers: auth, json: { name: "Staff" } })).status).toBe(200);
  const limited = await call(instance, `/api/applications/${id}`, { method: "PUT", headers: auth, json: { access: "groups", allowed_groups: [ops.body.id] } });
  expect(limited.status, limited.text).toBe(200);
  expect((await call(instance, `/api/groups/${ops.body.id}`, { method: "DELETE", headers: auth })).status).toBe(200);
  await page.reload();
  await expect(page.getByText("Nobody can sign in to this app")).toBeVisible();
  const onlyMembers = page.getByRole("radio", { name: "Only members of these groups" });
  const everyone = page.getByRole("radio", { name: "Everyone" });
  await expect(onlyMembers).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Staff" })).not.toBeChecked();
  await page.getByLabel("Name", { exact: true }).fill("Grafana (closed)");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Application Grafana (closed) saved.")).toBeVisible();
  expect((await call<{ access: string }>(instance, `/api/applications/${id}`, { headers: auth })).body.access).toBe("nobody");
  await everyone.check();
  await expect(page.getByRole("checkbox", { name: "Staff" })).toBeDisabled();
  await onlyMembers.check();
  await expect(page.getByRole("checkbox", { name: "Staff" })).toBeEnabled();
  await everyone.check();
  await page.getByLabel("Name", { exact: true }).fill("Grafana");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Application Grafana saved.")).toBeVisible();
  expect((await call<{ access: string; allowed_groups: string[] }>(instance, `/api/applications/${id}`, { headers: auth })).body).toMatchObject({ access: "everyone", allowed_groups: [] });
  await expect(page.getByText("Nobody can sign in to this app")).toHaveCount(0);
  await expect(page.getByRole("radio", { name: "Everyone" })).toBeChecked();

  // With a public address (Settings → Email), the issuer and discovery URL show with Copy.
  const mail = await call(instance, "/api/settings/email", { method: "PUT", headers: auth, json: { public_url: "https://id.example.com" } });
  expect(mail.status, mail.text).toBe(200);
  await page.reload();
  await expect(page.getByRole("textbox", { name: "Issuer" })).toHaveValue("https://id.example.com");
  await expect(page.getByRole("textbox", { name: "Discovery URL" })).toHaveValue("https://id.example.com/.well-known/openid-configuration");
  await expect(page.getByRole("button", { name: "Copy Issuer" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("application-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.getByRole("heading", { name: "Grafana" })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: test.info().outputPath("application-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // Rotate: asks first, then shows a new secret once.
  await page.getByRole("button", { name: "Rotate secret" }).click();
  const rotate = page.getByRole("dialog", { name: "Rotate the secret of Grafana?" });
  await expect(rotate.getByText("stops working at once")).toBeVisible();
  await rotate.getByRole("button", { name: "Rotate secret" }).click();
  const newSecret = rotate.getByLabel("New client secret");
  await expect(newSecret).toHaveValue(/^lks_/);
  expect(await newSecret.inputValue()).not.toBe(firstSecret);
  // The old secret already stopped: Escape doesn't lose the new one (review 20), only Copy & close closes.
  await newSecret.press("Escape");
  await page.keyboard.press("Escape");
  await expect(rotate).toBeVisible();
  await expect(newSecret).toHaveValue(/^lks_/);
  await expect(rotate.getByRole("button", { name: "Copy & close" })).toBeFocused();
  await rotate.getByRole("button", { name: "Copy & close" }).click();
  await expect(rotate).toBeHidden();

  // Rotated meanwhile (another tab, another admin, a script) while this dialog was open: pressing Rotate says so
  // instead of showing a secret that the other rotation's would replace; the next press rotates the secret now held.
  await page.getByRole("button", { name: "Rotate secret" }).click();
  await expect(rotate.getByText("stops working at once")).toBeVisible();
  const elsewhere = await call<{ client_secret: string }>(instance, `/api/applications/${id}/rotate-secret`, { method: "POST", headers: auth });
  expect(elsewhere.status, elsewhere.text).toBe(200);
  await rotate.getByRole("button", { name: "Rotate secret" }).click();
  await expect(rotate.getByRole("alert")).toContainText("The client secret was rotated meanwhile");
  await expect(rotate.getByLabel("New client secret")).toHaveCount(0);
  await rotate.getByRole("button", { name: "Rotate secret" }).click();
  await expect(rotate.getByLabel("New client secret")).toHaveValue(/^lks_/);
  expect(await rotate.getByLabel("New client secret").inputValue()).not.toBe(elsewhere.body.client_secret);
  await rotate.getByRole("button", { name: "Copy & close" }).click();
  await expect(rotate).toBeHidden();

  // Delete: asks first, then the list is empty again.
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const confirm = page.getByRole("dialog", { name: "Delete Grafana?" });
  await confirm.getByRole("button", { name: "Delete application" }).click();
  await expect(page).toHaveURL(/\/settings\/applications(\?deleted=1)?$/);
  await expect(page.getByText("Application deleted.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "No applications yet" })).toBeVisible();
  expect((await call(instance, `/api/applications/${id}`, { headers: auth })).status).toBe(404);

  // Registering and changing apps is the owner's (whoever decides where an app's sign-ins go can sign in as anyone
  // there): an admin sees Settings → Applications read-only, and may delete an app.
  const kept = await call<{ id: string }>(instance, "/api/applications", {
    method: "POST",
    headers: auth,
    json: { name: "Gitea", type: "web", redirect_uris: ["https://git.example.com/user/oauth2/latchkey/callback"] },
  });
  expect(kept.status, kept.text).toBe(201);
  const admin = await personWithRole(tokenClient(instance, owner.personal_access_token), "admin");
  await page.context().clearCookies();
  await signIn(page, instance.baseURL, admin.email, admin.password);
  await page.goto(instance.url("/settings/applications"));
  const readOnly = "Read-only: only the owner registers and changes applications";
  await expect(page.getByText(readOnly)).toBeVisible();
  await expect(page.getByRole("link", { name: "Gitea" })).toBeVisible();
  await expect(page.getByRole("button", { name: "New application" })).toHaveCount(0);
  await expect(page.getByText("Read-only: only the owner can change how people sign in.")).toHaveCount(0);
  await page.getByRole("link", { name: "Gitea" }).click();
  await expect(page.getByRole("heading", { name: "Gitea" })).toBeVisible();
  await expect(page.getByText(readOnly)).toBeVisible();
  await expect(page.getByRole("button", { name: "Rotate secret" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save changes" })).toHaveCount(0);
  await expect(page.getByLabel("Name", { exact: true })).toHaveAttribute("readonly", "");
  await expect(page.getByRole("button", { name: "Delete", exact: true })).toBeVisible();
  await expect(page.getByText("the owner can rotate it")).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath("application-admin-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(instance.url("/settings/identity-providers"));
  await expect(page.getByText("Read-only: only the owner can change how people sign in.")).toBeVisible();
});
