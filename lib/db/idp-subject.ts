/**
 * A user's subject at their identity provider, sealed at rest: AES-GCM
 * ciphertext bound to the row (like email), plus a blind index for the one
 * lookup sign-in needs. Also the start-up data migration that seals subjects
 * stored in plaintext by earlier versions (SQL cannot encrypt).
 */
import "server-only";
import type Database from "better-sqlite3";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import { idpSubjectBlindIndex } from "@/lib/crypto/blind-index";
import type { UserRow } from "./schema";

const field = (userId: string) => ({ table: "users", column: "idp_subject", rowId: userId });

/** The columns that record "this user is `subject` at provider `idpId`". */
export function sealIdpSubject(userId: string, idpId: string, subject: string) {
  return {
    idpId,
    idpSubjectCiphertext: encryptField(subject, field(userId)),
    idpSubjectIndex: idpSubjectBlindIndex(idpId, subject),
  };
}

export function openIdpSubject(row: Pick<UserRow, "id" | "idpSubjectCiphertext">): string | null {
  return row.idpSubjectCiphertext ? decryptField(row.idpSubjectCiphertext, field(row.id)) : null;
}

/**
 * Seals every subject still in the old plaintext column and empties it.
 * Idempotent (a second run finds nothing). secure_delete overwrites the freed
 * bytes, VACUUM drops free pages, and the WAL is checkpointed and truncated,
 * so the old values are not left readable in the data directory. Returns how
 * many rows it sealed.
 */
export function sealPlaintextIdpSubjects(sqlite: Database.Database): number {
  const rows = sqlite
    .prepare("SELECT id, idp_id AS idpId, idp_subject AS subject FROM users WHERE idp_subject IS NOT NULL")
    .all() as Array<{ id: string; idpId: string | null; subject: string }>;
  if (rows.length === 0) return 0;
  const update = sqlite.prepare(
    "UPDATE users SET idp_subject_ciphertext = ?, idp_subject_index = ?, idp_subject = NULL WHERE id = ? AND idp_subject IS NOT NULL",
  );
  const previous = sqlite.pragma("secure_delete", { simple: true });
  sqlite.pragma("secure_delete = ON");
  try {
    sqlite.transaction(() => {
      for (const row of rows) {
        // A subject without a provider identifies nobody; it is dropped, not kept in plaintext.
        if (row.idpId === null) {
          update.run(null, null, row.id);
          continue;
        }
        const sealed = sealIdpSubject(row.id, row.idpId, row.subject);
        update.run(sealed.idpSubjectCiphertext, sealed.idpSubjectIndex, row.id);
      }
    })();
    // The migration that brought the new columns dropped the old plaintext index: its
    // pages (and the rows' old versions) sit in the free list until a rebuild.
    sqlite.exec("VACUUM");
    sqlite.pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    sqlite.pragma(`secure_delete = ${previous ? "ON" : "OFF"}`);
  }
  return rows.length;
}
