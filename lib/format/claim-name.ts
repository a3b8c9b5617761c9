/**
 * Names apps receive in a claim's list (group names in `groups`, role names in `roles`): apps that get such a
 * list as one line join its names with "," (Apache's mod_auth_openidc in OIDC_CLAIM_groups / OIDC_CLAIM_roles;
 * proxies that put them in one header may too), so a name holding a comma would read there as two, "ops,admin"
 * as "admin". The one rule for both (lib/groups/records.ts, lib/roles/records.ts). No server code.
 */

/** Whether the name (already in NFKC, where "，" is a comma) would read as two names in a joined claim. */
export function splitsInJoinedClaim(nfkc: string): boolean {
  return nfkc.includes(",");
}
