/**
 * The message namespaces each NextIntlClientProvider sends to the browser:
 * only those that browser code ("use client" modules and what they import)
 * passes to useTranslations. Server components translate on the server with
 * the whole catalog; sending it all made the catalog most of every page's
 * HTML (docs/benchmarks.md, "Round 8 — users first page").
 *
 * One list per provider; a nested provider replaces its parent's messages:
 * - root: app/layout.tsx, around everything (the toasts), and the pages at app/'s top;
 * - public: app/(public)/layout.tsx, sign-in, set-up, invite and recovery pages;
 * - dashboard: app/(dashboard)/layout.tsx, the signed-in shell and every page under it.
 *
 * i18n/client-namespaces.test.ts reads the source, derives what each list
 * must hold, and fails naming the namespace and the module that reads it when
 * a list misses one (the browser would show raw keys) or holds one no
 * browser code reads. A namespace may be a path ("mfa.app").
 */
import type { AbstractIntlMessages } from "next-intl";

export const CLIENT_NAMESPACES = {
  root: ["toast"],
  public: [
    "avatar",
    "changePassword",
    "columns",
    "forcedSetup",
    "forgotPassword",
    "forms",
    "mfa.recovery",
    "mfa.secondStep",
    "passwordField",
    "publicPages.confirmEmail",
    "publicPages.invite",
    "publicPages.newPassword",
    "publicPages.passkey",
    "publicPages.recover",
    "serverMessages",
    "setup",
    "signIn",
    "toast",
    "usersPage",
  ],
  dashboard: [
    "activityPage",
    "appearance",
    "applicationsPage",
    "avatar",
    "changePassword",
    "columns",
    "common",
    "emailPage",
    "forms",
    "groupsPage",
    "identitySources",
    "invitesPage",
    "ldapPage",
    "mfa",
    "nav",
    "passwordField",
    "profilePage.email",
    "profilePage.name",
    "profilePage.username",
    "providersPage",
    "proxyPage",
    "removeFactor",
    "rolesPage",
    "sections",
    "securityPage",
    "serverMessages",
    "serviceUsersPage",
    "settings",
    "settingsPages.roleOptions",
    "status",
    "table",
    "team",
    "toast",
    "tokensPage.create",
    "tokensPage.delete",
    "toolbar",
    "usersPage",
  ],
} as const satisfies Record<string, readonly string[]>;

export type ClientMessagesArea = keyof typeof CLIENT_NAMESPACES;

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
