import crypto from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { matchesSearch } from "@/lib/crypto/search-terms";
import { planSearchBackfill, runSearchBackfill } from "@/lib/data/search-backfill";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { execute } from "@/lib/db/raw";
import { groupRoles, groups, roles, ROLES, signInLockouts, userGroups, userRoles, users, type UserRow } from "@/lib/db/schema";
import { addPeople, newAccount, prng, randomPeople } from "@/test/search-fixtures";
import { queryUserRows, type UserListQuery } from "./list-query";
import { openIdentity } from "./records";
import "./search-source";
import { compareSorted, USER_SORT_KEYS, type SortValue, type UserSort } from "./sort";
import { userStatus } from "./status";
import { recountUsers } from "./user-counts";
import { Invalid } from "@/lib/errors";

const ALL = { people: true, serviceUsers: true };
const NONE = { people: false, serviceUsers: false };

const STATUS_RANK = { active: 0, locked: 1, pending_approval: 2, blocked: 3, invited: 4 } as const;

/** The reference: every row of the account decrypted, filtered and ordered in memory. */
async function bruteForce(q: UserListQuery): Promise<{ ids: string[]; total: number }> {
  const now = q.now ?? new Date();
  const all = await db().select().from(users).where(eq(users.accountId, q.accountId));
  const locks = await db().select().from(signInLockouts).where(eq(signInLockouts.accountId, q.accountId));
  const memberships = await db().select().from(userGroups).where(eq(userGroups.accountId, q.accountId));
  const extraRoles = await db().select().from(userRoles).where(eq(userRoles.accountId, q.accountId));
  const grants = await db().select().from(groupRoles).where(eq(groupRoles.accountId, q.accountId));
  const holds = (row: UserRow, role: NonNullable<UserListQuery["role"]>) =>
    (role.builtIn && row.role === role.id) ||
    extraRoles.some((r) => r.userId === row.id && r.roleId === role.id) ||
    grants.some((g) => g.roleId === role.id && memberships.some((m) => m.userId === row.id && m.groupId === g.groupId));
  const lockedUntil = (row: UserRow) =>
    locks.find((l) => l.emailIndex === row.emailIndex && l.lockedUntil && l.lockedUntil > now)?.lockedUntil ?? null;
  const matching = all.filter((row) => {
    const { name, email } = openIdentity(row);
    return (
      (row.id === q.meId || (row.isServiceUser ? q.sees.serviceUsers : q.sees.people)) &&
      (!q.search || matchesSearch(q.search, [name, email]) || matchesSearch(q.search, [row.role])) &&
      (!q.role || holds(row, q.role)) &&
      (q.serviceUser === undefined || row.isServiceUser === q.serviceUser) &&
      (!q.group || memberships.some((m) => m.userId === row.id && m.groupId === q.group)) &&
      (!q.status || userStatus({ isBlocked: row.isBlocked, pendingApproval: row.pendingApproval, lockedUntil: lockedUntil(row) }, now) === q.status)
    );
  });
  const sort = q.sort;
  if (sort) {
    const valueOf = (row: UserRow): SortValue => {
      switch (sort.key) {
        case "name":
          return openIdentity(row).name;
        case "email":
          return openIdentity(row).email;
        case "role":
          return ROLES.indexOf(row.role);
        case "status":
          return STATUS_RANK[userStatus({ isBlocked: row.isBlocked, pendingApproval: row.pendingApproval, lockedUntil: lockedUntil(row) }, now)];
        case "last_login":
          return row.lastLoginAt?.getTime() ?? null;
        default:
          return row.createdAt.getTime();
      }
    };
    const keyed = matching.map((row) => ({ row, id: row.id, createdAt: row.createdAt.getTime(), value: valueOf(row) }));
    keyed.sort((a, b) => compareSorted(a, b, sort.order));
    const page = keyed.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
    return { ids: page.map((k) => k.id), total: matching.length };
  }
  matching.sort((a, b) => {
    if (a.id === q.meId || b.id === q.meId) return a.id === q.meId ? -1 : 1;
    return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1);
  });
  const page = matching.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
  return { ids: page.map((r) => r.id), total: matching.length };
}

async function listed(q: UserListQuery): Promise<{ ids: string[]; total: number }> {
  const page = await queryUserRows(q);
  return { ids: page.rows.map((r) => r.id), total: page.total };
}

