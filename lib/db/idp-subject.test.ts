import fs from "node:fs";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { idpSubjectBlindIndex } from "@/lib/crypto/blind-index";
import { db } from "@/lib/db/database";
import { users } from "@/lib/db/schema";
import { createAccount, createUser, sqlite, userRow } from "@/test/factories";
import { openIdpSubject, sealPlaintextIdpSubjects } from "./idp-subject";

/** Every file of the database (main, -wal, -shm) that exists. */
function databaseBytes(): Buffer {
  const file = config().databaseFile;
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
}

describe("sealPlaintextIdpSubjects (the start-up data migration)", () => {
  it("encrypts subjects an earlier version stored in plaintext, leaves none readable on disk, and is idempotent", async () => {
    const accountId = await createAccount();
    const ldapUser = await createUser(accountId);
    const headerUser = await createUser(accountId);
    const plain = { [ldapUser.id]: ["ldap-source", "uid-plaintext-dora"], [headerUser.id]: ["header", "proxy.person@plaintext.example"] };
    for (const [id, [idpId, subject]] of Object.entries(plain)) {
      sqlite().prepare("UPDATE users SET idp_id = ?, idp_subject = ? WHERE id = ?").run(idpId, subject, id);
    }
    sqlite().pragma("wal_checkpoint(TRUNCATE)");
    expect(databaseBytes().includes("uid-plaintext-dora")).toBe(true);

    expect(sealPlaintextIdpSubjects(sqlite())).toBe(2);

    for (const [id, [idpId, subject]] of Object.entries(plain)) {
      const row = (await userRow(id))!;
      expect(row.idpSubjectPlaintext).toBeNull();
      expect(row.idpSubjectCiphertext).not.toContain(subject);
      expect(openIdpSubject(row)).toBe(subject);
      // Sign-in finds the user by the blind index.
      const found = (await db()
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.accountId, accountId), eq(users.idpId, idpId), eq(users.idpSubjectIndex, idpSubjectBlindIndex(idpId, subject)))).limit(1))[0];
      expect(found?.id).toBe(id);
    }
    const bytes = databaseBytes();
    expect(bytes.includes("uid-plaintext-dora")).toBe(false);
    expect(bytes.includes("proxy.person@plaintext.example")).toBe(false);

    const before = (await userRow(ldapUser.id))!.idpSubjectCiphertext;
    expect(sealPlaintextIdpSubjects(sqlite())).toBe(0);
    expect((await userRow(ldapUser.id))!.idpSubjectCiphertext).toBe(before);
  });

  it("gives equal subjects at two providers unrelated indexes", async () => {
    expect(idpSubjectBlindIndex("a", "sam")).not.toBe(idpSubjectBlindIndex("b", "sam"));
    expect(idpSubjectBlindIndex("a", "sam")).toBe(idpSubjectBlindIndex("a", "sam"));
  });
});
