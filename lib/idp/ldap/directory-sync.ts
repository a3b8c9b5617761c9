/**
 * The periodic directory check (Keycloak's periodic sync, Authentik's LDAP sync): people bound to an
 * enabled LDAP source are looked up in the directory again, not only when they sign in.
 *
 * - Entry gone, or outside the user filter: the person is blocked as an admin's block would (the
 *   "user.blocked" effect: sessions, personal access tokens, app grants and refresh tokens end, invites they
 *   made are withdrawn), marked as blocked by the directory (users.directory_suspended_at). Their next
 *   successful directory sign-in lifts it (../external-sign-in.ts), as does an admin's unblock.
 *   Never the owner (lib/users' assertBlockable: nothing could unblock them): the run records
 *   owner_entry_gone, and "ldap.sync.owner_entry_gone" once, for an admin to look into.
 * - Can't tell: a subject the directory's answer can't be matched to reliably (findBoundEntries' unsure) is
 *   left as it is and counted in not_checked, never taken for missing.
 * - Entry still there: the group mapping is applied as a sign-in applies it (./group-mapping.ts and
 *   syncMappedGroups), so leaving a mapped directory group takes the group away at the next check.
 * - Fail safe: a directory that can't be asked (down, bind refused, a search failing half-way) changes
 *   nobody; nor does a run that would block more than half of the source's people and more than
 *   MASS_REMOVAL_FLOOR of them (a filter or search base edited into matching nobody), recorded once as
 *   "ldap.sync.guarded" until a run goes through.
 *
 * Each change is recorded with its activity event in the unit of work that makes it; a run that changed
 * anyone is summed up in "ldap.sync.completed". Every run's time and outcome are kept on the source
 * (last_sync_at, last_sync_outcome) for the settings page and the API. Run under a lease by lib/jobs.ts.
 */
import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { NO_REQUEST } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { emit, noneEnded, withdrawnInvites } from "@/lib/data/effects";
import { inBatches } from "@/lib/data/batches";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { openIdpSubject } from "@/lib/db/idp-subject";
import { ldapSources, users, type DirectorySyncOutcome, type LdapSourceRow } from "@/lib/db/schema";
import { openIdentity, userLabel } from "@/lib/users/records";
import { allows, assertBlockable } from "@/lib/users/rules";
import { syncMappedGroups } from "../external-sign-in";
import { DirectoryUnavailable, findBoundEntries, type DirectoryUser } from "./directory";
import { mappedGroupsOf, type MappedGroups } from "./group-mapping";
import { ldapConfigOf } from "./source";

/** Up to this many people may go in one run whatever their share (a team of 4 losing 3 is ordinary). */
export const MASS_REMOVAL_FLOOR = 3;
/** People changed per unit of work: a large run doesn't hold the write lock for long at a time. */
const PEOPLE_PER_WRITE = 100;

type BoundPerson = { id: string; subject: string };

/** The source's people the check is about: bound to it, not blocked (blocked people have no access to end). */
async function boundPeople(source: LdapSourceRow): Promise<BoundPerson[]> {
  const rows = await db()
    .select({ id: users.id, idpSubjectCiphertext: users.idpSubjectCiphertext })
    .from(users)
    .where(and(eq(users.accountId, source.accountId), eq(users.idpId, source.id), eq(users.isBlocked, false), eq(users.isServiceUser, false)));
  return rows.flatMap((row) => {
    const subject = openIdpSubject(row);
    return subject ? [{ id: row.id, subject }] : [];
  });
}

/** The rows of these people as they are now, inside the transaction (still bound to the source and not blocked). */
async function currentRows(tx: Tx, source: LdapSourceRow, ids: string[]) {
  return tx
    .select()
    .from(users)
    .where(and(eq(users.accountId, source.accountId), eq(users.idpId, source.id), eq(users.isBlocked, false), inArray(users.id, ids)));
}

