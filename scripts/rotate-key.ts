// `npm run rotate-key`: moves every encrypted value, blind index, search
// term and the activity chain from the previous encryption key to the current
// one (lib/ops/key-rotation.ts; the steps for operators: docs/operations.md).
//
// Keys in the environment (PostgreSQL, replicas): ENCRYPTION_KEY is the NEW
// key, ENCRYPTION_KEY_PREVIOUS the old one, as every replica already runs.
// Key file in DATA_DIR (SQLite): the first run generates the new key, keeps
// the old one in encryption.key.previous, and rotates; at the end the old
// file is renamed encryption.key.retired-<id> (no longer read).
// `--generate-key` prints a new key and exits. Rerun after a crash: it resumes.
// Exit code 0 when done (or nothing to do), 1 when refused, 2 when it failed.
import fs from "node:fs";
import path from "node:path";
import { counted } from "../lib/ops/counted";

const USAGE =
  "Usage: npm run rotate-key [-- --batch-size N]   (ENCRYPTION_KEY = the new key and ENCRYPTION_KEY_PREVIOUS = the old one, or the key file in DATA_DIR)\n" +
  "       npm run rotate-key -- --generate-key        (prints a new key to put in ENCRYPTION_KEY)";

function option(args: string[], name: string): string | null {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1] ?? null;
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return null;
}

/** Key file mode: puts a new key in place, keeping the old one readable, unless a rotation already did. */
async function stageKeyFiles(dataDir: string): Promise<void> {
  const { stageKeyFiles: stage } = await import("../lib/ops/key-files");
  const previous = path.join(dataDir, "encryption.key.previous");
  if ((await stage(dataDir)) === "resumed") {
    console.log(`Resuming the rotation begun earlier (the old key is in ${previous}).`);
    return;
  }
  console.log(`Generated a new key into ${path.join(dataDir, "encryption.key")}; the old one is kept in ${previous} until the rotation completes.`);
  console.log("BACK UP THE NEW KEY. A server started from now on reads with both keys and writes with the new one.");
}

/** After a rotation: the old key is no longer needed here (environment: the operator removes it; key file: retired). */
function retireOldKey(fromEnv: boolean, dataDir: string, fromKeyIds: string[]): void {
  if (fromEnv) {
    console.log("Now remove ENCRYPTION_KEY_PREVIOUS from every replica and restart them one at a time. The old key opens nothing here any more;");
    console.log("keep it only with backups taken before this rotation (they need it to restore).");
    return;
  }
  const previousFile = path.join(dataDir, "encryption.key.previous");
  const retired = path.join(dataDir, `encryption.key.retired-${fromKeyIds.join("-")}`);
  fs.renameSync(previousFile, retired);
  console.log(`The old key is retired: moved to ${retired} (no longer read). Restart the server to drop it from memory.`);
  console.log("Keep that file only with backups taken before this rotation (they need it to restore), then delete it.");
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  if (args.includes("--generate-key")) {
    console.log((await import("../lib/ops/key-files")).newKey());
    return 0;
  }
  const batchSize = Number(option(args, "--batch-size") ?? 200);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    console.error(USAGE);
    return 2;
  }
  const dataDir = path.resolve(process.env.DATA_DIR || "./data");
  process.env.DATA_DIR = dataDir;
  const fromEnv = Boolean(process.env.ENCRYPTION_KEY);
  if (!process.env.DATABASE_URL && !fs.existsSync(path.join(dataDir, "latchkey.db"))) {
    console.error(`No Latchkey database in ${dataDir} (set DATA_DIR to the data directory).`);
    return 2;
  }
  if (!fromEnv) {
    if (process.env.DATABASE_URL) {
      console.error("With DATABASE_URL the keys come from the environment: ENCRYPTION_KEY (new) and ENCRYPTION_KEY_PREVIOUS (old).");
      return 1;
    }
    if (!fs.existsSync(path.join(dataDir, "encryption.key"))) {
      console.error(`No encryption key: set ENCRYPTION_KEY, or put the key file at ${path.join(dataDir, "encryption.key")}.`);
      return 2;
    }
  }
  await import("../lib/reactions");
  const { closeDatabase, openDatabase } = await import("../lib/db/database");
  const { keyRing } = await import("../lib/crypto/keys");
  const { rotateEncryptionKey, rotationWorkLeft, valuesUnderOtherKeys, RotationBusyError } = await import("../lib/ops/key-rotation");

  // Check the old key opens this database before putting a new one in place.
  await openDatabase();
  if (!fromEnv && keyRing().previous.length === 0) {
    await closeDatabase();
    await stageKeyFiles(dataDir);
    console.log("Run `npm run rotate-key` again once every server reading this directory has been restarted (or right away, if the server is stopped).");
    return 0;
  }
  try {
    const ring = keyRing();
    if (ring.previous.length === 0) {
      const left = Object.entries(await valuesUnderOtherKeys()).filter(([, n]) => n > 0);
      if (left.length === 0) {
        console.log(`Nothing to rotate: every value is under the current key ${ring.keyId}.`);
        return 0;
      }
      console.error(
        `rotate-key refused: ${left.map(([k, n]) => `${k}: ${n}`).join(", ")} under another key, and no previous key is given. ` +
          "Set ENCRYPTION_KEY_PREVIOUS to the old key (ENCRYPTION_KEY to the new one). Nothing was changed.",
      );
      return 1;
    }
    const fromKeyIds = ring.previous.map((k) => k.keyId);
    if ((await rotationWorkLeft()).length === 0) {
      // A rerun after a completed rotation (or a crash between its end and the key file's retirement).
      console.log(`Nothing to rotate: every value is already under the current key ${ring.keyId}; the previous key ${fromKeyIds.join(", ")} opens nothing here.`);
      retireOldKey(fromEnv, dataDir, fromKeyIds);
      return 0;
    }
    console.log(`Rotating from key ${ring.previous.map((k) => k.keyId).join(", ")} to key ${ring.keyId}, ${batchSize} rows per batch…`);
    const report = await rotateEncryptionKey({ batchSize, log: (line) => console.log(line) });
    const total = Object.values(report.reencrypted).reduce((a, b) => a + b, 0);
    console.log(`Rotation complete: ${total} values re-encrypted, ${report.eventsResealed} activity events re-sealed, ${report.searchEntriesIndexed} search entries re-indexed.`);
    console.log(`The key check now names key ${report.toKeyId}; the rotation is in the activity log of ${counted(report.accounts, "account")}.`);
    retireOldKey(fromEnv, dataDir, report.fromKeyIds);
    return 0;
  } catch (err) {
    if (err instanceof RotationBusyError) {
      console.error(`rotate-key refused: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await closeDatabase();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`rotate-key failed (run it again to resume): ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