async function seedAccount(seed: number, n: number, options: { index?: boolean } = {}) {
  const accountId = await newAccount();
  const random = prng(seed);
  const people = await addPeople(accountId, randomPeople(n, random), options);
  const groupId = crypto.randomUUID();
  const customRoleId = crypto.randomUUID();
  const now = Date.now();
  await writeSystem(async (tx) => {
    await tx.insert(groups).values({ id: groupId, accountId, name: `Group ${seed}` });
    for (const [i, p] of people.entries()) {
      // Spread creation times (some equal, so the id breaks ties), roles and flags.
      await tx
        .update(users)
        .set({
          createdAt: new Date(now - 1000 * Math.floor(random() * 50)),
          role: ROLES[i % ROLES.length],
          isServiceUser: i % 7 === 0,
          isBlocked: i % 11 === 0,
          pendingApproval: i % 13 === 0,
          // Some never signed in; some at the same moment (ties go to creation time, then id).
          lastLoginAt: i % 5 === 0 ? null : new Date(now - 60_000 * Math.floor(random() * 20)),
        })
        .where(eq(users.id, p.id));
      if (i % 3 === 0) await tx.insert(userGroups).values({ userId: p.id, groupId, accountId });
    }
    // Roles held besides the primary one: a custom role given directly to some and granted to the group, and a built-in one through the group.
    await tx.insert(roles).values({ id: customRoleId, accountId, name: `Custom ${seed}`, permissions: "[]", updatedAt: new Date() });
    for (const [i, p] of people.entries()) if (i % 5 === 1) await tx.insert(userRoles).values({ userId: p.id, roleId: customRoleId, accountId });
    await tx.insert(groupRoles).values([
      { groupId, roleId: customRoleId, accountId },
      { groupId, roleId: "auditor", accountId },
    ]);
    const locked = (await tx.select().from(users).where(eq(users.id, people[4].id)))[0];
    await tx.insert(signInLockouts).values({ accountId, emailIndex: locked.emailIndex!, windowStartedAt: new Date(), failures: 9, lockedUntil: new Date(now + 3_600_000) });
  });
  return { accountId, people, groupId, customRoleId };
}

function queriesFor(people: Array<{ name: string; email: string }>, random: () => number): string[] {
  const queries = ["", "a", "ann", "user", "adm", "example.com", "zzzz", "Ø", "e\u0301"];
  for (let i = 0; i < 4; i++) {
    const p = people[Math.floor(random() * people.length)];
    const chars = Array.from(random() < 0.5 ? p.name : p.email);
    const length = 1 + Math.floor(random() * Math.min(8, chars.length));
    const start = Math.floor(random() * (chars.length - length + 1));
    queries.push(chars.slice(start, start + length).join(""));
  }
  return queries;
}


/**
 * These tests create thousands of users through createUser (real encryption and search-index writes) and
 * decrypt them all for the brute-force answer: ~6 s alone on PostgreSQL, but several times that while the
 * suite's other files (the 100,000-user test among them) load the same PostgreSQL server in parallel.
 */
const HEAVY_TEST_MS = 240_000;

