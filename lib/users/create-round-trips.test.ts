/**
 * Creating a user writes its search entry and postings, and the actor's activity-party entry and postings, in
 * the same unit of work as the user (lib/data/search-index.ts). On PostgreSQL each new entry goes in one
 * statement with its postings (round 27 in docs/benchmarks.md), the email's and the username's holders are one
 * read and the user count's +1 rides on the user's insert (round 28), the actor's label is read with the chain's head
 * and the new activity party's entry is looked up and made in one statement, and the user's own entry rides on its insert
 * (round 32): the round trips under the write lock are
 * counted here, and on both dialects the new entries are found at once, in an account's first create (its
 * scopes made then) as in later ones.
 */
import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { entityIdsMatching } from "@/lib/data/search-backfill";
import { Conflict } from "@/lib/errors";
import { createInvite } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { and, eq } from "drizzle-orm";
import { userCounts, users } from "@/lib/db/schema";
import { writeSystem } from "@/lib/data/unit-of-work";
import { storedUserCount } from "./user-counts";
import { db } from "@/lib/db/database";
import { PARTIES_SCOPE } from "@/lib/audit/party-search";
import { createAccount, createUser as makeUser, META, startSession } from "@/test/factories";
import { onPostgres } from "@/test/test-database";
import { createUser } from "./lifecycle";
import { USERS_SCOPE } from "./search-source";

const HASH = async () => "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";
const person = (n: number) => ({ is_service_user: false as const, email: `quill${n}@round-trips.example`, name: `Quillon Marchbank ${n}`, role: "user" as const, auto_groups: [] as string[] });
const found = async (accountId: string, scope: typeof USERS_SCOPE | typeof PARTIES_SCOPE, query: string) =>
  (await entityIdsMatching(db(), { accountId, scope, query })) ?? [];

async function ownerOfNewAccount() {
  const accountId = await createAccount();
  const owner = await makeUser(accountId, { email: "owner@round-trips.example", name: "Ottoline Vexworth", role: "owner", password: "owner passphrase" });
  return { accountId, owner, actor: await startSession(owner) };
}

describe("a created user's search entries", () => {
  it("are found at once, in the account's first create and in later ones", async () => {
    const { accountId, owner, actor } = await ownerOfNewAccount();
    const first = await createUser(actor, person(1), META, HASH);
    const second = await createUser(actor, person(2), META, HASH);
    expect((await found(accountId, USERS_SCOPE, "Quillon")).sort()).toEqual([first.user.id, second.user.id].sort());
    expect(await found(accountId, USERS_SCOPE, "quill2@round")).toEqual([second.user.id]);
    // The owner, the actor of both events, is an activity party found by their name.
    expect(await found(accountId, PARTIES_SCOPE, "Vexworth")).toContain(owner.id);
  });
});

describe("a create's email and username, read together", () => {
  it("refuses a taken email first, then a taken username, and numbers a derived one a user or an invite holds", async () => {
    const { actor } = await ownerOfNewAccount();
    await createUser(actor, { ...person(5), username: "held.name" }, META, HASH);
    const clash = async (input: ReturnType<typeof person> & { username?: string }) => (await createUser(actor, input, META, HASH).catch((err: unknown) => err)) as Conflict;
    // Both taken: the email's clash, as when they were checked one after the other.
    expect((await clash({ ...person(5), username: "HELD.name" })).fieldErrors).toHaveProperty("email");
    expect((await clash({ ...person(6), username: "HELD.name" })).fieldErrors).toHaveProperty("username");
    await createInvite(actor, createInviteSchema.parse({ name: "Invited", username: "kept.name", role: "user", expires_in: 86_400 }), META);
    expect((await clash({ ...person(7), username: "kept.name" })).message).toBe("This username is kept for a pending invite");
    // Derived from the email's local part: taken by a user (held.name), by an invite (kept.name).
    expect((await createUser(actor, { ...person(8), email: "held.name@elsewhere.example" }, META, HASH)).user.username).toBe("held.name2");
    expect((await createUser(actor, { ...person(9), email: "kept.name@elsewhere.example" }, META, HASH)).user.username).toBe("kept.name2");
  });

  it("keeps the account's user count with the insert, and starts it from the table when not counted yet", async () => {
    const { accountId, actor } = await ownerOfNewAccount();
    const people = async () => (await db().select({ id: users.id }).from(users).where(and(eq(users.accountId, accountId), eq(users.isServiceUser, false)))).length;
    await createUser(actor, person(10), META, HASH);
    expect(await storedUserCount(db(), accountId, false)).toBe(await people());
    // Not counted (an instance from before the counts): the next create starts the count from the table.
    await writeSystem((tx) => tx.delete(userCounts).where(eq(userCounts.accountId, accountId)));
    expect(await storedUserCount(db(), accountId, false)).toBeNull();
    await createUser(actor, person(12), META, HASH);
    expect(await storedUserCount(db(), accountId, false)).toBe(await people());
    await createUser(actor, person(11), META, HASH);
    expect(await storedUserCount(db(), accountId, false)).toBe(await people());
    expect(await people()).toBe(4);
  });
});

describe.runIf(onPostgres)("creating a user on PostgreSQL", () => {
  it("takes 8 round trips, BEGIN with the write lock to COMMIT", async () => {
    const { actor } = await ownerOfNewAccount();
    await createUser(actor, person(3), META, HASH);
    // Every round trip to PostgreSQL is one call of a pg Client's query (pooled connections included).
    const sent = vi.spyOn(pg.Client.prototype, "query");
    try {
      await createUser(actor, person(4), META, HASH);
      const texts = sent.mock.calls.map(([query]) => (typeof query === "string" ? query : (query as { text: string }).text));
      // BEGIN + lock; the caller read again; the email's and the username's holders; the user with the count's +1
      // and its search entry with its postings; the actor's label with the chain's head; the event; the new user's
      // activity-party entry looked up and made with its postings; COMMIT (the actor's label is indexed already).
      // Before round 27 each new entry and its postings were two statements: 15; before round 28 the two fields'
      // holders were two statements and the count one of its own: 13; before round 32 the actor's label and the
      // chain's head were two reads, the party entry's lookup and insert two statements, and the user's search entry a
      // statement of its own: 11.
      expect(texts[0]).toMatch(/^BEGIN/);
      expect(texts.at(-1)).toBe("COMMIT");
      expect(texts.filter((text) => /activity_events/.test(text))).toHaveLength(2);
      expect(texts.filter((text) => /insert into "users"/.test(text) && /INSERT INTO search_entries/.test(text))).toHaveLength(1);
      expect(texts).toHaveLength(8);
    } finally {
      sent.mockRestore();
    }
  });
});
