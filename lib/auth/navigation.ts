/**
 * What the dashboard offers a viewer, from their effective permissions: the
 * main navigation and the settings tabs. Convenience only (every service
 * checks for itself), but a link the viewer can't use is not shown.
 */
import type { Actor } from "./actor";
import type { Permission } from "./permissions";
import { can } from "./policy";

export type SettingsTab = { href: string; label: string };

/** Every settings page, in the order of its tab, with the permission that opens it (the one list). */
const SETTINGS_TABS: readonly (SettingsTab & { permission: Permission })[] = [
  { href: "/settings/identity-providers", label: "Identity providers", permission: "identity_providers:read" },
  { href: "/settings/ldap", label: "LDAP", permission: "identity_providers:read" },
  { href: "/settings/proxy-header", label: "Proxy header", permission: "settings:read" },
  { href: "/settings/security", label: "Security", permission: "settings:read" },
  { href: "/settings/email", label: "Email", permission: "settings:read" },
  { href: "/settings/roles", label: "Roles", permission: "roles:read" },
  { href: "/settings/applications", label: "Applications", permission: "applications:read" },
  { href: "/settings/appearance", label: "Appearance", permission: "settings:read" },
];

/** Main navigation links the actor may not use. */
export function hiddenNavigation(actor: Actor): string[] {
  const hidden: string[] = [];
  if (!can(actor, "service_users:read")) hidden.push("/team/service-users");
  if (!can(actor, "events:read")) hidden.push("/activity");
  if (settingsTabs(actor).length === 0) hidden.push("/settings");
  return hidden;
}

/** Settings tabs the actor may open, in order. */
export function settingsTabs(actor: Actor): SettingsTab[] {
  return SETTINGS_TABS.filter((tab) => can(actor, tab.permission)).map(({ href, label }) => ({ href, label }));
}

/** Every settings tab, whoever looks (for the test that each settings page has one). */
export const allSettingsTabHrefs = (): string[] => SETTINGS_TABS.map((tab) => tab.href);
