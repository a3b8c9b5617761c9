import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { DecryptionError } from "@/lib/crypto/aead";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { users } from "@/lib/db/schema";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { onSqlite } from "@/test/test-database";
import { createAccount, createUser, META, sqlite, updateUserRow, userRow } from "@/test/factories";
import { findUserRowsByEmail, openUser, sealEmail, sealName } from "./records";

const OWNER = { email: "Ottoline.Plaintext@Example.com", name: "Ottoline Quillfeather" };
const MEMBER = { email: "zebedee.cleartext@example.org", name: "Zebedee Marchbanks" };

let accountId: string;
let memberId: string;

beforeAll(async () => {
  const setup = await completeSetup(
    setupInputSchema.parse({ ...OWNER, password: "a long and unusual passphrase" }),
    META,
  );
  accountId = setup.account_id;
  memberId = (await createUser(accountId, MEMBER)).id;
});

/** Every byte SQLite has written for the database: the main file, the WAL and the shared-memory index. */
function databaseBytes(): Buffer {
  const dir = process.env.DATA_DIR!;
  const files = fs.readdirSync(dir).filter((f) => f.startsWith("latchkey.db"));
  return Buffer.concat(files.map((f) => fs.readFileSync(path.join(dir, f))));
}

describe("personal data at rest", () => {
  it.runIf(onSqlite)("SQLite file: never writes a user's email or name in plaintext to the database files", async () => {
    const beforeCheckpoint = databaseBytes();
    sqlite().pragma("wal_checkpoint(TRUNCATE)");
    const afterCheckpoint = databaseBytes();

    // The search finds what is there: the role column is stored as plain text.
    expect(afterCheckpoint.includes("owner")).toBe(true);
    for (const bytes of [beforeCheckpoint, afterCheckpoint]) {
      const lower = bytes.toString("latin1").toLowerCase();
      for (const secret of [OWNER.email, OWNER.name, MEMBER.email, MEMBER.name, "ottoline", "quillfeather", "zebedee", "marchbanks"]) {
        expect(lower, secret).not.toContain(secret.toLowerCase());
      }
    }
  });

  it("reads users back decrypted, with the email as entered (trimmed) and findable in any case", async () => {
    const rows = await findUserRowsByEmail(db(), "  OTTOLINE.plaintext@example.COM ");
    expect(rows).toHaveLength(1);
    expect(openUser(rows[0], [])).toMatchObject({ email: OWNER.email, name: OWNER.name, role: "owner", accountId });
  });
});

describe("email uniqueness", () => {
  async function insertUserWithEmail(email: string) {
    const id = crypto.randomUUID();
    await writeSystem(async (tx) => {
      await tx.insert(users).values({ id, accountId, ...sealEmail(id, email, null), ...sealName(id, "Duplicate"), role: "user" });
    });
  }

  it.each([MEMBER.email, MEMBER.email.toUpperCase(), `  ${MEMBER.email}\t`, "Zebedee.Cleartext@Example.ORG "])(
    "refuses a second user in the account with the email %j",
    async (email) => {
      const refused = await insertUserWithEmail(email).then(
        () => undefined,
        (err: Error) => err,
      );
      // SQLite names the columns; PostgreSQL the index (in the driver's error, Drizzle's cause).
      expect(`${refused} ${refused?.cause}`).toMatch(/UNIQUE constraint failed: users\.account_id, users\.email_index|"users_account_email_unique"/);
    },
  );

  it("allows a different email in the same account", async () => {
    await expect(insertUserWithEmail("zebedee.other@example.org")).resolves.toBeUndefined();
  });

  it("lets another account use the same email", async () => {
    const other = await createAccount();
    await expect(createUser(other, { email: MEMBER.email })).resolves.toBeDefined();
  });
});

describe("openUser", () => {
  it("refuses a name ciphertext copied from another row", async () => {
    const victim = await createUser(accountId, { name: "Victim Name" });
    const [owner] = await db().select().from(users).where(eq(users.role, "owner")).limit(1);
    await updateUserRow(victim.id, { nameCiphertext: owner.nameCiphertext });

    const copied = (await userRow(victim.id))!;
    expect(() => openUser(copied, [])).toThrow(DecryptionError);
    expect(openUser(owner, []).name).toBe(OWNER.name);
  });

  it("refuses an email ciphertext moved into the name column of the same row", async () => {
    const row = (await userRow(memberId))!;
    expect(() => openUser({ ...row, nameCiphertext: row.emailCiphertext! }, [])).toThrow(DecryptionError);
  });
});