describe("listing users in the database (queryUserRows)", () => {
  it("pages, counts, filters and searches exactly as decrypting every user would, the caller first", async () => {
    const { accountId, people, groupId, customRoleId } = await seedAccount(42, 90);
    const random = prng(99);
    const me = people[17].id;
    const filters: Array<Partial<UserListQuery>> = [
      {},
      { role: { id: "admin", builtIn: true } },
      { role: { id: "auditor", builtIn: true } },
      { role: { id: customRoleId, builtIn: false } },
      { serviceUser: false },
      { group: groupId },
      { status: "active" },
      { status: "blocked" },
      { status: "locked" },
      { status: "pending_approval" },
      { role: { id: "user", builtIn: true }, serviceUser: true },
    ];
    for (const search of queriesFor(people, random)) {
      for (const filter of filters) {
        for (const [offset, limit] of [
          [0, undefined],
          [5, undefined],
          [1, 10],
        ] as const) {
          const q: UserListQuery = { accountId, meId: me, sees: ALL, search, offset, limit, ...filter };
          expect({ q, got: await listed(q) }).toEqual({ q, got: await bruteForce(q) });
        }
      }
    }
    // Without users:read-all, only the caller, whatever the search.
    for (const search of ["", people[17].name, "zzzz"]) {
      const q: UserListQuery = { accountId, meId: me, sees: NONE, search, offset: 0, limit: 25 };
      expect(await listed(q)).toEqual(await bruteForce(q));
    }
  }, HEAVY_TEST_MS);

  it("sorts by every key in both orders, exactly as decrypting every user would (no caller first)", async () => {
    const { accountId, people, groupId } = await seedAccount(7, 60);
    const me = people[3].id;
    const sorts: UserSort[] = USER_SORT_KEYS.flatMap((key) => [
      { key, order: "asc" as const },
      { key, order: "desc" as const },
    ]);
    for (const sort of sorts) {
      for (const extra of [{}, { search: "a" }, { search: "example.com" }, { role: { id: "user", builtIn: true } }, { group: groupId, offset: 2, limit: 5 }, { status: "active" as const, offset: 3 }]) {
        const q: UserListQuery = { accountId, meId: me, sees: ALL, offset: 0, limit: 10, sort, ...extra };
        expect({ sort, extra, got: await listed(q) }).toEqual({ sort, extra, got: await bruteForce(q) });
      }
    }
  }, HEAVY_TEST_MS);

  it("is right before the backfill has indexed an account's users, and after", async () => {
    const { accountId, people } = await seedAccount(5, 40, { index: false });
    await execute(db(), sql`SELECT 1`); // the reader is open
    await planSearchBackfill();
    const random = prng(6);
    const me = people[0].id;
    const queries = queriesFor(people, random);
    for (const search of queries) {
      const q: UserListQuery = { accountId, meId: me, sees: ALL, search, offset: 0, limit: 10 };
      expect({ q, got: await listed(q) }).toEqual({ q, got: await bruteForce(q) });
    }
    await runSearchBackfill({ batchSize: 7 });
    for (const search of queries) {
      const q: UserListQuery = { accountId, meId: me, sees: ALL, search, offset: 0, limit: 10 };
      expect({ q, got: await listed(q) }).toEqual({ q, got: await bruteForce(q) });
    }
  });

  it("walks users in creation order when a short query has thousands of candidates", async () => {
    const accountId = await newAccount();
    const many = Array.from({ length: 2_050 }, (_, i) => ({ name: `Ann Walker ${i}`, email: `walker${i}@example.com` }));
    const people = await addPeople(accountId, [...many, { name: "Bob Other", email: "bob@example.com" }]);
    await writeSystem(async (tx) => {
      for (const [i, p] of people.entries()) {
        if (i % 4 === 0) await tx.update(users).set({ isServiceUser: true }).where(eq(users.id, p.id));
      }
    });
    const me = people[1_000].id;
    for (const extra of [{}, { serviceUser: false }, { offset: 2_000, limit: 25 }, { serviceUser: true, offset: 40, limit: 25 }]) {
      const q: UserListQuery = { accountId, meId: me, sees: ALL, search: "ann", offset: 0, limit: 25, ...extra };
      expect({ extra, got: await listed(q) }).toEqual({ extra, got: await bruteForce(q) });
    }
    // Once counted (a start recounts what was written around the services, as these rows were), people are
    // the candidates less the service users among them (./user-counts.ts), and the reverse.
    await recountUsers();
    for (const extra of [{ serviceUser: false }, { serviceUser: true, offset: 40, limit: 25 }, {}]) {
      const q: UserListQuery = { accountId, meId: me, sees: ALL, search: "ann", offset: 0, limit: 25, ...extra };
      expect({ extra, counted: true, got: await listed(q) }).toEqual({ extra, counted: true, got: await bruteForce(q) });
    }
    // Unfiltered lists (prepared statements, ./list-statements.ts; the stored total): every kind, the caller
    // (a service user here) first only where they are of that kind, pages before, across and after them.
    for (const extra of [{}, { serviceUser: false }, { serviceUser: true }, { offset: 1, limit: 25 }, { serviceUser: true, offset: 40, limit: 25 }, { serviceUser: false, offset: 2_000 }, { limit: undefined, offset: 2_040 }]) {
      const q: UserListQuery = { accountId, meId: me, sees: ALL, offset: 0, limit: 25, ...extra };
      expect({ extra, unfiltered: true, got: await listed(q) }).toEqual({ extra, unfiltered: true, got: await bruteForce(q) });
    }
    // A caller who sees one kind only (users:read without service_users:read, or the reverse): that kind and
    // themselves, the total counting no one else, whether the caller is a service user (me) or a person.
    for (const caller of [me, people[1].id]) {
      for (const sees of [{ people: true, serviceUsers: false }, { people: false, serviceUsers: true }]) {
        for (const extra of [{}, { serviceUser: true }, { serviceUser: false }, { search: "ann" }, { search: "ann", serviceUser: true }, { offset: 1, limit: 25 }, { sort: { key: "status", order: "asc" } as UserSort }]) {
          const q: UserListQuery = { accountId, meId: caller, sees, offset: 0, limit: 25, ...extra };
          expect({ caller, sees, extra, got: await listed(q) }).toEqual({ caller, sees, extra, got: await bruteForce(q) });
        }
      }
    }
    // Sorting by an encrypted column decrypts the matches: refused above 1,000, done below it, in SQL otherwise.
    const base: UserListQuery = { accountId, meId: me, sees: ALL, offset: 0, limit: 25 };
    for (const extra of [{ search: "ann" }, {}]) {
      await expect(queryUserRows({ ...base, ...extra, sort: { key: "name", order: "asc" } })).rejects.toBeInstanceOf(Invalid);
    }
    for (const extra of [{ search: "ann", sort: { key: "last_login", order: "desc" } as UserSort }, { search: "bob", sort: { key: "name", order: "desc" } as UserSort }, { search: "ann", serviceUser: true, sort: { key: "email", order: "asc" } as UserSort }]) {
      const q: UserListQuery = { ...base, ...extra };
      expect({ extra, got: await listed(q) }).toEqual({ extra, got: await bruteForce(q) });
    }
  }, HEAVY_TEST_MS);
});
