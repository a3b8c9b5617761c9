/** Start-up checks: keys present (or generated), database migrated, key matches the data; then the background jobs. */
import "server-only";
import { sealUnchainedEvents } from "@/lib/audit/chain";
import { sessionSecret } from "@/lib/crypto/keys";
import { db } from "@/lib/db/client";
import { EncryptionKeyMismatchError } from "@/lib/db/key-check";
import { startBackgroundJobs } from "@/lib/jobs";

export function startUp(): void {
  try {
    sessionSecret();
    db();
    const sealed = sealUnchainedEvents();
    if (sealed > 0) console.log(`Sealed ${sealed} activity events from before the hash chain into it`);
  } catch (err) {
    if (err instanceof EncryptionKeyMismatchError) {
      console.error(`\nLatchkey cannot start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  startBackgroundJobs();
}
