/**
 * Review 32: the features added since review 16, used twice at the same moment. Each probe fires its requests
 * together (Promise.allSettled); on PostgreSQL the checks made before a unit of work and the units of work
 * themselves really overlap (two pools, ordered by the instance's write lock). What is looked for: a check
 * made outside the lock and acted on in a later unit of work. docs/security.md, "Used twice at once, the later
 * features (review 32)".
 */
import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { PARTIES_SCOPE } from "@/lib/audit/party-search";
import { pruneActivity } from "@/lib/audit/retention";
import { usernameBlindIndex } from "@/lib/crypto/blind-index";
import { entityIdsMatching } from "@/lib/data/search-backfill";
import { outboxIdle } from "@/lib/data/outbox";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { invites, mfaTotp, outbox, users } from "@/lib/db/schema";
import { Conflict, NotFound } from "@/lib/errors";
import { listParamsSchema } from "@/lib/http/list-params";
import { parseOrThrow } from "@/lib/http/validation";
import { setUsernameChangeAllowed } from "@/lib/idp/sign-in-settings";
import { lookupInvite } from "@/lib/invites/acceptance";
import { pruneExpiredInvites } from "@/lib/invites/expired";
import { createInvite, regenerateInvite } from "@/lib/invites/invites";
import { EXPIRED_INVITE_KEEP_DAYS } from "@/lib/invites/records";
import { createInviteSchema } from "@/lib/invites/schemas";
import { retryDelivery } from "@/lib/mail/deliveries";
import { queueMail } from "@/lib/mail/delivery";
import { testMail } from "@/lib/mail/templates";
import { confirmTotpSetup, removeTotp, startTotpSetup } from "@/lib/mfa/factors";
import { totpCode } from "@/lib/mfa/totp";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { createUser as addUser, updateUser } from "@/lib/users/lifecycle";
import { changeOwnUsername } from "@/lib/users/own-username";
import { listRetiredUsernames, releaseRetiredUsername } from "@/lib/users/retired-usernames";
import { createUserSchema } from "@/lib/users/schemas";
import { AT_ONCE } from "@/test/at-once";
import { startMailInstance } from "@/test/mail";
import type { TestSmtp } from "@/test/smtp-server";
import { createAccount, createUser, eventsOf, META, startSession } from "@/test/factories";

const PASSWORD = "a long and unusual passphrase";

let accountId: string;
beforeAll(async () => {
  accountId = await createAccount();
});

/** Starts call after `ms` (a round's stagger, so the units of work meet in another order). */
const after = (ms: number, call: () => Promise<unknown>) => () => new Promise((resolve) => setTimeout(resolve, ms)).then(call);

/** Each call at once; the indexes of those that resolved. */
async function atOnce(calls: Array<() => Promise<unknown>>): Promise<{ won: number[]; results: PromiseSettledResult<unknown>[] }> {
  const results = await Promise.allSettled(calls.map((call) => call()));
  return { won: results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : [])), results };
}

describe("found and fixed", () => {
  it("the authenticator app removed twice at once (two tabs, a double click): one removal, on record once", async () => {
    await resetRateLimits();
    const user = await createUser(accountId, { password: PASSWORD });
    const actor: SessionActor = await startSession(user);
    const { secret } = await startTotpSetup(actor, { password: PASSWORD }, META);
    await confirmTotpSetup(actor, { code: totpCode(secret, new Date()) }, META);
    const before = (await eventsOf(accountId, "mfa.factor.removed")).length;
    const { won } = await atOnce(Array.from({ length: AT_ONCE }, () => () => removeTotp(actor, { password: PASSWORD }, META)));
    expect(await db().select().from(mfaTotp).where(eq(mfaTotp.userId, user.id))).toEqual([]);
    expect((await eventsOf(accountId, "mfa.factor.removed")).length - before, "removals on record").toBe(1);
    expect(won).toHaveLength(1);
  });
});

const DAY = 86_400_000;
const person = (fields: Record<string, unknown>) => parseOrThrow(createUserSchema, { role: "user", ...fields });
const inviteInput = (fields: Record<string, unknown>) => parseOrThrow(createInviteSchema, { name: "Ivy Invitee", role: "user", ...fields });
const short = () => crypto.randomUUID().slice(0, 8);

/** Who holds a username now: users and pending invites of the account. */
async function holdersOf(account: string, username: string): Promise<number> {
  const index = usernameBlindIndex(username);
  const people = await db().select({ id: users.id }).from(users).where(and(eq(users.accountId, account), eq(users.usernameIndex, index)));
  const invited = await db().select({ id: invites.id }).from(invites).where(and(eq(invites.accountId, account), eq(invites.usernameIndex, index)));
  return people.length + invited.length;
}

