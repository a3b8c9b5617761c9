/**
 * The message namespaces each NextIntlClientProvider sends to the browser:
 * only those that browser code ("use client" modules and what they import)
 * passes to useTranslations. Server components translate on the server with
 * the whole catalog; sending it all made the catalog most of every page's
 * HTML (docs/benchmarks.md, "Round 8 — users first page").
 *
 * One list per provider. Two areas replace their parent's messages:
 * - root: app/layout.tsx, around everything (the toasts), and the pages at app/'s top;
 * - dashboard: app/(dashboard)/layout.tsx, the signed-in shell (navigation, avatar
 *   menu, change-password dialog) and the boundaries no section provider covers.
 * Each public page (sign-in, set-up, invite, recovery…) has its own layout
 * placing a provider within root's: it sends what that page's browser code
 * reads beyond the toasts, so the sign-in page, which every app's sign-in
 * through Latchkey loads, carries no other page's texts (docs/benchmarks.md,
 * "Round 12: page render").
 * Each dashboard section's layout places its own provider (AREA_WITHIN): it sends
 * only what the section's browser code reads beyond the shell's list, and the
 * browser merges it with the shell's (i18n/merged-messages.tsx). A soft
 * navigation keeps the shell's provider and swaps the section's, so every page
 * still finds its namespaces, and no page carries every other page's catalog
 * (docs/benchmarks.md, "Round 11: Users first page").
 *
 * i18n/client-namespaces.test.ts reads the source, derives what each list
 * must hold, and fails naming the namespace and the module that reads it when
 * a list misses one (the browser would show raw keys) or holds one no
 * browser code reads; a section's list fails when it repeats one the shell
 * already sends. A namespace may be a path ("mfa.app").
 */
import type { AbstractIntlMessages } from "next-intl";

export const CLIENT_NAMESPACES = {
  root: ["toast"],
  // The public pages: one provider per page, within root's (which sends the toasts' texts).
  changePassword: [
    "avatar",
    "changePassword",
    "common",
    "forms",
    "passwordField",
  ],
  confirmEmail: [
    "avatar",
    "forms",
    "publicPages.confirmEmail",
  ],
  forgotPassword: [
    "avatar",
    "forgotPassword",
    "forms",
  ],
  invite: [
    "avatar",
    "common",
    "forms",
    "passwordField",
    "publicPages.invite",
  ],
  login: [
    "avatar",
    "common",
    "forcedSetup",
    "forms",
    "mfa.recovery",
    "mfa.secondStep",
    "passwordField",
    "publicPages.passkey",
    "signIn",
  ],
  recover: [
    "avatar",
    "forms",
    "passwordField",
    "publicPages.newPassword",
    "publicPages.recover",
  ],
  resetPassword: [
    "avatar",
    "forms",
    "passwordField",
    "publicPages.newPassword",
  ],
  setup: [
    "avatar",
    "columns",
    "common",
    "forms",
    "passwordField",
    "setup",
    "usersPage.fields",
  ],
  dashboard: [
    "avatar",
    "changePassword",
    "common",
    "forms",
    "nav",
    "passwordField",
    "sections",
    "toast",
  ],
  activity: [
    "activityPage",
  ],
  groups: [
    "columns",
    "groupsPage",
    "rolesPage.assign",
  ],
  profile: [
    "appearance",
    "columns",
    "mfa",
    "profilePage.email",
    "profilePage.name",
    "profilePage.username",
    "removeFactor",
    "rolesPage",
    "tokensPage.create",
    "tokensPage.delete",
  ],
  serviceUsers: [
    "columns",
    "mfa.proof",
    "rolesPage",
    "serviceUsersPage",
    "team",
    "tokensPage.create",
    "tokensPage.delete",
    "toolbar",
    "usersPage.edit",
  ],
  settings: [
    "appearance",
    "applicationsPage",
    "columns",
    "emailPage",
    "ldapPage",
    "mfa.proof",
    "providersPage",
    "proxyPage",
    "rolesPage",
    "securityPage",
    "settings",
    "settingsPages.roleOptions",
    "team",
  ],
  user: [
    "columns",
    "mfa.proof",
    "mfa.userFactors",
    "rolesPage.assign",
    "team",
    "tokensPage.delete",
    "usersPage.actions",
    "usersPage.edit",
    "usersPage.resetPassword",
  ],
  users: [
    "columns",
    "identitySources",
    "invitesPage",
    "status",
    "table",
    "team",
    "toolbar",
    "usersPage.add",
    "usersPage.bulk",
    "usersPage.emailProof",
    "usersPage.fields",
  ],
} as const satisfies Record<string, readonly string[]>;

