/**
 * Reading applications, scoped to the actor's account: those who hold
 * applications:read see them (never a secret, only whether there is one).
 * Recent sign-ins come from the activity log, where the OIDC provider records
 * each sign-in to an app as APPLICATION_SIGN_IN with the application as target.
 */
import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { listEvents } from "@/lib/audit/events";
import { eventFiltersSchema } from "@/lib/audit/event-filters";
import { assertCan, can } from "@/lib/auth/policy";
import { db } from "@/lib/db/database";
import { applications } from "@/lib/db/schema";
import { pageOf, type ListParams } from "@/lib/http/list-params";
import { usersSeenBy } from "@/lib/users/queries";
import { allowedGroupsOf, loadApplicationRecord, toApplicationRecord, type ApplicationRecord } from "./records";

const DENIED = "You don't have permission to see applications";

/**
 * The activity code the OIDC provider records when a person signs in to an app
 * (actor: the person; target: { type: "application", id: application id, label: its name }).
 */
export const APPLICATION_SIGN_IN = "application.sign_in";

const byName = new Intl.Collator("en", { sensitivity: "base", numeric: true });

export async function listApplications(actor: Actor, params: ListParams): Promise<{ items: ApplicationRecord[]; total: number }> {
  assertCan(actor, "applications:read", DENIED);
  const rows = await db().select().from(applications).where(eq(applications.accountId, actor.accountId)).orderBy(asc(applications.createdAt));
  const needle = params.search?.normalize("NFKC").toLocaleLowerCase("en");
  const found = rows
    .filter((r) => !needle || r.name.normalize("NFKC").toLocaleLowerCase("en").includes(needle) || r.clientId === params.search)
    .sort((a, b) => byName.compare(a.name, b.name));
  const page = pageOf(found, params);
  const groupsById = await allowedGroupsOf(db(), actor.accountId, page.map((r) => r.id));
  return { items: page.map((r) => toApplicationRecord(r, groupsById.get(r.id) ?? [])), total: found.length };
}

/** One application, or NotFound (also for another account's id). */
export async function getApplication(actor: Actor, id: string): Promise<ApplicationRecord> {
  assertCan(actor, "applications:read", DENIED);
  return loadApplicationRecord(db(), actor.accountId, id);
}

/** One sign-in to an application: who (their current name when the viewer may see them) and when. */
export type RecentSignIn = { id: string; at: Date; userId: string | null; name: string; href: string | null };

/**
 * The latest sign-ins to this application, newest first; null when the actor may
 * see the application but not the activity log (who signed in is the log's to show).
 */
export async function recentSignIns(actor: Actor, id: string, limit = 10): Promise<RecentSignIn[] | null> {
  const app = await getApplication(actor, id);
  if (!can(actor, "events:read")) return null;
  const filters = eventFiltersSchema.parse({ action: APPLICATION_SIGN_IN, target: app.id, limit });
  const events = (await listEvents(actor, filters)).events.filter((e) => e.target?.id === app.id);
  const people = await usersSeenBy(actor, new Set(events.flatMap((e) => (e.actor.type === "user" && e.actor.id ? [e.actor.id] : []))));
  return events.map((e) => {
    const person = e.actor.id ? people.get(e.actor.id) : undefined;
    return {
      id: e.id,
      at: e.occurredAt,
      userId: e.actor.id,
      name: person?.name ?? e.actor.label ?? "Someone no longer here",
      href: person ? `/team/${person.isServiceUser ? "service-users" : "users"}/${person.id}` : null,
    };
  });
}