/** A refusal as a person gets it: a domain error (the taken message), never a database error from the unique index. */
function expectRefusedAsTaken(results: PromiseSettledResult<unknown>[], what: string): void {
  for (const r of results) if (r.status === "rejected") expect(r.reason, what).toBeInstanceOf(Conflict);
}

describe("tried and held", () => {
  let own: string;
  let owner: SessionActor;
  beforeAll(async () => {
    own = await createAccount();
    owner = await startSession(await createUser(own, { role: "owner" }));
    await setUsernameChangeAllowed(owner, true, META);
  });

  it("a held-back username released by the owner at the moment others claim it: a claim wins only after the release", async () => {
    for (let round = 0; round < 4; round++) {
      const name = `held.${short()}`;
      const { user: former } = await addUser(owner, person({ username: name, name: "Former" }), META);
      await updateUser(owner, former.id, { username: `${name}.new` }, META);
      const [held] = (await listRetiredUsernames(owner, listParamsSchema.parse({ search: name }))).items;
      const renamed = await createUser(own, {});
      const selfRenamer = await startSession(await createUser(own, {}));
      const { results } = await atOnce([
        after(round * 4, () => releaseRetiredUsername(owner, held.id, META)),
        after(round % 2 ? 0 : 2, () => updateUser(owner, renamed.id, { username: name }, META)),
        () => changeOwnUsername(selfRenamer, { username: name }, META),
        after(round, () => addUser(owner, person({ username: name, name: "Newcomer" }), META)),
        after(round % 2 ? 2 : 0, () => createInvite(owner, inviteInput({ username: name }), META)),
      ]);
      expect(results[0].status, "the release").toBe("fulfilled");
      expectRefusedAsTaken(results.slice(1), "a claim refused");
      const claims = results.slice(1).filter((r) => r.status === "fulfilled").length;
      expect(claims, "claims that got the name").toBeLessThanOrEqual(1);
      expect(await holdersOf(own, name)).toBe(claims);
      if (claims === 1) {
        // The claim committed after the release: its event comes later in the log.
        const released = (await eventsOf(own, "username.released")).find((e) => e.targetId === held.id)!;
        const claimed = (await eventsOf(own, "user.updated"))
          .concat(await eventsOf(own, "user.created"), await eventsOf(own, "invite.created"))
          .filter((e) => e.seq! > released.seq!);
        expect(claimed.length, "a claim recorded after the release").toBeGreaterThan(0);
      }
    }
  });

  it("people renaming to the same free name at once: one gets it, the others are told it is taken", async () => {
    const name = `free.${short()}`;
    const selves = await Promise.all(Array.from({ length: AT_ONCE - 2 }, async () => startSession(await createUser(own, {}))));
    const others = await Promise.all([createUser(own, {}), createUser(own, {})]);
    const { won, results } = await atOnce([
      ...selves.map((me) => () => changeOwnUsername(me, { username: name }, META)),
      ...others.map((u) => () => updateUser(owner, u.id, { username: name }, META)),
    ]);
    expect(won).toHaveLength(1);
    expectRefusedAsTaken(results, "a rename refused");
    expect(await holdersOf(own, name)).toBe(1);
  });

  it("a rename back at the moment the owner releases the name: the person has it back, held no longer, and nobody else can take it", async () => {
    const name = `back.${short()}`;
    const { user: former } = await addUser(owner, person({ username: name, name: "Back" }), META);
    await updateUser(owner, former.id, { username: `${name}.new` }, META);
    const [held] = (await listRetiredUsernames(owner, listParamsSchema.parse({ search: name }))).items;
    const self = await startSession({ id: former.id, accountId: own });
    const { results } = await atOnce([() => releaseRetiredUsername(owner, held.id, META), () => changeOwnUsername(self, { username: name }, META)]);
    expect(results[1].status).toBe("fulfilled");
    // Released first, or not found: the person had it back first (a hold of theirs ends when they take the name).
    if (results[0].status === "rejected") expect(results[0].reason).toBeInstanceOf(NotFound);
    expect((await listRetiredUsernames(owner, listParamsSchema.parse({ search: name }))).total).toBe(0);
    const [row] = await db().select({ usernameIndex: users.usernameIndex }).from(users).where(eq(users.id, former.id));
    expect(row.usernameIndex).toBe(usernameBlindIndex(name));
    await expect(addUser(owner, person({ username: name, name: "Someone Else" }), META)).rejects.toBeInstanceOf(Conflict);
  });

  it("the owner's release pressed twice at once (two tabs): one release, on record once", async () => {
    const name = `twice.${short()}`;
    const { user: former } = await addUser(owner, person({ username: name, name: "Twice" }), META);
    await updateUser(owner, former.id, { username: `${name}.new` }, META);
    const [held] = (await listRetiredUsernames(owner, listParamsSchema.parse({ search: name }))).items;
    const { won, results } = await atOnce(Array.from({ length: AT_ONCE }, () => () => releaseRetiredUsername(owner, held.id, META)));
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(NotFound);
    expect((await eventsOf(own, "username.released")).filter((e) => e.targetId === held.id)).toHaveLength(1);
  });

  it("an expired invite renewed at the moment the maintenance pass removes it: renewed and kept, or removed and not renewed", async () => {
    for (let round = 0; round < 4; round++) {
      const issued = await createInvite(owner, inviteInput({ email: `late.${short()}@example.net`, expires_in: 3_600 }), META);
      const expiredAt = new Date(Date.now() - (EXPIRED_INVITE_KEEP_DAYS + 1) * DAY);
      await writeSystem((tx) => tx.update(invites).set({ expiresAt: expiredAt }).where(eq(invites.id, issued.invite.id)));
      const { results } = await atOnce([
        round % 2 ? after(round, () => pruneExpiredInvites()) : () => pruneExpiredInvites(),
        round % 2 ? () => regenerateInvite(owner, issued.invite.id, 86_400, META) : after(round, () => regenerateInvite(owner, issued.invite.id, 86_400, META)),
        after(round, () => regenerateInvite(owner, issued.invite.id, 86_400, META)),
      ]);
      expect(results[0].status).toBe("fulfilled");
      const kept = (await db().select().from(invites).where(eq(invites.id, issued.invite.id))).length === 1;
      const removals = (await eventsOf(own, "invite.deleted")).filter((e) => e.targetId === issued.invite.id).length;
      const renewed = results.slice(1).flatMap((r) => (r.status === "fulfilled" ? [(r.value as { token: string }).token] : []));
      expect(removals, "removed on record once, or kept").toBe(kept ? 0 : 1);
      if (kept) {
        expect(renewed.length).toBeGreaterThan(0);
        // The last renewal's link works (an earlier one's was replaced by it).
        const works = await Promise.all(renewed.map((token) => lookupInvite(token, { ...META, ip: `198.51.100.${round}` }).then(() => true, () => false)));
        expect(works.filter(Boolean)).toHaveLength(1);
      } else {
        expect(renewed, "a renewal that went through was removed after it").toEqual([]);
      }
    }
  });

  it("retention forgets a party at the moment an event naming it is appended: the party stays findable by the new event's label", async () => {
    const party = { type: "user" as const, id: crypto.randomUUID() };
    const old = `Oldname ${short()}`;
    const fresh = `Freshname${short()}`;
    await writeSystem((tx) =>
      recordEvent(tx, { accountId: own, action: "user.updated", actor: { ...party, label: old }, meta: META, at: new Date(Date.now() - 40 * DAY) }),
    );
    const { results } = await atOnce([
      () => pruneActivity(new Date(), 30),
      () => writeSystem((tx) => recordEvent(tx, { accountId: own, action: "user.updated", actor: { ...party, label: fresh }, meta: META })),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(await entityIdsMatching(db(), { accountId: own, scope: PARTIES_SCOPE, query: fresh.toLowerCase() })).toEqual([party.id]);
  });
});

describe("tried and held: mail", { timeout: 60_000 }, () => {
  let smtp: TestSmtp;
  let mailAccount: string;
  let admins: SessionActor[];
  beforeAll(async () => {
    const instance = await startMailInstance();
    ({ smtp } = instance);
    mailAccount = instance.accountId;
    admins = [await startSession(instance.owner), ...(await Promise.all(Array.from({ length: AT_ONCE - 1 }, async () => startSession(await createUser(mailAccount, { role: "admin" })))))];
  }, 60_000);
  afterAll(() => smtp?.stop());

  it("a given-up message retried by several admins at once: queued again once, on record once, sent once", async () => {
    const subject = `Given up ${short()}`;
    const id = await writeSystem((tx) => queueMail(tx, { accountId: mailAccount, to: "retried@example.net", kind: "security_notice", for: null, mail: { ...testMail("en", { publicUrl: null }), subject } }));
    await outboxIdle();
    await smtp.waitFor((m) => m.subject === subject);
    await writeSystem((tx) => tx.update(outbox).set({ status: "failed", lastError: "550 refused" }).where(eq(outbox.id, id)));
    const { won, results } = await atOnce(admins.map((admin) => () => retryDelivery(admin, id, META)));
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(NotFound);
    await outboxIdle();
    // outboxIdle waits for the passes the retry nudged, and the test server keeps a message before it answers.
    expect(smtp.messages.filter((m) => m.subject === subject), "the first try and the retry").toHaveLength(2);
    expect((await eventsOf(mailAccount, "email.retried")).filter((e) => e.targetId === id)).toHaveLength(1);
  });
});
