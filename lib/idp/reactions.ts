/**
 * How the ways in react to what happens elsewhere (lib/data/effects.ts): a deleted group leaves the identity
 * providers' default groups and the LDAP source's group mapping in the same unit of work (review 31). Left there,
 * its id was kept for good, shown in the API, and refused the next save of the unchanged settings ("group not
 * found"); sign-ins skipped it already.
 */
import "server-only";
import { eq } from "drizzle-orm";
import { react } from "@/lib/data/effects";
import { identityProviders, ldapSources } from "@/lib/db/schema";
import { signInConfigurationChanged } from "./configuration-version";

react("group.deleted", "identity-providers", async (tx, { accountId, groupId }) => {
  let changed = false;
  for (const provider of await tx.select().from(identityProviders).where(eq(identityProviders.accountId, accountId))) {
    if (!provider.defaultGroups.includes(groupId)) continue;
    await tx
      .update(identityProviders)
      .set({ defaultGroups: provider.defaultGroups.filter((id) => id !== groupId) })
      .where(eq(identityProviders.id, provider.id));
    changed = true;
  }
  for (const source of await tx.select().from(ldapSources).where(eq(ldapSources.accountId, accountId))) {
    if (!source.groupMapping.some((m) => m.group_id === groupId)) continue;
    await tx
      .update(ldapSources)
      .set({ groupMapping: source.groupMapping.filter((m) => m.group_id !== groupId) })
      .where(eq(ldapSources.id, source.id));
    changed = true;
  }
  if (changed) await signInConfigurationChanged(tx);
});
