/**
 * The LDAP source's group mapping, read for one entry: which of the mapped Latchkey groups the source
 * manages, and which of them the entry's directory groups give it. A directory sign-in (./sign-in.ts) and
 * the periodic directory check (./directory-sync.ts) both ask here, and both apply the answer with
 * syncMappedGroups (../external-sign-in.ts): one rule for what a directory group gives.
 */
import "server-only";
import { directoryGroupNames, type LdapConfig } from "./directory";

export type MappedGroups = { managed: string[]; member: string[] };

/** The mapped groups for the entry at `dn`, or undefined when the source maps no groups (or has no group search base). */
export async function mappedGroupsOf(config: LdapConfig, dn: string): Promise<MappedGroups | undefined> {
  if (config.groupMapping.length === 0 || !config.groupSearchBase) return undefined;
  const names = new Set((await directoryGroupNames(config, dn)).map((n) => n.toLowerCase()));
  return {
    managed: config.groupMapping.map((m) => m.group_id),
    member: config.groupMapping.filter((m) => names.has(m.ldap_group.toLowerCase())).map((m) => m.group_id),
  };
}
