/**
 * Refuses to run against a database with a different encryption key. A check
 * value encrypted under the key is stored on first start; later starts must
 * decrypt it, or stop before any data is read or written.
 */
import "server-only";
import { eq } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { DecryptionError, decryptField, encryptField } from "@/lib/crypto/aead";
import { config } from "@/lib/config";
import * as schema from "./schema";

const CHECK_KEY = "encryption_key_check";
const CHECK_PLAINTEXT = "latchkey-key-check";
const CONTEXT = { table: "meta", column: "value", rowId: CHECK_KEY };

export class EncryptionKeyMismatchError extends Error {
  constructor(detail: string) {
    super(
      `The encryption key does not match this database (${config().databaseFile}): ${detail}. ` +
        "Start Latchkey with the key this database was created with (ENCRYPTION_KEY, or the " +
        "encryption.key file in DATA_DIR). Nothing was changed.",
    );
    this.name = "EncryptionKeyMismatchError";
  }
}

export function verifyEncryptionKey(db: BetterSQLite3Database<typeof schema>): void {
  const row = db.select().from(schema.meta).where(eq(schema.meta.key, CHECK_KEY)).get();
  if (!row) {
    const hasData = db.select({ id: schema.accounts.id }).from(schema.accounts).limit(1).get();
    if (hasData) throw new EncryptionKeyMismatchError("the key check value is missing");
    db.insert(schema.meta)
      .values({ key: CHECK_KEY, value: encryptField(CHECK_PLAINTEXT, CONTEXT) })
      .onConflictDoNothing()
      .run();
    return;
  }
  try {
    if (decryptField(row.value, CONTEXT) !== CHECK_PLAINTEXT) throw new DecryptionError("unexpected check value");
  } catch (err) {
    if (err instanceof DecryptionError) throw new EncryptionKeyMismatchError(err.message);
    throw err;
  }
}
