/**
 * Reading users, scoped to the actor's account and to what the actor's role
 * may see: admins, auditors and the owner see everyone; users see themselves.
 */
import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/policy";
import { db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { NotFound } from "@/lib/errors";
import { findUserRow, openUser, type UserRecord } from "./records";

export type UserList = { items: UserRecord[]; total: number };
export type ListUsersOptions = { search?: string; limit: number; offset: number };

function matches(user: UserRecord, search: string): boolean {
  const needle = search.toLowerCase();
  return [user.name, user.email ?? "", user.role].some((v) => v.toLowerCase().includes(needle));
}

export function listUsers(actor: Actor, options: ListUsersOptions): UserList {
  const scope = can(actor, "users:read-all")
    ? eq(users.accountId, actor.accountId)
    : and(eq(users.accountId, actor.accountId), eq(users.id, actor.userId));
  const all = db().select().from(users).where(scope).orderBy(asc(users.createdAt)).all().map(openUser);
  const search = options.search?.trim();
  const filtered = search ? all.filter((u) => matches(u, search)) : all;
  // The caller first, as the dashboard shows it.
  filtered.sort((a, b) => Number(b.id === actor.userId) - Number(a.id === actor.userId));
  return { items: filtered.slice(options.offset, options.offset + options.limit), total: filtered.length };
}

export function getUser(actor: Actor, userId: string): UserRecord {
  if (userId !== actor.userId && !can(actor, "users:read-all")) throw new NotFound("User");
  const row = findUserRow(db(), actor.accountId, userId);
  if (!row) throw new NotFound("User");
  return openUser(row);
}
