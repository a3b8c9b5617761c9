// `npm run backup -- --out FILE`: a consistent snapshot of the instance while
// it runs (SQLite in DATA_DIR, default ./data, or DATABASE_URL's PostgreSQL),
// as one file with a manifest (schema version, key id, row counts, activity
// chain heads) and a seal over its content made with a key derived from the
// encryption key, so it needs the instance's key. The key is never in it.
// Exit code 0 when written, 1 when refused, 2 when it can't run.
import fs from "node:fs";
import path from "node:path";

const USAGE = "Usage: npm run backup -- --out FILE   (DATA_DIR, default ./data, or DATABASE_URL names the instance)";

function option(args: string[], name: string): string | null {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1] ?? null;
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return null;
}

async function main(): Promise<number> {
  const out = option(process.argv.slice(2), "--out");
  if (!out) {
    console.error(USAGE);
    return 2;
  }
  const dataDir = path.resolve(process.env.DATA_DIR || "./data");
  process.env.DATA_DIR = dataDir;
  const url = process.env.DATABASE_URL || null;
  // The backup is sealed with the instance's key (restore refuses a changed file): it must be given, never generated.
  if (url && !process.env.ENCRYPTION_KEY) {
    console.error("With DATABASE_URL, set ENCRYPTION_KEY to the instance's key: the backup is sealed with it.");
    return 2;
  }
  if (!url && !process.env.ENCRYPTION_KEY && !fs.existsSync(path.join(dataDir, "encryption.key"))) {
    console.error(`No encryption key: set ENCRYPTION_KEY, or put the instance's key file at ${path.join(dataDir, "encryption.key")} (the backup is sealed with it).`);
    return 2;
  }
  const { takeBackup } = await import("../lib/ops/backup");
  const { BackupRefusedError } = await import("../lib/ops/backup-file");
  const file = path.resolve(out);
  try {
    const source = url ? ({ kind: "postgres", url } as const) : ({ kind: "sqlite", file: path.join(dataDir, "latchkey.db") } as const);
    const manifest = await takeBackup(source, file, (line) => console.log(line));
    const tables = Object.entries(manifest.row_counts).filter(([, n]) => n > 0);
    console.log(`Wrote ${file} (${fs.statSync(file).size} bytes).`);
    console.log(`  schema version ${manifest.schema_version} (${manifest.schema_tag}), encryption key id ${manifest.key_id}, sealed with key id ${manifest.seal?.key_id}`);
    console.log(`  rows: ${tables.map(([t, n]) => `${t} ${n}`).join(", ")}`);
    for (const head of manifest.chain_heads) console.log(`  activity chain of account ${head.account_id}: head #${head.seq} ${head.hash}`);
    const keyFile = path.join(dataDir, "encryption.key");
    console.log(
      `The encryption key is NOT in the backup; without it the backup can't be read. It lives in ${
        process.env.ENCRYPTION_KEY ? "the ENCRYPTION_KEY environment variable" : keyFile
      }: keep a copy of it apart from the backups.`,
    );
    return 0;
  } catch (err) {
    if (err instanceof BackupRefusedError) {
      console.error(`backup refused: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`backup failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
