/**
 * A populated instance for the dashboard-wide specs (mobile, themes, axe,
 * screenshots): the owner, a group with a member, a person with a long name
 * and email (the usual cause of sideways scrolling), a service user, a pending
 * invite and a user who still has to choose a password. Also lists every main
 * page, so each spec walks the same set.
 */
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { signIn } from "./browser";
import { OWNER, setUpOwner } from "./instance";
import type { Instance } from "./server";

export type Seeded = {
  ownerId: string;
  groupId: string;
  userId: string;
  serviceUserId: string;
  inviteToken: string;
  roleId: string;
  newcomer: { email: string; password: string };
  applicationId: string;
  /** The owner's access token, for a spec that adds records of its own. */
  ownerToken: string;
};

export async function post<T>(instance: Instance, token: string, path: string, json: unknown, status = 200): Promise<T> {
  const res = await fetch(instance.url(path), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(json),
  });
  const text = await res.text();
  expect(res.status, `POST ${path}: ${text}`).toBe(status);
  return JSON.parse(text) as T;
}

export async function seedDashboard(instance: Instance): Promise<Seeded> {
  const { personal_access_token: token, user_id: ownerId } = await setUpOwner(instance);
  const group = await post<{ id: string }>(instance, token, "/api/groups", { name: "Platform engineering" });
  const user = await post<{ id: string }>(instance, token, "/api/users", {
    email: "maximiliane.wolfeschlegelsteinhausen-bergerdorff@subdivision.example.com",
    name: "Maximiliane Wolfeschlegelsteinhausenbergerdorff",
    role: "admin",
    auto_groups: [group.id],
  });
  const bot = await post<{ id: string }>(instance, token, "/api/users", {
    name: "deploy bot",
    role: "user",
    is_service_user: true,
    auto_groups: [group.id],
  });
  await post(instance, token, `/api/users/${bot.id}/tokens`, { name: "terraform", expires_in: 30 });
  const invite = await post<{ invite_link: string }>(instance, token, "/api/users/invites", {
    email: "invited.person@example.com",
    name: "Ivy Invited",
    role: "user",
  });
  const role = await post<{ id: string }>(instance, token, "/api/roles", {
    name: "Helpdesk",
    description: "Unblocks people and resets their passwords",
    permissions: ["users:read", "users:block", "users:reset_password", "users:unlock"],
  });
  const newcomer = await post<{ password: string }>(instance, token, "/api/users", {
    email: "newcomer@example.com",
    name: "Nina Newcomer",
    role: "user",
  });
  const application = await post<{ id: string }>(
    instance,
    token,
    "/api/applications",
    { name: "Grafana", type: "web", redirect_uris: ["https://grafana.example.com/login/generic_oauth"], allowed_groups: [group.id] },
    201,
  );
  return {
    applicationId: application.id,
    ownerId,
    ownerToken: token,
    groupId: group.id,
    userId: user.id,
    serviceUserId: bot.id,
    inviteToken: invite.invite_link,
    roleId: role.id,
    newcomer: { email: "newcomer@example.com", password: newcomer.password },
  };
}

/**
 * Review 44's long data, added to a seeded instance: names without spaces (a 60-character email,
 * "Wolfeschlegelsteinhausenbergerdorff"), a long group, service user, token and application name, long redirect
 * URIs, and enough people for a second page. Returns the pages that show them.
 */
export async function seedLongNames(instance: Instance, seeded: Seeded): Promise<[string, string][]> {
  const token = seeded.ownerToken;
  const word = "Wolfeschlegelsteinhausenbergerdorff";
  const group = await post<{ id: string }>(instance, token, "/api/groups", { name: "Infrastructure-and-platform-engineering-operations-on-call" });
  const person = await post<{ id: string }>(instance, token, "/api/users", {
    name: word,
    email: `${"averyverylonglocalpartwithoutanybreaks".padEnd(38, "x")}@subdomain-example.org`,
    role: "user",
    auto_groups: [group.id, seeded.groupId],
  });
  for (let i = 0; i < 26; i++) await post(instance, token, "/api/users", { name: `Person${i}${word}`, email: `person.${i}.${"x".repeat(30)}@example-company.com`, role: "user" });
  const bot = await post<{ id: string }>(instance, token, "/api/users", { name: `svc-${word}-deployment`, role: "user", is_service_user: true });
  await post(instance, token, `/api/users/${bot.id}/tokens`, { name: "terraform-production-infrastructure-deployment-pipeline", expires_in: 30 });
  await post(instance, token, `/api/users/${seeded.ownerId}/tokens`, { name: "personal-automation-token-for-the-ansible-playbooks", expires_in: 30 });
  const uri = "https://very-long-subdomain-name-for-the-application.internal.example-company.com/oauth2/callback/generic_oauth";
  const app = await post<{ id: string }>(instance, token, "/api/applications", { name: "Unternehmensressourcenplanungssoftwareverwaltung", type: "web", redirect_uris: [uri, `${uri}/second`] }, 201);
  return [
    ["long-user", `/team/users/${person.id}`],
    ["long-group", `/team/groups/${group.id}`],
    ["long-service-user", `/team/service-users/${bot.id}`],
    ["long-application", `/settings/applications/${app.id}`],
    ["long-user-activity", `/activity?target=${person.id}`],
    ["appearance", "/settings/appearance"],
  ];
}

/** The signed-in pages a person walks through, by name. */
export function dashboardPages(seeded: Seeded): [string, string][] {
  return [
    ["users", "/team/users"],
    ["user", `/team/users/${seeded.userId}`],
    ["invites", "/team/users?view=invites"],
    ["service-users", "/team/service-users"],
    ["service-user", `/team/service-users/${seeded.serviceUserId}`],
    ["groups", "/team/groups"],
    ["group", `/team/groups/${seeded.groupId}`],
    ["activity", "/activity"],
    ["profile", "/profile"],
    ["identity-providers", "/settings/identity-providers"],
    ["new-identity-provider", "/settings/identity-providers/new"],
    ["ldap", "/settings/ldap"],
    ["proxy-header", "/settings/proxy-header"],
    ["roles", "/settings/roles"],
    ["role", `/settings/roles/${seeded.roleId}`],
    ["new-role", "/settings/roles/new"],
    ["security", "/settings/security"],
    ["email", "/settings/email"],
    ["applications", "/settings/applications"],
    ["application", `/settings/applications/${seeded.applicationId}`],
  ];
}

/** A context with the theme cookie set (as the avatar menu would), and its page signed in as the owner. */
export async function ownerPage(
  browser: Browser,
  instance: Instance,
  options: { theme?: "light" | "dark"; viewport?: { width: number; height: number }; timezoneId?: string; userAgent?: string; hasTouch?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const { theme, viewport = { width: 1280, height: 800 }, ...rest } = options;
  const context = await browser.newContext({ viewport, ...rest });
  if (theme) await context.addCookies([{ name: "theme", value: theme, url: instance.baseURL }]);
  const page = await context.newPage();
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  return { context, page };
}
