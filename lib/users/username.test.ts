/**
 * Usernames (issue 19) against the real database, on both dialects: the rule,
 * uniqueness under case and NFKC variants, derivation, a person with no email
 * end to end (created, signs in, changes their password, is found), sign-in
 * by username vs. email (unknown ones answer alike), the activity record of a
 * change, the start-up back-fill, and no plaintext username at rest.
 */
import fs from "node:fs";
import argon2 from "argon2";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { SignInFailed, SignInThrottled, signInWithPassword } from "@/lib/sign-in/password-sign-in";
import type { SessionActor } from "@/lib/auth/actor";
import { decryptField } from "@/lib/crypto/aead";
import { config, type SignInLimits } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, dialect } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";
import { users } from "@/lib/db/schema";
import { Conflict, Invalid } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { knownWords } from "@/lib/passwords/policy";
import { resolveSession } from "@/lib/sessions/sessions";
import { createAccount, createUser as createTestUser, lastEvent, META, startSession, userRow } from "@/test/factories";
import { createUser, updateUser } from "./lifecycle";
import { changeOwnPassword } from "./password";
import { listUsers } from "./queries";
import { openIdentity, sealEmail, sealName } from "./records";
import { createUserRequestSchema, createUserSchema } from "./schemas";
import { indexUser } from "./search-source";
import { deriveMissingUsernames } from "./username-backfill";
import { isValidUsername, sanitiseUsername, usernameBaseFor } from "./username-rule";

const PASSWORD = "a long and unusual passphrase";
/** Generous limits: these tests are about answers, not about the throttle. */
const LIMITS: SignInLimits = { freeAttempts: 1000, delaySeconds: 1, maxDelaySeconds: 1, ipFreeAttempts: 1000, lockoutFailures: 1000, lockoutWindowSeconds: 60 };

let accountId: string;
let admin: SessionActor;

beforeAll(async () => {
  accountId = await createAccount();
  admin = await startSession(await createTestUser(accountId, { role: "owner", name: "Olive Owner", username: "olive" }));
});

const person = (fields: Record<string, unknown>) => parseOrThrow(createUserSchema, { role: "user", ...fields });

describe("the username rule", () => {
  it("takes letters of any script, digits, '.', '_' and '-', 1 to 64 of them", () => {
    for (const ok of ["a", "jo.smith", "ada_l-1", "Zoë", "José", "jose\u0301", "用户", "x".repeat(64)]) expect(isValidUsername(ok), ok).toBe(true);
    for (const bad of ["", "a b", "ann@example.com", "a+b", "x".repeat(65), "tab\t"]) expect(isValidUsername(bad), bad).toBe(false);
  });

  it("derives one from an email's local part, else the name, else 'user'", () => {
    expect(usernameBaseFor({ email: "Jo.Smith+ops@example.com", name: "Jo" })).toBe("Jo.Smith.ops");
    expect(usernameBaseFor({ email: null, name: "Deploy Bot" })).toBe("Deploy.Bot");
    expect(usernameBaseFor({ email: "+++@example.com", name: "   " })).toBe("user");
    expect(sanitiseUsername("__a  b__")).toBe("a.b");
  });

  it("asks a person for an email or a username", () => {
    expect(() => person({ name: "Nobody" })).toThrow(Invalid);
    const solo = person({ username: "solo", name: "Solo" });
    expect(solo).toMatchObject({ username: "solo" });
    expect(solo.email).toBeUndefined();
    expect(person({ username: "  ", email: "e@example.com" })).toMatchObject({ username: undefined });
  });

  it("counts the username as a word an attacker knows, for the password policy", () => {
    expect(knownWords({ username: "Zephyrine.Quill" })).toEqual(expect.arrayContaining(["zephyrine.quill", "zephyrine", "quill"]));
  });

  it("reads NetStacks' creation shape as a person with the user role", () => {
    const input = parseOrThrow(createUserRequestSchema, { username: "netstacks", display_name: "Net Stacks", password: PASSWORD });
    expect(input).toMatchObject({ is_service_user: false, username: "netstacks", name: "Net Stacks", role: "user", password: PASSWORD });
  });
});

