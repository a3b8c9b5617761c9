/**
 * How applications react to what happens elsewhere (lib/data/effects.ts).
 *
 * A deleted group's links to applications cascade; an app limited to groups
 * stays limited (restricted_to_groups), so losing its last group admits
 * nobody rather than everyone. The provider is told that access changed for
 * every app limited to groups (the cascade has already removed the links, so
 * which apps held the group is no longer known; the provider re-checks).
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import { bumpCacheVersion } from "@/lib/data/cache-version";
import { emit, react } from "@/lib/data/effects";
import { applications } from "@/lib/db/schema";
import { APPLICATIONS_VERSION } from "./for-provider";

react("group.deleted", "applications", async (tx, { accountId }) => {
  // The provider's copies of applications (their allowed groups) are reloaded on every replica.
  await bumpCacheVersion(tx, APPLICATIONS_VERSION);
  const limited = await tx
    .select({ id: applications.id, clientId: applications.clientId })
    .from(applications)
    .where(and(eq(applications.accountId, accountId), eq(applications.restrictedToGroups, true)));
  for (const app of limited) {
    await emit(tx, "application.access_changed", { accountId, applicationId: app.id, clientId: app.clientId, change: "groups_changed" });
  }
});
