import argon2 from "argon2";
import bcrypt from "@node-rs/bcrypt";
import { eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/crypto/passwords";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { groupRoles, groups } from "@/lib/db/schema";
import { groupIdsOfUser } from "@/lib/groups/membership";
import { resolveSession } from "@/lib/sessions/sessions";
import { SignInFailed, signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { findUserRowsByIdentifier, openIdentity } from "@/lib/users/records";
import { describeSightings, scanDatabase } from "@/test/at-rest-scan";
import { createAccount, createUser, eventsOf, META, updateUserRow } from "@/test/factories";
import { AUTHENTIK, KEYCLOAK } from "@/test/imported-hash-vectors/vectors";
import { IMPORT_HEADER, importFileWriter, peopleCount as peopleIn, reportText } from "@/test/import-files";
import { runUsersCommand } from "./users-command";
import { createRole } from "@/lib/roles/roles";
import { systemActor } from "@/lib/auth/system-actor";
import { IMPORT_MAX_BYTES, IMPORT_MAX_PEOPLE, runImport } from "./users-import";
import { decryptField } from "@/lib/crypto/aead";
import { invites } from "@/lib/db/schema";
import { deleteGroup } from "@/lib/groups/groups";
import { acceptInvite, lookupInvite } from "@/lib/invites/acceptance";
import { createInvite, deleteInvite, listInvites, OPERATOR_INVITER, regenerateInvite } from "@/lib/invites/invites";
import { INVITE_EXPIRY, createInviteSchema } from "@/lib/invites/schemas";
import { sealInvitePii } from "@/lib/invites/records";
import { startSession } from "@/test/factories";

/*
 * r38: `npm run users -- import <file.csv> [--apply] [--create-groups]` brings people over from another identity
 * provider with their password hashes, through the one create path (lib/users/import.ts → createUserIn).
 */
let accountId: string;

// Passwords people had at the old provider, and the hashes it kept of them.
const ANN_PASSWORD = "zq ann's old dex passphrase";
const BEN_PASSWORD = "zq ben's old argon passphrase";
const CAL_PASSWORD = "zq cal's old argon2i passphrase";
let annHash: string; // bcrypt $2a$ (Dex, Go's bcrypt)
let benHash: string; // argon2id
let calHash: string; // argon2i
// Openwall crypt_blowfish's test vector for "U*U", as PHP writes it ($2y$).
const DOT_HASH = "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
// A PBKDF2 hash in the form the Keycloak export writes, at a cost over the bound (5,000,000 × one SHA-256 block).
const KEYCLOAK_TOO_COSTLY = `$pbkdf2-sha256$i=5000000$zqmarkersaltAAAAAAAAAA$zqmarkerhashvalue${"A".repeat(26)}`;

beforeAll(async () => {
  accountId = await createAccount();
  await createUser(accountId, { role: "owner", name: "Olive Owner", email: "olive@example.com", username: "olive" });
  await writeSystem((tx) => tx.insert(groups).values({ id: crypto.randomUUID(), accountId, name: "Ops" }));
  annHash = bcrypt.hashSync(ANN_PASSWORD, { cost: 4 }).replace(/^\$2b\$/, "$2a$");
  benHash = await argon2.hash(BEN_PASSWORD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 3, parallelism: 1 });
  calHash = await argon2.hash(CAL_PASSWORD, { type: argon2.argon2i, memoryCost: 4096, timeCost: 3, parallelism: 1 });
});

const csv = importFileWriter("import-");
const HEADER = IMPORT_HEADER;
const text = reportText;
const peopleCount = () => peopleIn(accountId);
const rowOf = async (identifier: string) => (await findUserRowsByIdentifier(db(), identifier)).find((r) => r.accountId === accountId);

describe("npm run users -- import", () => {
  it("a dry run says per line what it would do and creates nothing", async () => {
    const file = csv(HEADER, `zq-ann@example.com,Zqmarker Ann,zqann,${annHash},admin,Ops`, `zq-ben@example.com,Zqmarker Ben,,"${benHash}",,`);
    const before = await peopleCount();
    const result = await runUsersCommand(["import", file]);
    expect(result.code).toBe(0);
    expect(text(result)).toContain("line 2: would create zq-ann@example.com: admin, username zqann, groups Ops, bcrypt password");
    expect(text(result)).toContain("line 3: would create zq-ben@example.com: user, username zq-ben, argon2 password");
    expect(text(result)).toContain("Dry run: 2 to create, 0 skipped. Nothing was changed; run again with --apply");
    expect(await peopleCount()).toBe(before);
    expect(await eventsOf(accountId, "user.created")).toEqual([]);
    expect(text(result)).not.toContain(annHash);
  });

  it("--apply creates them; they sign in with their old passwords (bcrypt, argon2id, argon2i) and are rehashed to argon2id", async () => {
    const file = csv(
      HEADER,
      `zq-ann@example.com,Zqmarker Ann,zqann,${annHash},admin,Ops`,
      `zq-ben@example.com,Zqmarker Ben,,"${benHash}",user,`,
      `zq-cal@example.com,"Cal, Zqmarker",zqcal,"${calHash}",,ops`,
      `zq-dot@example.com,Zqmarker Dot,,${DOT_HASH},,`,
    );
    // The operator vouches for these addresses (review 42: otherwise they come in unproven).
    const result = await runUsersCommand(["import", file, "--apply", "--emails-verified"]);
    expect(result.code, text(result)).toBe(0);
    expect(text(result)).toContain("line 2: created zq-ann@example.com");
    expect(text(result)).toContain("4 users created, 0 skipped.");
    for (const hash of [annHash, benHash, calHash, DOT_HASH]) expect(text(result)).not.toContain(hash);

    const ann = (await rowOf("zq-ann@example.com"))!;
    expect(openIdentity(ann)).toMatchObject({ name: "Zqmarker Ann", username: "zqann", email: "zq-ann@example.com" });
    expect(ann).toMatchObject({ role: "admin", mustChangePassword: false, passwordHash: annHash });
    expect(ann.emailVerifiedAt).not.toBeNull();
    const [ops] = await db().select().from(groups).where(eq(groups.name, "Ops"));
    expect(await groupIdsOfUser(db(), accountId, ann.id)).toEqual([ops.id]);
    const cal = (await rowOf("zqcal"))!;
    expect(openIdentity(cal).name).toBe("Cal, Zqmarker");
    // Group names compare as the dashboard compares them: "ops" is Ops.
    expect(await groupIdsOfUser(db(), accountId, cal.id)).toEqual([ops.id]);

    for (const [who, password] of [
      ["zq-ann@example.com", ANN_PASSWORD],
      ["zq-ben", BEN_PASSWORD],
      ["zqcal", CAL_PASSWORD],
      ["zq-dot@example.com", "U*U"],
    ] as const) {
      const signedIn = await signInWithPassword(who, password, META);
      expect(await resolveSession(signedIn.sessionId)).toMatchObject({ userId: (await rowOf(who))!.id });
      const stored = (await rowOf(who))!.passwordHash!;
      expect(stored, who).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      expect(await verifyPassword(stored, password)).toBe(true);
    }

    // Each created person is on record, attributed to the command.
    const created = await eventsOf(accountId, "user.created");
    expect(created).toHaveLength(4);
    for (const event of created) expect(event).toMatchObject({ actorType: "system", actorId: null, userAgent: "npm run users" });
    expect(created.find((e) => e.targetId === ann.id)).toMatchObject({ details: { role: "admin", auto_groups: [ops.id], imported_password_hash: "bcrypt" } });
  });

  it("a re-run skips the people already here and creates only the new ones", async () => {
    const EVE_PASSWORD = "zq eve's old passphrase too";
    const eveHash = bcrypt.hashSync(EVE_PASSWORD, { cost: 4 });
    const file = csv(HEADER, `ZQ-Ann@Example.com,Zqmarker Ann,zqann,${annHash},admin,Ops`, `,,zqcal,"${calHash}",,`, `zq-eve@example.com,Zqmarker Eve,,${eveHash},,`);
    const result = await runUsersCommand(["import", file, "--apply"]);
    expect(result.code, text(result)).toBe(0);
    expect(text(result)).toContain("line 2: skipped ZQ-Ann@Example.com: already here");
    expect(text(result)).toContain("line 3: skipped zqcal: already here");
    expect(text(result)).toContain("1 user created, 2 skipped.");
    expect((await rowOf("zq-eve@example.com"))!.passwordHash).toBe(eveHash);
    // Ann kept the argon2id hash her sign-in gave her: a skip changes nothing.
    expect((await rowOf("zq-ann@example.com"))!.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("one bad line refuses the whole file: nothing is created, and every refusal names its line", async () => {
    const goodHash = bcrypt.hashSync("zq a fine passphrase here", { cost: 4 });
    const file = csv(
      HEADER,
      `zq-fay@example.com,Fay,,${goodHash},,`,
      `zq-gus@example.com,Gus,,${KEYCLOAK_TOO_COSTLY},,`,
      `zq-hal@example.com,Hal,,${goodHash},owner,`,
      `zq-ida@example.com,Ida,,${goodHash},,Ops;Nowhere`,
      `zq-fay@EXAMPLE.com,Fay again,,${goodHash},,`,
      `zq-jo@example.com,Jo,,,,`,
      `not-an-email,Kim,,${goodHash},,`,
      `zq-lu@example.com,Lu,zqann,${goodHash},,`,
      `zq-max@example.com,Max,,$2b$31$${"a".repeat(53)},,`,
      `zq-ned@example.com,Ned,,"$argon2id$v=19$m=4194304,t=3,p=1$c2FsdHNhbHRzYWx0$${"A".repeat(43)}",,`,
    );
    const before = await peopleCount();
    const eventsBefore = (await eventsOf(accountId, "user.created")).length;
    const result = await runUsersCommand(["import", file, "--apply"]);
    expect(result.code).toBe(1);
    const out = text(result);
    expect(out).toContain("line 2: would create zq-fay@example.com");
    expect(out).toContain(
      "line 3: REFUSED zq-gus@example.com: password_hash: a PBKDF2 hash's cost (iterations × the key's sha256 blocks) must be at most 2000000 (this one's is 5000000): each sign-in would pay it",
    );
    expect(out).toContain("line 4: REFUSED zq-hal@example.com: role: role must be user or admin (an import never makes an owner)");
    expect(out).toContain(`line 5: REFUSED zq-ida@example.com: groups: no group named "Nowhere" (create it first, or run with --create-groups)`);
    expect(out).toContain("line 6: REFUSED zq-fay@EXAMPLE.com: the same email as line 2");
    expect(out).toContain("line 7: REFUSED zq-jo@example.com: no password_hash: this person can't bring a password over; run with --invite-without-password to invite them instead");
    expect(out).toContain("line 8: REFUSED not-an-email: email: Enter a valid email address");
    expect(out).toContain("line 9: REFUSED zq-lu@example.com: username: another user of this instance has it");
    expect(out).toContain("line 10: REFUSED zq-max@example.com: password_hash: a bcrypt hash's cost must be between 4 and 14 (this one's is 31)");
    expect(out).toContain("line 11: REFUSED zq-ned@example.com: password_hash: an argon2 hash's memory must be between");
    expect(out).toContain("9 lines refused, 1 to create, 0 skipped. Nothing is created until every line is good");
    expect(out).not.toContain("zqmarkerhashvalue");
    expect(out).not.toContain("zqmarkersalt");
    expect(out).not.toContain(goodHash);
    expect(await peopleCount()).toBe(before);
    expect(await eventsOf(accountId, "user.created")).toHaveLength(eventsBefore);
    expect(await db().select().from(groups).where(eq(groups.name, "Nowhere"))).toEqual([]);
  });

  // r42: Keycloak's (PBKDF2-SHA256 before Keycloak 24, PBKDF2-SHA512 since, argon2 from 25) and Authentik's
  // (Django's pbkdf2_sha256) people, with hashes their own code made (test/imported-hash-vectors/vectors.ts).
  it("Keycloak's and Authentik's people come over with their PBKDF2 and argon2 hashes, sign in with their old passwords and are rehashed to argon2id", async () => {
    const people = [
      { email: "zq-kira@example.com", hash: KEYCLOAK.keycloakSha256.phc, password: KEYCLOAK.keycloakSha256.password, kind: "pbkdf2" },
      { email: "zq-mia@example.com", hash: KEYCLOAK.keycloakSha512.phc, password: KEYCLOAK.keycloakSha512.password, kind: "pbkdf2" },
      { email: "zq-nia@example.com", hash: KEYCLOAK.keycloakArgon2.phc, password: KEYCLOAK.keycloakArgon2.password, kind: "argon2" },
      { email: "zq-pat@authentik.example.com", hash: AUTHENTIK.pbkdf2.hash, password: AUTHENTIK.pbkdf2.password, kind: "pbkdf2" },
      // Non-ASCII passwords: Keycloak (the JDK) and Django both derive from the UTF-8 bytes.
      { email: "zq-ute@example.com", hash: KEYCLOAK.keycloakNonAscii.phc, password: KEYCLOAK.keycloakNonAscii.password, kind: "pbkdf2" },
      { email: "zq-uwe@authentik.example.com", hash: AUTHENTIK.nonAscii.hash, password: AUTHENTIK.nonAscii.password, kind: "pbkdf2" },
    ];
    const file = csv(HEADER, ...people.map((p) => `${p.email},Zqmarker Moved,,"${p.hash}",,`));
    const dry = await runUsersCommand(["import", file]);
    expect(dry.code, text(dry)).toBe(0);
    expect(text(dry)).toContain("line 2: would create zq-kira@example.com: user, username zq-kira, pbkdf2 password");
    expect(text(dry)).toContain("line 4: would create zq-nia@example.com: user, username zq-nia, argon2 password");
    expect(text(dry)).toContain("line 5: would create zq-pat@authentik.example.com: user, username zq-pat, pbkdf2 password");
    const applied = await runUsersCommand(["import", file, "--apply"]);
    expect(applied.code, text(applied)).toBe(0);
    expect(text(applied)).toContain("6 users created, 0 skipped.");
    for (const p of people) expect(text(applied)).not.toContain(p.hash);

    for (const p of people) {
      const row = (await rowOf(p.email))!;
      expect(row.passwordHash, p.email).toBe(p.hash);
      const event = (await eventsOf(accountId, "user.created")).find((e) => e.targetId === row.id);
      expect(event, p.email).toMatchObject({ details: { imported_password_hash: p.kind } });
      // The wrong password fails, and leaves the imported hash as it was.
      await expect(signInWithPassword(p.email, `${p.password}!`, META), p.email).rejects.toBeInstanceOf(SignInFailed);
      expect((await rowOf(p.email))!.passwordHash).toBe(p.hash);
      const signedIn = await signInWithPassword(p.email, p.password, META);
      expect(await resolveSession(signedIn.sessionId)).toMatchObject({ userId: row.id });
      const stored = (await rowOf(p.email))!.passwordHash!;
      expect(stored, p.email).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      expect(await verifyPassword(stored, p.password)).toBe(true);
      await expect(signInWithPassword(p.email, p.password, META)).resolves.toMatchObject({ userId: row.id });
    }
  });

  it("refuses PBKDF2 hashes outside the bounds or of a kind Latchkey doesn't verify, naming the line and never the hash", async () => {
    const salt = Buffer.alloc(16, 3).toString("base64").replace(/=+$/, "");
    const key = Buffer.alloc(64, 5).toString("base64").replace(/=+$/, "");
    const file = csv(
      HEADER,
      `zq-q1@example.com,,,"$pbkdf2-sha256$i=500$${salt}$${key}",,`,
      `zq-q2@example.com,,,"$pbkdf2-sha1$i=1300000$${salt}$${key}",,`,
      `zq-q3@example.com,,,"$pbkdf2-sha512$i=27500$AAAA$${key}",,`,
      `zq-q4@example.com,,,"${AUTHENTIK.pbkdf2Sha1.hash}",,`,
      `zq-q5@example.com,,,"${AUTHENTIK.unusable.hash}",,`,
      `zq-q6@example.com,,,"$pbkdf2-sha512$i=210000,l=32$${salt}$${key}",,`,
    );
    const before = await peopleCount();
    const result = await runUsersCommand(["import", file, "--apply"]);
    expect(result.code).toBe(1);
    const out = text(result);
    expect(out).toContain("line 2: REFUSED zq-q1@example.com: password_hash: a PBKDF2 hash's iterations must be at least 1000 (this one's are 500)");
    expect(out).toContain("line 3: REFUSED zq-q2@example.com: password_hash: a PBKDF2 hash's cost (iterations × the key's sha1 blocks) must be at most 2000000 (this one's is 5200000)");
    expect(out).toContain("line 4: REFUSED zq-q3@example.com: password_hash: a PBKDF2 hash's salt must be 8 to 64 bytes (this one's is 3)");
    expect(out).toContain("line 5: REFUSED zq-q4@example.com: password_hash: this is Django's pbkdf2_sha1 form");
    expect(out).toContain("line 6: REFUSED zq-q5@example.com: password_hash: this is Django's (Authentik's) mark of a person without a usable password: run with --invite-without-password to invite them instead, or leave the row out");
    expect(out).toContain("line 7: REFUSED zq-q6@example.com: password_hash: this PBKDF2 hash says l=32 but its key is 64 bytes");
    expect(out).toContain("6 lines refused, 0 to create");
    for (const secret of [salt, key, AUTHENTIK.pbkdf2Sha1.hash.split("$")[3], AUTHENTIK.unusable.hash]) expect(out).not.toContain(secret);
    expect(await peopleCount()).toBe(before);
  });

  it("a malformed PBKDF2 hash stored for someone fails their sign-in as a wrong password, without a crash", async () => {
    const quinn = await createUser(accountId, { email: "zq-quinn@example.com" });
    const failures = async () => (await eventsOf(accountId, "user.login.failed")).filter((e) => e.targetId === quinn.id);
    const stored = [
      "$pbkdf2-sha256$i=27500$H$tvunLkVeXsMnoPwHS1g+jDr9O2XICkMjLnADz6hqWgQ",
      "$pbkdf2-sha256$i=999999999$PkVMU1phaG92fYSLkpmgpw$tvunLkVeXsMnoPwHS1g+jDr9O2XICkMjLnADz6hqWgQ",
      "pbkdf2_sha256$260000$1WgJTtDwKclUVOI1mBiXSA$346KSwUdF90Q",
    ];
    for (const hash of stored) {
      await updateUserRow(quinn.id, { passwordHash: hash });
      await expect(signInWithPassword(quinn.email, KEYCLOAK.keycloakSha256Short.password, META), hash).rejects.toBeInstanceOf(SignInFailed);
      expect((await rowOf(quinn.email))!.passwordHash).toBe(hash);
    }
    const recorded = await failures();
    expect(recorded).toHaveLength(stored.length);
    for (const event of recorded) expect(event).toMatchObject({ details: { reason: "wrong_password" } });
  });

  it("a group that gives roles here is named with them: the old system's 'Admins' may be a powerful group (review 42's left item)", async () => {
    const admins = crypto.randomUUID();
    const nightShift = await createRole(systemActor(accountId, "test"), { name: "Night shift", description: "", permissions: ["users:read"] }, META);
    await writeSystem(async (tx) => {
      await tx.insert(groups).values({ id: admins, accountId, name: "Admins" });
      await tx.insert(groupRoles).values([
        { groupId: admins, roleId: "admin", accountId },
        { groupId: admins, roleId: nightShift.id, accountId },
      ]);
    });
    const file = csv(HEADER, `zq-gia@example.com,Zqmarker Gia,,${annHash},,admins;Ops`);
    const dry = text(await runUsersCommand(["import", file]));
    expect(dry).toContain("line 2: would create zq-gia@example.com: user, username zq-gia, groups admins (gives the roles Admin, Night shift), Ops, bcrypt password");
  });

  it("--create-groups creates the missing groups, in the dry run only as a plan", async () => {
    const hash = bcrypt.hashSync("zq a passphrase for groups", { cost: 4 });
    const file = csv(HEADER, `zq-pia@example.com,Pia,,${hash},,Zq Builders;Ops`);
    const dry = await runUsersCommand(["import", file, "--create-groups"]);
    expect(dry.code, text(dry)).toBe(0);
    expect(text(dry)).toContain("Groups it would create: Zq Builders.");
    expect(await db().select().from(groups).where(eq(groups.name, "Zq Builders"))).toEqual([]);
    const applied = await runUsersCommand(["import", file, "--create-groups", "--apply"]);
    expect(applied.code, text(applied)).toBe(0);
    expect(text(applied)).toContain("Groups created: Zq Builders.");
    const [builders] = await db().select().from(groups).where(eq(groups.name, "Zq Builders"));
    const pia = (await rowOf("zq-pia@example.com"))!;
    expect((await groupIdsOfUser(db(), accountId, pia.id)).sort()).toContain(builders.id);
    expect((await eventsOf(accountId, "group.created")).map((e) => e.targetId)).toContain(builders.id);
  });

  // r41: never one unit of work for the whole file. The check runs batch by batch (rolled back), then --apply
  // creates batch by batch, each batch checking its rows again under its own lock.
  const COMMAND_META = { ip: null, userAgent: "npm run users" };
  const runInBatches = (file: string, beforeBatch?: (index: number) => Promise<void>, createGroups = false) =>
    runImport(systemActor(accountId, "npm run users"), file, { apply: true, createGroups, batchSize: 2, beforeBatch }, COMMAND_META);

  it("a refusal in the check's last batch still refuses the whole file: nothing of the earlier batches is created", async () => {
    const hash = bcrypt.hashSync("zq batches passphrase", { cost: 4 });
    const file = csv(HEADER, ...["zq-b1", "zq-b2", "zq-b3", "zq-b4"].map((u) => `${u}@example.com,,${u},${hash},,`), `zq-b5@example.com,,zqann,${hash},,`);
    const before = await peopleCount();
    const result = await runInBatches(file);
    expect(result.code, text(result)).toBe(1);
    expect(text(result)).toContain("line 6: REFUSED zq-b5@example.com: username: another user of this instance has it");
    expect(text(result)).toContain("1 line refused, 4 to create, 0 skipped. Nothing is created until every line is good");
    expect(await peopleCount()).toBe(before);
  });

  it("someone created by someone else between the check and their batch is skipped, the rest created", async () => {
    const hash = bcrypt.hashSync("zq meanwhile passphrase", { cost: 4 });
    const file = csv(HEADER, ...["zq-m1", "zq-m2", "zq-m3"].map((u) => `${u}@example.com,Zqmarker ${u},${u},${hash},,Zq Movers`));
    const batchesRun: number[] = [];
    const result = await runInBatches(
      file,
      async (index) => {
        batchesRun.push(index);
        // An admin adds zq-m3 on the dashboard while the first batch is being written.
        if (index === 1) await createUser(accountId, { email: "zq-m3@example.com", username: "zq-m3-by-admin" });
      },
      true,
    );
    expect(result.code, text(result)).toBe(0);
    expect(batchesRun).toEqual([0, 1]);
    expect(text(result)).toContain("line 2: created zq-m1@example.com");
    expect(text(result)).toContain("line 3: created zq-m2@example.com");
    expect(text(result)).toContain("line 4: skipped zq-m3@example.com: already here");
    expect(text(result)).toContain("Groups created: Zq Movers.");
    expect(text(result)).toContain("2 users created, 1 skipped.");
    expect(openIdentity((await rowOf("zq-m3@example.com"))!).username).toBe("zq-m3-by-admin");
    const [movers] = await db().select().from(groups).where(eq(groups.name, "Zq Movers"));
    expect(await groupIdsOfUser(db(), accountId, (await rowOf("zq-m2@example.com"))!.id)).toEqual([movers.id]);
  });

  it("a batch refused mid-way (a username taken meanwhile) stops the run: earlier batches stay created, the output says which, a re-run creates the rest", async () => {
    const hash = bcrypt.hashSync("zq stopped passphrase", { cost: 4 });
    const rows = ["zq-s1", "zq-s2", "zq-s3", "zq-s4", "zq-s5"].map((u) => `${u}@example.com,,${u},${hash},,`);
    const file = csv(HEADER, ...rows);
    const result = await runInBatches(file, async (index) => {
      // Someone else takes zq-s4's username (with another email) while the first batch is being written.
      if (index === 1) await createUser(accountId, { email: "zq-other@example.com", username: "zq-s4" });
    });
    expect(result.code, text(result)).toBe(1);
    const out = text(result);
    expect(out).toContain("line 2: created zq-s1@example.com");
    expect(out).toContain("line 3: created zq-s2@example.com");
    expect(out).toContain("line 5: REFUSED zq-s4@example.com: username: another user of this instance has it");
    expect(out).toContain("line 4: not created zq-s3@example.com: the import stopped at line 5 before this line's batch committed");
    expect(out).toContain("line 6: not created zq-s5@example.com: the import stopped at line 5");
    expect(out).toContain("Stopped at line 5: someone changed this instance after the check");
    expect(out).toContain("2 users created (lines: 2-3), 0 skipped; not created, lines: 4, 6; refused, lines: 5.");
    expect(out).toContain("run the same file again: the people created are skipped, and only the rest are created");
    expect(await rowOf("zq-s1@example.com")).toBeDefined();
    expect(await rowOf("zq-s2@example.com")).toBeDefined();
    expect(await rowOf("zq-s3@example.com")).toBeUndefined();
    expect(await rowOf("zq-s5@example.com")).toBeUndefined();

    // Fixed (zq-s4 gets a username derived from the email) and run again: only the rest are created.
    const fixed = csv(HEADER, ...rows.map((r) => r.replace(",zq-s4,", ",,")));
    const again = await runInBatches(fixed);
    expect(again.code, text(again)).toBe(0);
    expect(text(again)).toContain("line 2: skipped zq-s1@example.com: already here");
    expect(text(again)).toContain("3 users created, 2 skipped.");
    expect(openIdentity((await rowOf("zq-s4@example.com"))!).username).not.toBe("zq-s4");
  });

  /*
   * The check's batches are each rolled back, so a username derived for a row of an earlier batch was free again when
   * a later batch was checked: the dry run passed a later row naming that username, and --apply stopped there (stop
   * 60's left item). The check now carries the usernames its earlier batches would take.
   */
  it("a username an earlier batch would derive: a later row naming it is refused in the check, nothing created", async () => {
    const hash = bcrypt.hashSync("zq derived passphrase", { cost: 4 });
    const file = csv(HEADER, `zq-drv@example.com,,,${hash},,`, `zq-drv-2@example.com,,zq-drv-two,${hash},,`, `zq-drv-3@example.net,,zq-drv,${hash},,`);
    const before = await peopleCount();
    const result = await runInBatches(file);
    const out = text(result);
    expect(result.code, out).toBe(1);
    expect(out).toContain("line 2: would create zq-drv@example.com: user, username zq-drv,");
    expect(out).toContain("line 4: REFUSED zq-drv-3@example.net: username: line 2 would get zq-drv (derived, as it has none) when created before this line;");
    expect(await peopleCount()).toBe(before);
  });

  it("two rows in different batches that would derive the same username: the later one's line says it gets another, and it does", async () => {
    const hash = bcrypt.hashSync("zq twice derived passphrase", { cost: 4 });
    const file = csv(HEADER, `zq-twice@example.com,,,${hash},,`, `zq-twice-x@example.com,,zq-twice-x,${hash},,`, `zq-twice@example.org,,,${hash},,`);
    const dry = await runImport(systemActor(accountId, "npm run users"), file, { apply: false, createGroups: false, batchSize: 2 }, COMMAND_META);
    expect(dry.code, text(dry)).toBe(0);
    expect(text(dry)).toContain("line 2: would create zq-twice@example.com: user, username zq-twice,");
    expect(text(dry)).toContain("line 4: would create zq-twice@example.org: user, username derived with --apply (line 2 takes zq-twice first),");
    const applied = await runInBatches(file);
    expect(applied.code, text(applied)).toBe(0);
    expect(openIdentity((await rowOf("zq-twice@example.com"))!).username).toBe("zq-twice");
    expect(openIdentity((await rowOf("zq-twice@example.org"))!).username).not.toBe("zq-twice");
  });

  it("refuses a file over the size or line bound, and a file whose header is wrong, naming the line", async () => {
    const big = csv(HEADER, "x".repeat(IMPORT_MAX_BYTES));
    const tooBig = await runUsersCommand(["import", big]);
    expect(tooBig.code).toBe(1);
    expect(text(tooBig)).toContain(`more than ${IMPORT_MAX_BYTES} (5 MiB); split it`);

    const hash = bcrypt.hashSync("zq long file", { cost: 4 });
    const rows = Array.from({ length: IMPORT_MAX_PEOPLE + 1 }, (_, i) => `zq-many-${i}@example.com,,,${hash},,`);
    const tooLong = await runUsersCommand(["import", csv(HEADER, ...rows)]);
    expect(tooLong.code).toBe(1);
    expect(text(tooLong)).toContain(`line ${IMPORT_MAX_PEOPLE + 2}: more than ${IMPORT_MAX_PEOPLE} people in one file; split it`);
    expect(text(tooLong)).not.toContain(hash);

    const wrongHeader = await runUsersCommand(["import", csv("mail,password", `a@example.com,${hash}`)]);
    expect(wrongHeader.code).toBe(1);
    expect(text(wrongHeader)).toContain(`line 1: unknown columns "mail", "password"; an email or a username column is needed; a password_hash column is needed (or run with --invite-without-password to invite everyone in the file).`);

    const broken = await runUsersCommand(["import", csv(HEADER, `a@example.com,"Ann,,${hash},,`)]);
    expect(broken.code).toBe(1);
    expect(text(broken)).toMatch(/line \d+: not valid CSV here \(CSV_/);
    expect(text(broken)).not.toContain(hash);
    expect(await rowOf("zq-many-0@example.com")).toBeUndefined();
  });

  it("leaves no email, name or username in the clear, and no imported hash once they signed in", async () => {
    // Ann, Ben, Cal and Dot signed in above (rehashed); Eve and Pia have not: their hash is their password_hash and nothing else.
    const eve = (await rowOf("zq-eve@example.com"))!;
    const markers = ["zq-ann@example.com", "zq-ben@example.com", "zq-eve@example.com", "Zqmarker Ann", "Zqmarker Eve", "zqann", "zqcal", annHash, benHash, calHash, DOT_HASH, eve.passwordHash!];
    // Keycloak's and Authentik's people signed in too (r42): their imported hashes are gone.
    markers.push("zq-kira@example.com", "Zqmarker Moved", KEYCLOAK.keycloakSha256.phc, KEYCLOAK.keycloakSha512.phc, KEYCLOAK.keycloakArgon2.phc, AUTHENTIK.pbkdf2.hash);
    const found = await scanDatabase(markers);
    const unexpected = found.filter((s) => !(s.where === "users.password_hash" && s.marker === eve.passwordHash));
    expect(describeSightings(unexpected)).toEqual([]);
    expect(found.filter((s) => s.marker === eve.passwordHash)).toHaveLength(1);
  });
});

/*
 * r46: `--invite-without-password`: the rows without a password_hash (people who signed in through LDAP or an external
 * provider at the old system) become invites, the same as Team → Invites makes, by the command (the system actor).
 * Mail is off in this file: --apply prints each link once.
 */
describe("npm run users -- import --invite-without-password (mail off)", () => {
  const pendingInvites = async () => db().select().from(invites).where(eq(invites.accountId, accountId));
  const linkIn = (out: string, who: string) => out.match(new RegExp(`line \\d+, ${who.replace(/[.]/g, "\\.")}: (https://id\\.example\\.com/invite\\?token=(lki_[0-9A-Za-z]+))`));
  const actorLabelOf = (event: { id: string; actorLabelCiphertext: string | null }) =>
    event.actorLabelCiphertext && decryptField(event.actorLabelCiphertext, { table: "activity_events", column: "actor_label", rowId: event.id });

  it("without the flag a row without a hash is refused, naming the flag; with it a row with a refused hash stays refused", async () => {
    const file = csv(HEADER, `zq-inv-no@example.com,Zq No Flag,,,user,`);
    const without = await runUsersCommand(["import", file]);
    expect(without.code).toBe(1);
    expect(text(without)).toContain("line 2: REFUSED zq-inv-no@example.com: no password_hash: this person can't bring a password over; run with --invite-without-password to invite them instead");

    const refusedHash = await runUsersCommand(["import", csv(HEADER, `zq-inv-kc@example.com,Zq Keycloak,,${KEYCLOAK_TOO_COSTLY},,`), "--invite-without-password"]);
    expect(refusedHash.code).toBe(1);
    expect(text(refusedHash)).toContain("line 2: REFUSED zq-inv-kc@example.com: password_hash: a PBKDF2 hash's cost");
    expect(text(refusedHash)).toContain("empty its password_hash to invite this person");

    const noEmail = await runUsersCommand(["import", csv(HEADER, `,Zq No Mail,zqnomail,,,`), "--invite-without-password", "--apply"]);
    expect(noEmail.code).toBe(1);
    expect(text(noEmail)).toContain("line 2: REFUSED zqnomail: no password_hash and no email: an invite goes to an email address");
    expect(await pendingInvites()).toEqual([]);
  });

  it("a dry run says 'would invite', writes nothing and prints no link", async () => {
    // Django's (Authentik's) mark of no usable password is no password: invited too.
    const file = csv("email,name,role,groups,password_hash", `zq-inv-dry@example.com,Zq Dry,admin,Ops,`, `zq-inv-dj@example.com,Zq Django,,,"${AUTHENTIK.unusable.hash}"`);
    const eventsBefore = (await eventsOf(accountId, "invite.created")).length;
    const result = await runUsersCommand(["import", file, "--invite-without-password", "--url", "https://id.example.com"]);
    expect(result.code).toBe(0);
    const out = text(result);
    expect(out).toContain("line 2: would invite zq-inv-dry@example.com: admin, groups Ops; mail is off: the link is for you to hand over");
    expect(out).toContain("line 3: would invite zq-inv-dj@example.com: user; mail is off");
    expect(out).toContain("Dry run: 0 to create, 2 to invite, 0 skipped.");
    expect(out).not.toContain("/invite?token=");
    expect(out).not.toContain("lki_");
    expect(await pendingInvites()).toEqual([]);
    expect(await eventsOf(accountId, "invite.created")).toHaveLength(eventsBefore);
  });

  it("--apply invites them with the row's role and groups, prints each link once, skips an account's or an invite's email; the link makes the member", async () => {
    const owner = (await rowOf("olive@example.com"))!;
    const ownerActor = await startSession({ id: owner.id, accountId });
    await createInvite(ownerActor, createInviteSchema.parse({ email: "zq-inv-pending@example.com", name: "Zq Pending", role: "user" }), META);
    const file = csv(
      HEADER,
      `zq-inv-amy@example.com,Zq Invited Amy,zqinvamy,,admin,Ops;Zqinvitees`,
      `zq-inv-bo@example.com,Zq Invited Bo,,,,`,
      `OLIVE@example.com,Olive Again,,,,`,
      `zq-inv-pending@example.com,Zq Pending Again,,,,`,
      `zq-inv-cy@example.com,Zq Created Cy,,${annHash},,`,
    );
    const usersBefore = await peopleCount();
    const result = await runUsersCommand(["import", file, "--invite-without-password", "--create-groups", "--apply", "--url", "https://id.example.com"]);
    const out = text(result);
    expect(result.code, out).toBe(0);
    expect(out).toContain("line 2: invited zq-inv-amy@example.com: admin, username zqinvamy, groups Ops, Zqinvitees; mail is off: the link is for you to hand over");
    expect(out).toContain("line 3: invited zq-inv-bo@example.com: user; mail is off");
    expect(out).toContain("line 4: skipped OLIVE@example.com: already here: a user of this instance has this email; nothing changed for them (no invite)");
    expect(out).toContain("line 5: skipped zq-inv-pending@example.com: already invited: a pending invite has this email");
    expect(out).toContain("line 6: created zq-inv-cy@example.com");
    expect(out).toContain("1 user created, 2 invites made, 2 skipped.");
    expect(out).toContain("Each link is a secret");
    const amyLink = linkIn(out, "zq-inv-amy@example.com");
    const boLink = linkIn(out, "zq-inv-bo@example.com");
    expect(amyLink).not.toBeNull();
    expect(boLink).not.toBeNull();
    // Once each.
    expect(out.split(amyLink![2]).length - 1).toBe(1);
    expect(await peopleCount()).toBe(usersBefore + 1);

    // Team → Invites: by the operator, not a former member nor the owner.
    const listed = (await listInvites(ownerActor)).items;
    const amyInvite = listed.find((i) => i.email === "zq-inv-amy@example.com")!;
    expect(amyInvite).toMatchObject({ role: "admin", username: "zqinvamy", invitedBy: OPERATOR_INVITER, createdBy: "system" });
    expect(amyInvite.autoGroups).toHaveLength(2);

    // The activity log names the command (the system actor), not the owner.
    const created = (await eventsOf(accountId, "invite.created")).find((e) => e.targetId === amyInvite.id)!;
    expect(created).toMatchObject({ actorType: "system", actorId: null, userAgent: "npm run users" });
    expect(actorLabelOf(created)).toBe("npm run users");

    // A group deleted since withdraws invites whose inviters may no longer give them: the operator's still may.
    const scratchGroup = crypto.randomUUID();
    await writeSystem((tx) => tx.insert(groups).values({ id: scratchGroup, accountId, name: "Zq Scratch" }));
    await deleteGroup(ownerActor, scratchGroup, META);

    // The invite page names the operator; accepting makes the member with the row's role and groups, the email proven.
    const view = await lookupInvite(amyLink![2], META);
    expect(view).toMatchObject({ invitedBy: OPERATOR_INVITER, role: "admin", valid: true });
    const accepted = await acceptInvite(amyLink![2], "zq amy's brand new passphrase", META);
    const amy = (await rowOf("zq-inv-amy@example.com"))!;
    expect(accepted.username).toBe("zqinvamy");
    expect(amy).toMatchObject({ id: accepted.userId, role: "admin" });
    expect(amy.emailVerifiedAt).not.toBeNull();
    const groupNames = (await db().select().from(groups).where(eq(groups.accountId, accountId))).filter((g) => ["Ops", "Zqinvitees"].includes(g.name));
    expect(new Set(await groupIdsOfUser(db(), accountId, amy.id))).toEqual(new Set(groupNames.map((g) => g.id)));
    const signedIn = await signInWithPassword("zq-inv-amy@example.com", "zq amy's brand new passphrase", META);
    expect(await resolveSession(signedIn.sessionId)).not.toBeNull();

    // Renewed by an admin, the invite becomes theirs (as any renewed one); withdrawn as any other.
    const boInvite = listed.find((i) => i.email === "zq-inv-bo@example.com")!;
    const renewed = await regenerateInvite(ownerActor, boInvite.id, INVITE_EXPIRY.defaultSeconds, META);
    expect(renewed.invite.createdBy).toBe(owner.id);
    await deleteInvite(ownerActor, boInvite.id, META);
    await expect(lookupInvite(boLink![2], META)).rejects.toMatchObject({ reason: "replaced" });
  });

  it("the invites past the pending bound are refused in the check, not found mid-way by --apply (batches of one)", async () => {
    // 998 pending invites of the operator already: two more fit under the bound of 1,000 per inviter.
    const already = Array.from({ length: 998 }, (_, i) => {
      const id = crypto.randomUUID();
      const at = new Date();
      return { id, accountId, ...sealInvitePii(id, `zq-bound-${i}@example.com`, `Bound ${i}`), role: "user" as const, autoGroups: [], tokenDigest: `${crypto.randomUUID()}${crypto.randomUUID()}`.replace(/-/g, ""), expiresAt: new Date(at.getTime() + 86_400_000), createdBy: "system", createdAt: at };
    });
    await writeSystem(async (tx) => {
      for (let i = 0; i < already.length; i += 100) await tx.insert(invites).values(already.slice(i, i + 100));
    });
    try {
      const file = csv("email,name", "zq-room-1@example.com,Room One", "zq-room-2@example.com,Room Two", "zq-room-3@example.com,Room Three");
      // One person a batch: each batch's check (rolled back) sees the 998 alone, so only a count over the batches finds it.
      const command = systemActor(accountId, "npm run users");
      const result = await runImport(command, file, { apply: true, createGroups: false, inviteWithoutPassword: true, batchSize: 1 }, { ip: null, userAgent: "npm run users" });
      expect(result.code).toBe(1);
      const out = text(result);
      expect(out).toContain("line 2: would invite zq-room-1@example.com");
      expect(out).toContain("line 3: would invite zq-room-2@example.com");
      expect(out).toContain("line 4: REFUSED zq-room-3@example.com: more invites than fit: 2 more may be pending at once (this file has 3 to invite)");
      expect((await pendingInvites()).filter((i) => i.createdBy === "system" && !already.some((a) => a.id === i.id))).toEqual([]);
    } finally {
      await writeSystem(async (tx) => {
        await tx.delete(invites).where(inArray(invites.id, already.map((a) => a.id)));
      });
    }
  });
});