describe("uniqueness", () => {
  it("refuses a username another person holds, in any case or Unicode form", async () => {
    await createUser(admin, person({ username: "Ünïcode.Kim", name: "Kim" }), META);
    for (const variant of ["ünïcode.kim", "ÜNÏCODE.KIM", "U\u0308ni\u0308code.kim", "Ｕ\u0308nïcode.kim"]) {
      await expect(createUser(admin, person({ username: variant, name: "Other Kim" }), META), variant).rejects.toThrow(Conflict);
    }
    // The database itself refuses a second row with the same index (the check's backstop).
    const [kim] = await listUsers(admin, { username: "ÜNÏCODE.kim", offset: 0, limit: 10, order: "asc" }).then((l) => l.items);
    const clash = await writeSystem(async (tx) => {
      const id = crypto.randomUUID();
      const row = (await userRow(kim.id))!;
      await tx.insert(users).values({ id, accountId, ...sealName(id, "Clash"), role: "user", usernameIndex: row.usernameIndex, usernameCiphertext: "x" });
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(clash).toBeInstanceOf(Error);
  });

  it("numbers a derived username that is taken, and lets another account use it", async () => {
    const first = await createUser(admin, person({ email: "sam.lee@one.example" }), META);
    const second = await createUser(admin, person({ email: "sam.lee@two.example" }), META);
    expect([first.user.username, second.user.username]).toEqual(["sam.lee", "sam.lee2"]);
    const other = await createAccount();
    const stranger = await startSession(await createTestUser(other, { role: "owner", username: "owner-other" }));
    expect((await createUser(stranger, person({ email: "sam.lee@one.example" }), META)).user.username).toBe("sam.lee");
  });

  it("lets an admin change a username, records before → after, and refuses a taken one", async () => {
    const { user } = await createUser(admin, person({ username: "rename.me", name: "Rene Ame" }), META);
    const updated = await updateUser(admin, user.id, { username: "Renamed" }, META);
    expect(updated.username).toBe("Renamed");
    const event = await lastEvent();
    expect(event).toMatchObject({ action: "user.updated", targetId: user.id, details: { changed: ["username"] } });
    const privateDetails = JSON.parse(decryptField(event.privateDetailsCiphertext!, { table: "activity_events", column: "private_details", rowId: event.id }));
    expect(privateDetails).toEqual({ username: { from: "rename.me", to: "Renamed" } });
    await expect(updateUser(admin, user.id, { username: "OLIVE" }, META)).rejects.toThrow(Conflict);
  });
});

describe("a person with no email", () => {
  it("is created with a username and a name, signs in with it, changes their password and is found by search", async () => {
    const { user, password } = await createUser(admin, person({ username: "Nomail.Nadia", name: "Nadia Quill" }), META);
    expect(user).toMatchObject({ email: null, username: "Nomail.Nadia", name: "Nadia Quill" });

    const signedIn = await signInWithPassword("nomail.nadia", password!, META, new Date(), LIMITS);
    expect(signedIn).toMatchObject({ userId: user.id, mustChangePassword: true });
    const actor = (await resolveSession(signedIn.sessionId))!;
    await changeOwnPassword(actor as SessionActor, user.id, { old_password: password!, new_password: PASSWORD }, META);
    await expect(signInWithPassword("NOMAIL.NADIA", PASSWORD, META, new Date(), LIMITS)).resolves.toMatchObject({ userId: user.id });

    for (const search of ["nomail", "Nadia", "l.nad"]) {
      const found = await listUsers(admin, { search, offset: 0, limit: 50, order: "asc" });
      expect(found.items.map((u) => u.id), search).toContain(user.id);
    }
  });
});

describe("sign-in by email or username", () => {
  it("signs the same person in by either", async () => {
    const { user } = await createUser(admin, person({ email: "both.ways@example.com", username: "bothways", password: PASSWORD }), META);
    await expect(signInWithPassword("both.ways@example.com", PASSWORD, META, new Date(), LIMITS)).resolves.toMatchObject({ userId: user.id });
    await expect(signInWithPassword(" BothWays ", PASSWORD, META, new Date(), LIMITS)).resolves.toMatchObject({ userId: user.id });
  });

  it("answers an unknown username exactly as an unknown email, at the same cost", async () => {
    // The cost that could tell them apart is the password check: both must pay one argon2 verification (the
    // dummy's). Counted, not timed: medians of wall times compared on a loaded machine measured the scheduler.
    const realVerify = argon2.verify.bind(argon2);
    const verify = vi.spyOn(argon2, "verify").mockImplementation((...args) => realVerify(...args));
    const attempt = async (identifier: string) => {
      verify.mockClear();
      const error = await signInWithPassword(identifier, PASSWORD, { ...META, ip: "198.51.100.9" }, new Date(), LIMITS).catch((e: unknown) => e);
      const event = await lastEvent();
      return { error, verifications: verify.mock.calls.length, event: { action: event.action, actorType: event.actorType, actorId: event.actorId, details: event.details } };
    };
    try {
      const unknownEmail = await attempt("ghost@example.com");
      const unknownUsername = await attempt("ghost");
      expect(unknownEmail.error).toBeInstanceOf(SignInFailed);
      expect(unknownUsername.error).toBeInstanceOf(SignInFailed);
      expect((unknownUsername.error as Error).message).toBe((unknownEmail.error as Error).message);
      expect(unknownUsername.event).toEqual(unknownEmail.event);
      expect(unknownEmail.verifications, "argon2 verifications for an unknown email").toBe(1);
      expect(unknownUsername.verifications, "argon2 verifications for an unknown username").toBe(1);
    } finally {
      verify.mockRestore();
    }
  });

  it("throttles an unknown username and an unknown email alike", async () => {
    const strict: SignInLimits = { ...LIMITS, freeAttempts: 2, delaySeconds: 60, maxDelaySeconds: 60 };
    const meta = { ...META, ip: "198.51.100.77" };
    const outcome = async (identifier: string) => {
      const seen: string[] = [];
      for (let i = 0; i < 3; i++) {
        const e = await signInWithPassword(identifier, PASSWORD, meta, new Date(), strict).catch((err: unknown) => err);
        seen.push(e instanceof SignInThrottled ? "wait" : e instanceof SignInFailed ? "failed" : String(e));
      }
      return seen;
    };
    expect(await outcome("phantom")).toEqual(["failed", "failed", "wait"]);
    expect(await outcome("phantom@example.com")).toEqual(["failed", "failed", "wait"]);
  });
});

describe("the start-up back-fill (users from before usernames)", () => {
  it("derives a unique username for every user without one, indexes it, and does nothing the second time", async () => {
    const account = await createAccount();
    const owner = await startSession(await createTestUser(account, { role: "owner", email: "pat@backfill.example", username: "keeper" }));
    const ids: Record<string, string> = {};
    await writeSystem(async (tx) => {
      const add = async (key: string, values: { email?: string; name: string; isServiceUser?: boolean }) => {
        const id = crypto.randomUUID();
        ids[key] = id;
        await tx.insert(users).values({
          id,
          accountId: account,
          ...(values.email ? sealEmail(id, values.email, null) : {}),
          ...sealName(id, values.name),
          role: "user",
          isServiceUser: values.isServiceUser ?? false,
          createdAt: new Date(Date.now() + Object.keys(ids).length),
        });
        await indexUser(tx, { accountId: account, id, name: values.name, email: values.email ?? null, username: null });
      };
      await add("pat", { email: "Pat.Doe@backfill.example", name: "Pat Doe" });
      await add("pat2", { email: "pat.doe@other.example", name: "Pat Two" });
      await add("keeper", { email: "keeper@backfill.example", name: "Kee Per" });
      await add("bot", { name: "Deploy Bot", isServiceUser: true });
      await add("nothing", { email: "+++@backfill.example", name: "" });
    });

    expect(await deriveMissingUsernames(2)).toBeGreaterThanOrEqual(5);
    const usernameOf = async (id: string) => openIdentity((await userRow(id))!).username;
    expect(await usernameOf(ids.pat)).toBe("Pat.Doe");
    expect(await usernameOf(ids.pat2)).toBe("pat.doe2");
    expect(await usernameOf(ids.keeper)).toBe("keeper2");
    expect(await usernameOf(ids.bot)).toBe("Deploy.Bot");
    expect(await usernameOf(ids.nothing)).toBe("user");
    expect(await deriveMissingUsernames()).toBe(0);

    // Found by search under the new username, and signs in with it would find them (the index).
    const found = await listUsers(owner, { search: "pat.doe2", offset: 0, limit: 10, order: "asc" });
    expect(found.items.map((u) => u.id)).toEqual([ids.pat2]);
    const exact = await listUsers(owner, { username: "PAT.DOE", offset: 0, limit: 10, order: "asc" });
    expect(exact.items.map((u) => u.id)).toEqual([ids.pat]);
  });
});

describe("at rest", () => {
  it("keeps no username in plaintext in the database", async () => {
    const marker = "Plaintextprobeuser";
    const { user } = await createUser(admin, person({ username: marker, name: "Probe" }), META);
    await updateUser(admin, user.id, { username: `${marker}.renamed` }, META);
    const [row] = await db().select().from(users).where(eq(users.id, user.id));
    expect(openIdentity(row).username).toBe(`${marker}.renamed`);

    if (dialect() === "sqlite") {
      const file = config().databaseFile;
      const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
      expect(bytes.includes(Buffer.from(user.id))).toBe(true);
      for (const probe of [marker, marker.toLowerCase()]) expect(bytes.includes(Buffer.from(probe)), probe).toBe(false);
    } else {
      const columns = await rows<{ table: string; column: string }>(
        db(),
        sql`SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'json', 'jsonb')`,
      );
      expect(columns.some((c) => c.table === "users" && c.column === "username_ciphertext")).toBe(true);
      const found: string[] = [];
      for (const { table, column } of columns) {
        const col = sql.identifier(column);
        const [{ n }] = await rows<{ n: number }>(
          db(),
          sql`SELECT CAST(count(*) AS INTEGER) AS "n" FROM ${sql.identifier(table)} WHERE strpos(lower(${col}::text), lower(${marker})) > 0`,
        );
        if (n > 0) found.push(`${table}.${column}`);
      }
      expect(found).toEqual([]);
    }
  });
});
