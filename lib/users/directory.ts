/**
 * The user directory: a per-process, decrypted index of each account's users,
 * so the Users page and GET /api/users can search, filter and paginate 100,000
 * users without decrypting the table on every request.
 *
 * Why this design: names and emails are encrypted with a random nonce, so SQL
 * cannot search them, and blind indexes only answer exact matches, not "name
 * contains 'ann'". Decrypting the whole table per request costs seconds at
 * 100k users. Instead each account's users are decrypted once (lazily, on first
 * use) and every write path in lib/ refreshes the changed users right after its
 * transaction commits. Latchkey runs as one server process on one SQLite file,
 * so this process sees every write. The plaintext lives only in this process's
 * memory, as it would while rendering any page.
 */
import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import { db } from "@/lib/db/database";
import { users } from "@/lib/db/schema";
import { groupIdsByUser, groupIdsOfUser } from "@/lib/groups/membership";
import { openUser, type UserRecord } from "./records";

export type DirectoryEntry = UserRecord & { searchText: string };

const globalForDirectory = globalThis as unknown as { latchkeyDirectories?: Map<string, Map<string, DirectoryEntry>> };
const directories: Map<string, Map<string, DirectoryEntry>> = (globalForDirectory.latchkeyDirectories ??= new Map());

function toEntry(user: UserRecord): DirectoryEntry {
  return { ...user, searchText: `${user.name}\n${user.email ?? ""}\n${user.role}`.toLowerCase() };
}

async function load(accountId: string): Promise<Map<string, DirectoryEntry>> {
  const [groupsByUser, rows] = await Promise.all([
    groupIdsByUser(db(), accountId),
    db().select().from(users).where(eq(users.accountId, accountId)).orderBy(asc(users.createdAt)),
  ]);
  const entries = new Map<string, DirectoryEntry>();
  for (const row of rows) entries.set(row.id, toEntry(openUser(row, groupsByUser.get(row.id) ?? [])));
  return entries;
}

/**
 * Whether the user's name or email contains `needle` (already lowercased).
 * Reads the entry's lowercased searchText ("name\nemail\nrole") in place,
 * without allocating, because the activity log's name search asks this of
 * every user per request. The first hit decides: if it lies in the role
 * line, the name and email before it have none.
 */
export function directoryNameOrEmailIncludes(entry: DirectoryEntry, needle: string): boolean {
  if (needle.includes("\n")) return entry.name.toLowerCase().includes(needle) || (entry.email ?? "").toLowerCase().includes(needle);
  const at = entry.searchText.indexOf(needle);
  return at !== -1 && at + needle.length <= entry.searchText.lastIndexOf("\n");
}

// A load in flight, per account: concurrent first requests share it instead of each decrypting the table.
const loading = new Map<string, Promise<Map<string, DirectoryEntry>>>();

/** The account's users in creation order. */
export async function directoryEntries(accountId: string): Promise<Map<string, DirectoryEntry>> {
  const entries = directories.get(accountId);
  if (entries) return entries;
  let pending = loading.get(accountId);
  if (!pending) {
    pending = load(accountId).then(
      (loaded) => {
        directories.set(accountId, loaded);
        return loaded;
      },
    ).finally(() => loading.delete(accountId));
    loading.set(accountId, pending);
  }
  return pending;
}

/**
 * The account's directory if this process has loaded it, else undefined. For
 * code that can't await yet (the activity search, lib/audit/events-query.ts);
 * its callers load it first with directoryEntries.
 */
export function loadedDirectoryEntries(accountId: string): Map<string, DirectoryEntry> | undefined {
  return directories.get(accountId);
}

/** Re-reads these users after a committed write (a deleted user drops out). */
export async function refreshDirectoryUsers(accountId: string, userIds: string[]): Promise<void> {
  const entries = directories.get(accountId);
  if (!entries || userIds.length === 0) return; // not loaded yet: the first read loads fresh data
  const rows = await db()
    .select()
    .from(users)
    .where(and(eq(users.accountId, accountId), inArray(users.id, userIds)));
  const found = new Set<string>();
  for (const row of rows) {
    found.add(row.id);
    // Map.set on an existing key keeps its position, so creation order holds.
    entries.set(row.id, toEntry(openUser(row, await groupIdsOfUser(db(), accountId, row.id))));
  }
  for (const id of userIds) if (!found.has(id)) entries.delete(id);
}

export async function refreshDirectoryUser(accountId: string, userId: string): Promise<void> {
  await refreshDirectoryUsers(accountId, [userId]);
}

/** After a group is deleted (its memberships cascade in the database), drops it from every entry. */
export function forgetGroupInDirectory(accountId: string, groupId: string): void {
  const entries = directories.get(accountId);
  if (!entries) return;
  for (const entry of entries.values()) {
    if (entry.autoGroups.includes(groupId)) entry.autoGroups = entry.autoGroups.filter((id) => id !== groupId);
  }
}
