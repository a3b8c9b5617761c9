/**
 * An event recorded by an Actor (recordEvent's `actor: me`): the actor is labelled as they are when the event is
 * appended, read in the same statement as the chain's head (round 32 in docs/benchmarks.md), and the event chains
 * after that head: from genesis, after earlier events, and when the actor's row is gone.
 */
import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { decryptField } from "@/lib/crypto/aead";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { activityEvents, users } from "@/lib/db/schema";
import { updateOwnName } from "@/lib/users/profile";
import { createAccount, createUser, insertTokenRow, META, startSession } from "@/test/factories";
import { GENESIS_HASH } from "./chain";
import { recordEvent } from "./record";
import { verifyChain } from "./verify";

const eventsOf = (accountId: string) => db().select().from(activityEvents).where(eq(activityEvents.accountId, accountId)).orderBy(activityEvents.seq);
const actorLabel = (event: { id: string; actorLabelCiphertext: string | null }) =>
  event.actorLabelCiphertext && decryptField(event.actorLabelCiphertext, { table: "activity_events", column: "actor_label", rowId: event.id });

describe("an event recorded by an Actor", () => {
  it("starts an account's chain, and names a token by its person and name", async () => {
    const accountId = await createAccount();
    const user = await createUser(accountId, { role: "admin", name: "Ada Admin" });
    const before = await eventsOf(accountId);
    const tokenId = await writeSystem(async (tx) => {
      const { tokenId, actor: token } = await insertTokenRow(tx, { accountId, id: user.id }, "ci");
      await recordEvent(tx, { accountId, action: "test.by_token", actor: token, meta: META });
      await recordEvent(tx, { accountId, action: "test.by_token_again", actor: token, meta: META });
      return tokenId;
    });
    const events = await eventsOf(accountId);
    const [first, second] = events.slice(before.length);
    expect([first.action, first.actorType, first.actorId, actorLabel(first)]).toEqual(["test.by_token", "token", tokenId, 'Ada Admin (token "ci")']);
    expect(first.seq).toBe(before.length + 1);
    expect(first.prevHash).toBe(before.at(-1)?.hash ?? GENESIS_HASH);
    // Two events in one unit of work: the second chains after the first, read in the same transaction.
    expect([second.seq, second.prevHash]).toEqual([Number(first.seq) + 1, first.hash]);
    expect(await verifyChain(accountId)).toMatchObject({ ok: true, lastSeq: second.seq });
  });

  it("names the actor as the unit of work left them (a self-rename), after the account's earlier events", async () => {
    const accountId = await createAccount();
    const user = await createUser(accountId, { role: "user", name: "Ada Before" });
    const session = await startSession(user);
    await updateOwnName(session, { name: "Ada Between" }, META);
    await updateOwnName(session, { name: "Ada After" }, META);
    const events = await eventsOf(accountId);
    expect(events.slice(-2).map((e) => [e.action, e.actorId, actorLabel(e)])).toEqual([
      ["user.updated", user.id, "Ada Between"],
      ["user.updated", user.id, "Ada After"],
    ]);
    expect(await verifyChain(accountId)).toMatchObject({ ok: true, checked: events.length });
  });

  it("names an actor whose row is gone by their id, and still chains", async () => {
    const accountId = await createAccount();
    const user = await createUser(accountId, { role: "admin", name: "Gone Soon" });
    const session = await startSession(user);
    await writeSystem(async (tx) => {
      await tx.delete(users).where(and(eq(users.accountId, accountId), eq(users.id, user.id)));
      await recordEvent(tx, { accountId, action: "test.after_delete", actor: session, meta: META });
    });
    const last = (await eventsOf(accountId)).at(-1)!;
    expect([last.action, last.actorType, actorLabel(last)]).toEqual(["test.after_delete", "user", user.id]);
    expect(await verifyChain(accountId)).toMatchObject({ ok: true, lastSeq: last.seq });
  });
});
