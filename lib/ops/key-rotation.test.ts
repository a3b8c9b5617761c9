import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { newDataDir, restartWith } from "@/test/fresh-instance";

/*
 * One instance seeded under key K1, rotated to K2 with a crash in the middle,
 * then opened with K2 alone: every value reads, sign-in by email and username
 * and search work, the chain verifies, and K1 alone no longer opens it.
 * Modules are loaded after each restart (restartWith forgets them).
 */
const K1 = crypto.randomBytes(32).toString("base64");
const K2 = crypto.randomBytes(32).toString("base64");
const PASSWORD = "a long and unusual passphrase for rotation";

async function app() {
  const [database, schema, factories, rotation, registry, aead, keys, records, queries, signIn, verify, mfa, delivery, throttle, drizzle] =
    await Promise.all([
      import("@/lib/db/database"),
      import("@/lib/db/schema"),
      import("@/test/factories"),
      import("./key-rotation"),
      import("./encrypted-columns"),
      import("@/lib/crypto/aead"),
      import("@/lib/crypto/keys"),
      import("@/lib/users/records"),
      import("@/lib/users/queries"),
      import("@/lib/sign-in/password-sign-in"),
      import("@/lib/audit/verify"),
      import("@/lib/mfa/records"),
      import("@/lib/mail/delivery"),
      import("@/lib/security/sign-in-throttle"),
      import("drizzle-orm"),
    ]);
  await import("@/lib/reactions");
  return { ...database, schema, factories, rotation, registry, aead, keys, records, queries, signIn, verify, mfa, delivery, throttle, eq: drizzle.eq };
}

type App = Awaited<ReturnType<typeof app>>;

async function seed(a: App) {
  const { factories, schema, aead } = a;
  const accountId = await factories.createAccount();
  // Old activity that retention prunes at the end of seeding: the rotation re-seals a chain that starts at an anchor.
  const { recordEvent } = await import("@/lib/audit/record");
  for (let i = 0; i < 3; i++) {
    await (await import("@/lib/data/unit-of-work")).writeSystem((tx) =>
      recordEvent(tx, { accountId, action: "test.old", actor: { type: "system", id: null, label: "Test" }, meta: factories.META, at: new Date(Date.now() - (60 - i) * 86_400_000) }),
    );
  }
  const owner = await factories.createUser(accountId, { role: "owner", email: "Olive.Owner@example.com", name: "Olive Owner", username: "olive", password: PASSWORD });
  const people: Array<{ id: string }> = [];
  for (let i = 0; i < 6; i++) people.push(await factories.createUser(accountId, { name: `Person Zebulon${i}`, email: `person${i}@example.com` }));
  const actor = await factories.startSession(owner);
  const { startTotpSetup, confirmTotpSetup } = await import("@/lib/mfa/factors");
  const { totpCode } = await import("@/lib/mfa/totp");
  const setup = await startTotpSetup(actor, { password: PASSWORD }, factories.META);
  await confirmTotpSetup(actor, { code: totpCode(setup.secret, new Date()) }, factories.META);
  const inviteId = crypto.randomUUID();
  const { sealInvitePii } = await import("@/lib/invites/records");
  const changeId = crypto.randomUUID();
  const { emailBlindIndex } = await import("@/lib/crypto/blind-index");
  const keys = a.throttle.attemptKeys(owner.email, "198.51.100.9");
  await (await import("@/lib/data/unit-of-work")).writeSystem(async (tx) => {
    await tx.insert(schema.invites).values({
      id: inviteId,
      accountId,
      ...sealInvitePii(inviteId, "ivy@example.com", "Ivy Invitee"),
      role: "user",
      autoGroups: [],
      tokenDigest: crypto.randomBytes(32).toString("hex"),
      expiresAt: new Date(Date.now() + 86_400_000),
      createdBy: owner.id,
    });
    await tx.insert(schema.mailSettings).values({
      accountId,
      host: "smtp.example.com",
      passwordCiphertext: aead.encryptField("smtp secret", { table: "mail_settings", column: "password", rowId: accountId }),
      updatedAt: new Date(),
    });
    await tx.insert(schema.emailChanges).values({
      tokenDigest: crypto.randomBytes(32).toString("hex"),
      id: changeId,
      accountId,
      userId: people[0].id,
      newEmailCiphertext: aead.encryptField("new0@example.com", { table: "email_changes", column: "new_email", rowId: changeId }),
      newEmailIndex: emailBlindIndex("new0@example.com"),
      expiresAt: new Date(Date.now() + 86_400_000),
      createdAt: new Date(),
    });
    await a.delivery.queueMail(tx, {
      accountId,
      to: "person1@example.com",
      kind: "password_reset" as never,
      mail: { subject: "Hello", text: "text body", html: "<p>html</p>" } as never,
      for: null,
    });
    await tx.insert(schema.signInLockouts).values({ accountId, emailIndex: keys.emailIndex, failures: 3, windowStartedAt: new Date(), lockedUntil: null });
  });
  // The OpenID provider's signing keys and one of its grants (sealed under a composite row id).
  await (await import("@/lib/oidc/signing-keys")).ensureSigningKeys();
  const { OidcAdapter } = await import("@/lib/oidc/adapter");
  await new OidcAdapter("Grant").upsert("grant-1", { accountId: owner.id, clientId: "lka_rotation", openid: { scope: "openid" } } as never, 3600);
  await (await import("@/lib/audit/retention")).pruneActivity(new Date(), 30);
  return { accountId, owner, people, totpSecret: setup.secret, inviteId, changeId };
}