export type ClientMessagesArea = keyof typeof CLIENT_NAMESPACES;

/**
 * The areas whose provider adds to its parent's messages instead of replacing
 * them, each with the area of the provider it sits in (checked against the
 * layouts by i18n/client-namespaces.test.ts).
 */
export const AREA_WITHIN: Partial<Record<ClientMessagesArea, ClientMessagesArea>> = {
  activity: "dashboard", // app/(dashboard)/activity/layout.tsx
  groups: "dashboard", // app/(dashboard)/team/groups/layout.tsx
  profile: "dashboard", // app/(dashboard)/profile/layout.tsx
  serviceUsers: "dashboard", // app/(dashboard)/team/service-users/layout.tsx
  settings: "dashboard", // app/(dashboard)/settings/layout.tsx
  user: "dashboard", // app/(dashboard)/team/users/[id]/layout.tsx
  users: "dashboard", // app/(dashboard)/team/users/(list)/layout.tsx
  changePassword: "root", // app/(public)/change-password/layout.tsx
  confirmEmail: "root", // app/(public)/confirm-email/layout.tsx
  forgotPassword: "root", // app/(public)/forgot-password/layout.tsx
  invite: "root", // app/(public)/invite/layout.tsx
  login: "root", // app/(public)/login/layout.tsx (its second step too)
  recover: "root", // app/(public)/recover/layout.tsx
  resetPassword: "root", // app/(public)/reset-password/layout.tsx
  setup: "root", // app/(public)/setup/layout.tsx
};

type Catalog = AbstractIntlMessages;

/** The part of `messages` under the given namespaces (dotted paths), nested as in the catalog. */
export function pickMessages(messages: Catalog, namespaces: readonly string[]): Catalog {
  const picked: Catalog = {};
  for (const namespace of namespaces) {
    const path = namespace.split(".");
    let from: Catalog | string | undefined = messages;
    for (const key of path) from = typeof from === "object" ? from[key] : undefined;
    if (from === undefined) continue;
    let into = picked;
    for (const key of path.slice(0, -1)) into = (into[key] ??= {}) as Catalog;
    into[path[path.length - 1]] = from;
  }
  return picked;
}

// Per catalog object (one per locale, loaded once) and area: picked once, not per request.
const picks = new WeakMap<object, Map<ClientMessagesArea, Catalog>>();

/** The messages an area's provider sends, for the request's catalog. */
export function clientMessages(messages: Catalog, area: ClientMessagesArea): Catalog {
  let byArea = picks.get(messages);
  if (!byArea) picks.set(messages, (byArea = new Map()));
  let picked = byArea.get(area);
  if (!picked) byArea.set(area, (picked = pickMessages(messages, CLIENT_NAMESPACES[area])));
  return picked;
}

const jsons = new WeakMap<object, Map<ClientMessagesArea, string>>();

/** The same, as the JSON text the provider hands to the browser (i18n/client-messages.tsx): made once per catalog and area. */
export function clientMessagesJson(messages: Catalog, area: ClientMessagesArea): string {
  let byArea = jsons.get(messages);
  if (!byArea) jsons.set(messages, (byArea = new Map()));
  let json = byArea.get(area);
  if (json === undefined) byArea.set(area, (json = JSON.stringify(clientMessages(messages, area))));
  return json;
}

/**
 * `inner` laid over `outer`: what a nested provider's components see. Objects
 * met at the same key merge (a section may send "profilePage.email" under a
 * parent sending "profilePage.name"); otherwise the inner value wins.
 */
export function mergeMessages(outer: Catalog, inner: Catalog): Catalog {
  const merged: Catalog = { ...outer };
  for (const [key, value] of Object.entries(inner)) {
    const under = merged[key];
    merged[key] = typeof under === "object" && typeof value === "object" ? mergeMessages(under, value) : value;
  }
  return merged;
}
