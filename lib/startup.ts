/** Start-up checks: keys present (or generated), database migrated, key matches the data. */
import "server-only";
import { sessionSecret } from "@/lib/crypto/keys";
import { db } from "@/lib/db/client";
import { EncryptionKeyMismatchError } from "@/lib/db/key-check";

export function startUp(): void {
  try {
    sessionSecret();
    db();
  } catch (err) {
    if (err instanceof EncryptionKeyMismatchError) {
      console.error(`\nLatchkey cannot start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