/** Blocks the people whose entries are gone, each with its event (never the owner: see ownerEntryGone). */
async function suspend(tx: Tx, source: LdapSourceRow, ids: string[], now: Date): Promise<{ suspended: number; ownerEntryGone: boolean }> {
  let suspended = 0;
  let ownerEntryGone = false;
  for (const row of await currentRows(tx, source, ids)) {
    // lib/users' rule, on the row as it is now: the owner is never blocked (nothing could unblock them).
    if (!allows(() => assertBlockable(row))) {
      ownerEntryGone = true;
      continue;
    }
    await tx.update(users).set({ isBlocked: true, directorySuspendedAt: now }).where(and(eq(users.accountId, source.accountId), eq(users.id, row.id)));
    // The same cascade as an admin's block: lib/sessions, lib/tokens, lib/oidc and lib/invites react.
    const ended = noneEnded();
    await emit(tx, "user.blocked", { accountId: source.accountId, userId: row.id, ended });
    await recordEvent(tx, {
      accountId: source.accountId,
      action: "user.blocked",
      actor: { type: "system", id: null, label: source.name },
      target: { type: "user", id: row.id, label: userLabel(openIdentity(row)) },
      details: { reason: "directory_entry_gone", idp_id: source.id, provider: source.name, sessions_ended: ended.sessions, tokens_deleted: ended.tokens, ...withdrawnInvites(ended) },
      meta: NO_REQUEST,
      at: now,
    });
    suspended += 1;
  }
  return { suspended, ownerEntryGone };
}

/** Applies the group mapping to the people still in the directory; returns how many had their groups changed. */
async function applyGroups(tx: Tx, source: LdapSourceRow, groupsOf: Map<string, MappedGroups>, now: Date): Promise<number> {
  let changed = 0;
  for (const row of await currentRows(tx, source, [...groupsOf.keys()])) {
    const sync = groupsOf.get(row.id)!;
    if (await syncMappedGroups(tx, source.accountId, row, sync, { idpId: source.id }, { method: "ldap", sourceName: source.name }, NO_REQUEST, now)) changed += 1;
  }
  return changed;
}

/** Keeps the run's time and outcome on the source, and records what only an admin can resolve, once. */
async function recordOutcome(source: LdapSourceRow, outcome: DirectorySyncOutcome, now: Date): Promise<DirectorySyncOutcome> {
  await writeSystem(async (tx) => {
    const thisSource = and(eq(ldapSources.accountId, source.accountId), eq(ldapSources.id, source.id));
    const [before] = await tx.select({ outcome: ldapSources.lastSyncOutcome }).from(ldapSources).where(thisSource);
    await tx.update(ldapSources).set({ lastSyncAt: now, lastSyncOutcome: outcome }).where(thisSource);
    const target = { type: "ldap_source", id: source.id, label: source.name };
    const counts = { checked: outcome.checked, missing: outcome.missing, suspended: outcome.suspended, groups_updated: outcome.groups_updated, not_checked: outcome.not_checked ?? 0 };
    if (outcome.status === "guarded" && before?.outcome?.status !== "guarded") {
      await recordEvent(tx, { accountId: source.accountId, action: "ldap.sync.guarded", actor: { type: "system", id: null }, target, details: { ...counts, reason: outcome.message }, meta: NO_REQUEST, at: now });
    }
    // The owner's entry gone: said once (until a run finds it again), for an admin to look into.
    if (outcome.owner_entry_gone && !before?.outcome?.owner_entry_gone) {
      await recordEvent(tx, { accountId: source.accountId, action: "ldap.sync.owner_entry_gone", actor: { type: "system", id: null }, target, details: counts, meta: NO_REQUEST, at: now });
    }
    if (outcome.status === "done" && outcome.suspended + outcome.groups_updated > 0) {
      await recordEvent(tx, { accountId: source.accountId, action: "ldap.sync.completed", actor: { type: "system", id: null }, target, details: counts, meta: NO_REQUEST, at: now });
    }
  });
  return outcome;
}

