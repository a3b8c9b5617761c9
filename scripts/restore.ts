// `npm run restore -- --from FILE [--force]`: a backup (npm run backup) into an
// empty DATA_DIR (default ./data) or DATABASE_URL's empty PostgreSQL database,
// with the key the instance had (ENCRYPTION_KEY, or DATA_DIR/encryption.key).
// Refuses a wrong key, a damaged or changed file (its seal) or an occupied
// target before writing anything (--force replaces existing data;
// --allow-unsealed takes a backup made before backups were sealed). A server
// running on the target (its heartbeat, lib/data/heartbeat.ts, is fresh) is
// refused even with --force; --ignore-running-server overrides that. Then
// checks row counts and the activity chain of what it restored (verify-events).
// Exit code 0 when restored and verified, 1 when refused or a check failed, 2 when it can't run.
import fs from "node:fs";
import path from "node:path";

const USAGE = "Usage: npm run restore -- --from FILE [--force] [--allow-unsealed] [--ignore-running-server]   (into DATA_DIR, default ./data, or DATABASE_URL)";

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === "--from" || a.startsWith("--from="));
  const from = i < 0 ? null : args[i].startsWith("--from=") ? args[i].slice("--from=".length) : (args[i + 1] ?? null);
  if (!from) {
    console.error(USAGE);
    return 2;
  }
  const dataDir = path.resolve(process.env.DATA_DIR || "./data");
  process.env.DATA_DIR = dataDir;
  // The key must be given: restore never generates one (the data would be unreadable under it).
  if (!process.env.ENCRYPTION_KEY && !fs.existsSync(path.join(dataDir, "encryption.key"))) {
    console.error(
      `No encryption key: set ENCRYPTION_KEY to the key of the instance the backup came from, or put its key file at ${path.join(dataDir, "encryption.key")}. Nothing was written.`,
    );
    return 2;
  }
  if (process.env.DATABASE_URL && !process.env.ENCRYPTION_KEY) {
    console.error("With DATABASE_URL, set ENCRYPTION_KEY to the key of the instance the backup came from. Nothing was written.");
    return 2;
  }
  const { restoreBackup } = await import("../lib/ops/restore");
  const { BackupRefusedError } = await import("../lib/ops/backup-file");
  try {
    const result = await restoreBackup(path.resolve(from), { force: args.includes("--force"), allowUnsealed: args.includes("--allow-unsealed"), ignoreRunningServer: args.includes("--ignore-running-server") }, (line) => console.log(line));
    const rows = Object.values(result.manifest.row_counts).reduce((a, b) => a + b, 0);
    console.log(`Row counts match the manifest (${rows} rows in ${Object.keys(result.manifest.row_counts).length} tables).`);
    console.log(`Activity chain verified: ${result.events} events, ending at the backup's head.`);
    console.log(`Done: ${result.target} holds the backup of ${result.manifest.created_at}. Start Latchkey with the same ENCRYPTION_KEY.`);
    return 0;
  } catch (err) {
    if (err instanceof BackupRefusedError) {
      console.error(`restore refused: ${err.message}`);
      return 1;
    }
    console.error(`restore failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`restore failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