/** Every registered value, by column: the ids of the keys they are sealed with. */
async function keyIdsInUse(a: App): Promise<Set<string>> {
  const { rows } = await import("@/lib/db/raw");
  const { sql } = await import("drizzle-orm");
  const ids = new Set<string>();
  for (const col of a.registry.ENCRYPTED_COLUMNS) {
    const found = await rows<{ v: string | null }>(a.db(), sql.raw(`SELECT "${col.column}" AS v FROM "${col.table}"`));
    for (const { v } of found) if (v) ids.add(a.aead.storedKeyId(v));
  }
  return ids;
}

describe("npm run rotate-key", () => {
  it("re-encrypts everything, resumes after a crash, and leaves the old key unable to open anything", async () => {
    await restartWith({ DATA_DIR: newDataDir(), ENCRYPTION_KEY: K1, ENCRYPTION_KEY_PREVIOUS: "" });
    let a = await app();
    const seeded = await seed(a);
    const k1Id = a.keys.keyRing().keyId;

    // The servers restart with K2 to write and K1 still to read: everything is found as before.
    await restartWith({ ENCRYPTION_KEY: K2, ENCRYPTION_KEY_PREVIOUS: K1 });
    a = await app();
    const k2Id = a.keys.keyRing().keyId;
    expect(a.keys.keyRing().previous.map((k) => k.keyId)).toEqual([k1Id]);
    expect((await a.records.findUserRowsByIdentifier(a.db(), "olive")).map((r) => r.id)).toEqual([seeded.owner.id]);
    const newcomer = await a.factories.createUser(seeded.accountId, { name: "Nora Newcomer", email: "nora@example.com" });
    // Search too: the index holds terms of both keys now, so it searches the exact, slow way.
    const during = await a.queries.listUsers(await a.factories.startSession(seeded.owner), { search: "zeb", limit: 100, offset: 0 } as never);
    expect(during.total).toBe(6);

    // A crash part-way: some values moved, some not; nothing unreadable.
    await expect(a.rotation.rotateEncryptionKey({ batchSize: 2, crashAfterBatches: 4 })).rejects.toThrow(/simulated crash/);
    const midway = await keyIdsInUse(a);
    expect(midway).toEqual(new Set([k1Id, k2Id]));
    expect((await a.records.findUserRowsByIdentifier(a.db(), "person5@example.com")).length).toBe(1);
    // Cut short, there is work left, the key check's move among it (rotate-key goes on rather than "Nothing to rotate").
    expect((await a.rotation.rotationWorkLeft()).map(([what]) => what)).toContain("meta.encryption_key_check");

    // Run again: it finishes.
    const report = await a.rotation.rotateEncryptionKey({ batchSize: 2 });
    expect(report).toMatchObject({ toKeyId: k2Id, fromKeyIds: [k1Id], accounts: 1 });
    expect(Object.values(await a.rotation.valuesUnderOtherKeys()).every((n) => n === 0)).toBe(true);
    expect(await keyIdsInUse(a)).toEqual(new Set([k2Id]));
    // With both keys still given, a rerun has nothing to do (rotate-key says "Nothing to rotate" and records nothing).
    expect(await a.rotation.rotationWorkLeft()).toEqual([]);

    // The new key alone: every value reads, sign-in and search work, the chain verifies.
    await restartWith({ ENCRYPTION_KEY: K2, ENCRYPTION_KEY_PREVIOUS: "" });
    a = await app();
    expect(a.keys.keyRing().previous).toEqual([]);
    // The lockout of the owner's email followed the email to its new index (before a sign-in forgives it).
    const { emailBlindIndex } = await import("@/lib/crypto/blind-index");
    const lock = await a.db().select().from(a.schema.signInLockouts).where(a.eq(a.schema.signInLockouts.emailIndex, emailBlindIndex(seeded.owner.email)));
    expect(lock).toHaveLength(1);
    const byEmail = await a.signIn.signInWithPassword("olive.owner@EXAMPLE.com", PASSWORD, { ip: "198.51.100.20", userAgent: "vitest" }).catch((e: unknown) => e);
    // The owner has two-factor on: the password step passes and asks for the second step.
    expect((byEmail as Error).constructor.name).toBe("SecondStepRequired");
    const byUsername = await a.signIn.signInWithPassword("olive", PASSWORD, { ip: "198.51.100.21", userAgent: "vitest" }).catch((e: unknown) => e);
    expect((byUsername as Error).constructor.name).toBe("SecondStepRequired");
    const ownerRow = (await a.factories.userRow(seeded.owner.id))!;
    expect(a.records.openIdentity(ownerRow)).toMatchObject({ name: "Olive Owner", email: "Olive.Owner@example.com", username: "olive" });
    const totp = await a.mfa.totpRow(a.db(), seeded.owner.id);
    expect(a.mfa.openTotpSecret(totp!)).toBe(seeded.totpSecret);
    const [invite] = await a.db().select().from(a.schema.invites).where(a.eq(a.schema.invites.id, seeded.inviteId));
    const { openInvite } = await import("@/lib/invites/records");
    expect(openInvite(invite)).toMatchObject({ email: "ivy@example.com", name: "Ivy Invitee" });
    expect(invite.emailIndex).toBe(emailBlindIndex("ivy@example.com"));
    const [change] = await a.db().select().from(a.schema.emailChanges).where(a.eq(a.schema.emailChanges.id, seeded.changeId));
    expect(change.newEmailIndex).toBe(emailBlindIndex("new0@example.com"));
    const [mail] = await a.db().select().from(a.schema.outbox);
    expect(a.delivery.openEnvelope(mail.payload as never)).toEqual({ to: "person1@example.com", subject: "Hello" });
    const { mailTransportSettings } = await import("@/lib/mail/settings");
    expect((await mailTransportSettings(a.db(), seeded.accountId)).password).toBe("smtp secret");

    const signingKeys = await (await import("@/lib/oidc/signing-keys")).loadSigningKeys();
    expect(signingKeys.map((k) => k.alg).sort()).toEqual(["ES256", "RS256"]);
    const { OidcAdapter } = await import("@/lib/oidc/adapter");
    expect(await new OidcAdapter("Grant").find("grant-1")).toMatchObject({ clientId: "lka_rotation" });

    const actor = await a.factories.startSession(seeded.owner);
    const found = await a.queries.listUsers(actor, { search: "zebulon", limit: 100, offset: 0 } as never);
    expect(found.total).toBe(6);
    const one = await a.queries.listUsers(actor, { search: "Nora", limit: 100, offset: 0 } as never);
    expect(one.items.map((u) => u.id)).toEqual([newcomer.id]);

    // The activity log's sealed client address (review 17) re-sealed, and its search index recomputed under the new key.
    const { listEvents } = await import("@/lib/audit/events");
    const { eventFiltersSchema } = await import("@/lib/audit/event-filters");
    const byAddress = await listEvents(actor, eventFiltersSchema.parse({ search: a.factories.META.ip }));
    expect(byAddress.events.length).toBeGreaterThan(0);
    expect(byAddress.events.every((e) => e.ip === a.factories.META.ip && e.userAgent === a.factories.META.userAgent)).toBe(true);

    const chain = await a.verify.verifyChain(seeded.accountId);
    // Its start too: the anchor and retention's record of it name the removed event's hash, which re-sealing leaves alone.
    expect(chain).toMatchObject({ ok: true, firstSeq: 4, pruned: 3, startVerified: true });
    const rotated = (await a.db().select().from(a.schema.activityEvents).where(a.eq(a.schema.activityEvents.action, "encryption_key.rotated")));
    expect(rotated).toHaveLength(1);
    expect(rotated[0]).toMatchObject({ actorType: "system", accountId: seeded.accountId });
    expect(rotated[0].details).toMatchObject({ to_key_id: k2Id, from_key_ids: [k1Id] });

    // The old key alone opens nothing: the key check refuses it.
    const refused = await (async () => {
      await restartWith({ ENCRYPTION_KEY: K1, ENCRYPTION_KEY_PREVIOUS: "" });
      const database = await import("@/lib/db/database");
      database.db();
      return null;
    })().catch((e: unknown) => e);
    expect(String(refused)).toContain("The encryption key does not match this database");
  }, 240_000);
});