/** Whether blocking `missing` of `total` people at once is more than a directory change plausibly means. */
export function looksLikeMassRemoval(missing: number, total: number): boolean {
  return missing > MASS_REMOVAL_FLOOR && missing * 2 > total;
}

/** One check of one source (see the header). Never throws for the directory's sake: the outcome says it. */
export async function syncDirectorySource(source: LdapSourceRow, now = new Date()): Promise<DirectorySyncOutcome> {
  const bound = await boundPeople(source);
  const config = ldapConfigOf(source);
  let zero = { checked: bound.length, missing: 0, suspended: 0, groups_updated: 0, not_checked: 0 };
  let found: Map<string, DirectoryUser>;
  let people = bound;
  const groupsOf = new Map<string, MappedGroups>();
  try {
    const answer = await findBoundEntries(config, bound.map((p) => p.subject));
    found = answer.found;
    // Someone the answer can't be matched to is left as they are: neither kept in step nor taken for missing.
    people = bound.filter((p) => !answer.unsure.has(p.subject));
    zero = { ...zero, checked: people.length, not_checked: bound.length - people.length };
    // All of the directory's answers before any change: a directory failing half-way changes nobody.
    for (const person of people) {
      const entry = found.get(person.subject);
      const groups = entry ? await mappedGroupsOf(config, entry.dn) : undefined;
      if (groups) groupsOf.set(person.id, groups);
    }
  } catch (err) {
    if (!(err instanceof DirectoryUnavailable)) throw err;
    console.warn(`Directory check of ${source.name}: the directory could not be asked, nobody changed: ${err.message}`);
    return recordOutcome(source, { status: "unavailable", ...zero, message: err.message }, now);
  }
  const missing = people.filter((p) => !found.has(p.subject)).map((p) => p.id);
  if (looksLikeMassRemoval(missing.length, people.length)) {
    const message = `The directory no longer has ${missing.length} of the ${people.length} people bound to it; a change that large is taken for a misconfigured filter or search base, and nobody was changed.`;
    console.warn(`Directory check of ${source.name}: ${message}`);
    return recordOutcome(source, { status: "guarded", ...zero, missing: missing.length, message }, now);
  }
  let suspended = 0;
  let ownerEntryGone = false;
  for (const ids of inBatches(missing, PEOPLE_PER_WRITE)) {
    const done = await writeSystem((tx) => suspend(tx, source, ids, now));
    suspended += done.suspended;
    ownerEntryGone ||= done.ownerEntryGone;
  }
  if (ownerEntryGone) console.warn(`Directory check of ${source.name}: the owner's entry is gone; the owner is never blocked, so look into it.`);
  let groupsUpdated = 0;
  for (const ids of inBatches([...groupsOf.keys()], PEOPLE_PER_WRITE)) {
    groupsUpdated += await writeSystem((tx) => applyGroups(tx, source, new Map(ids.map((id) => [id, groupsOf.get(id)!])), now));
  }
  return recordOutcome(source, { status: "done", ...zero, missing: missing.length, suspended, groups_updated: groupsUpdated, owner_entry_gone: ownerEntryGone }, now);
}

/** The check of every enabled LDAP source (one per account); a source's own failure doesn't stop the others'. */
export async function syncDirectories(now = new Date()): Promise<Array<{ sourceId: string; outcome: DirectorySyncOutcome }>> {
  const sources = await db().select().from(ldapSources).where(eq(ldapSources.enabled, true));
  const results: Array<{ sourceId: string; outcome: DirectorySyncOutcome }> = [];
  for (const source of sources) {
    try {
      results.push({ sourceId: source.id, outcome: await syncDirectorySource(source, now) });
    } catch (err) {
      console.error(`Directory check of ${source.name} failed:`, err);
    }
  }
  return results;
}
