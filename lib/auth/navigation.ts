/**
 * What the dashboard offers a viewer, from their effective permissions: the
 * main navigation and the settings tabs. Convenience only (every service
 * checks for itself), but a link the viewer can't use is not shown.
 */
import type { Actor } from "./actor";
import { can } from "./policy";

/** Main navigation links the actor may not use. */
export function hiddenNavigation(actor: Actor): string[] {
  const hidden: string[] = [];
  if (!can(actor, "service_users:read")) hidden.push("/team/service-users");
  if (!can(actor, "events:read")) hidden.push("/activity");
  if (settingsTabs(actor).length === 0) hidden.push("/settings");
  return hidden;
}

/** Settings tabs the actor may open, in order. */
export function settingsTabs(actor: Actor): string[] {
  const tabs: string[] = [];
  if (can(actor, "identity_providers:read")) tabs.push("/settings/identity-providers", "/settings/ldap");
  if (can(actor, "settings:read")) tabs.push("/settings/proxy-header", "/settings/security");
  if (can(actor, "roles:read")) tabs.push("/settings/roles");
  if (can(actor, "applications:read")) tabs.push("/settings/applications");
  return tabs;
}
