/**
 * Creating a user writes its search entry and postings, and the actor's activity-party entry and postings, in
 * the same unit of work as the user (lib/data/search-index.ts). On PostgreSQL each new entry goes in one
 * statement with its postings (round 27 in docs/benchmarks.md): the round trips under the write lock are
 * counted here, and on both dialects the new entries are found at once, in an account's first create (its
 * scopes made then) as in later ones.
 */
import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { entityIdsMatching } from "@/lib/data/search-backfill";
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

describe.runIf(onPostgres)("creating a user on PostgreSQL", () => {
  it("takes 13 round trips, BEGIN with the write lock to COMMIT", async () => {
    const { actor } = await ownerOfNewAccount();
    await createUser(actor, person(3), META, HASH);
    // Every round trip to PostgreSQL is one call of a pg Client's query (pooled connections included).
    const sent = vi.spyOn(pg.Client.prototype, "query");
    try {
      await createUser(actor, person(4), META, HASH);
      const texts = sent.mock.calls.map(([query]) => (typeof query === "string" ? query : (query as { text: string }).text));
      // BEGIN + lock; the caller read again; email and username holders; the user; its search entry with its
      // postings; the count; the actor's label; the chain's head; the event; the new user's activity-party entry
      // looked up (none yet), then made with its postings; COMMIT (the actor's label is indexed already). Before
      // round 27 each new entry and its postings were two statements: 15.
      expect(texts[0]).toMatch(/^BEGIN/);
      expect(texts.at(-1)).toBe("COMMIT");
      expect(texts).toHaveLength(13);
    } finally {
      sent.mockRestore();
    }
  });
});
