// `PGPASSWORD=… npm run db:copy -- --to postgres://user@host/db`: copies the SQLite instance in
// DATA_DIR (default ./data; its key from ENCRYPTION_KEY or DATA_DIR/encryption.key)
// into an empty PostgreSQL database, then checks row counts and the activity
// chain there (`npm run verify-events` on the target). Stop Latchkey first: a
// change made during the copy would not be in it.
// Exit code 0 when copied and verified, 1 when refused or a check failed, 2 when it can't run.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const USAGE =
  "Usage: PGPASSWORD=… npm run db:copy -- --to postgres://user@host:5432/database   (DATA_DIR names the SQLite instance, ./data by default)";

function targetFromArgs(args: string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--to") return args[i + 1] ?? null;
    if (args[i].startsWith("--to=")) return args[i].slice("--to=".length);
  }
  return null;
}

/** The master key the source was opened with, for the check on the target (which runs in its own process). */
function sourceKey(dataDir: string): string {
  return process.env.ENCRYPTION_KEY || fs.readFileSync(path.join(dataDir, "encryption.key"), "utf8").trim();
}

/** `npm run verify-events` on the target, its output indented under ours. */
function verifyTarget(dataDir: string, targetUrl: string): Promise<number | null> {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(__dirname, "verify-events.ts")], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: targetUrl, ENCRYPTION_KEY: sourceKey(dataDir) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const indent = (d: Buffer) => d.toString("utf8").replace(/^(?=.)/gm, "  ");
  child.stdout.on("data", (d: Buffer) => process.stdout.write(indent(d)));
  child.stderr.on("data", (d: Buffer) => process.stderr.write(indent(d)));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
}

async function main(): Promise<number> {
  const targetUrl = targetFromArgs(process.argv.slice(2));
  if (!targetUrl || !/^postgres(ql)?:\/\/\S+$/.test(targetUrl)) {
    console.error(USAGE);
    return 2;
  }
  // A command's arguments are in the process list every user of the machine reads (ps), for as long as the copy
  // runs: the password is taken from PGPASSWORD (node-postgres reads it), which only this user's processes see.
  if (URL.canParse(targetUrl) && new URL(targetUrl).password) {
    console.error("db:copy refused: --to holds a password, which every user of this machine can read in the process list (ps) while the copy runs.");
    console.error("Leave it out of the address and give it in PGPASSWORD instead (change it now if others can log in here). Nothing was read or written.");
    console.error(USAGE);
    return 2;
  }
  const dataDir = path.resolve(process.env.DATA_DIR || "./data");
  const databaseFile = path.join(dataDir, "latchkey.db");
  if (!fs.existsSync(databaseFile)) {
    console.error(`No Latchkey database in ${dataDir} (set DATA_DIR to the data directory of the instance to copy).`);
    return 2;
  }
  if (!process.env.ENCRYPTION_KEY && !fs.existsSync(path.join(dataDir, "encryption.key"))) {
    console.error(`No encryption key: set ENCRYPTION_KEY, or put the key file at ${path.join(dataDir, "encryption.key")}.`);
    return 2;
  }
  process.env.DATA_DIR = dataDir;
  // The source is always the SQLite file in DATA_DIR, whatever this shell's DATABASE_URL says.
  delete process.env.DATABASE_URL;

  const { closeDatabase, openDatabase } = await import("../lib/db/database");
  const { sealUnchainedEvents } = await import("../lib/audit/chain");
  const { copyToPostgres, CopyRefusedError, describeTarget } = await import("../lib/db/copy-to-postgres");
  const Database = (await import("better-sqlite3")).default;
  const { drizzle } = await import("drizzle-orm/better-sqlite3");
  const sqliteSchema = await import("../lib/db/schema.sqlite");

  // Opened as a start opens it: the key check (a wrong key stops here), migrations, sealing pre-chain events.
  await openDatabase();
  try {
    const sealed = await sealUnchainedEvents();
    if (sealed > 0) console.log(`Sealed ${sealed} activity events from before the hash chain into it.`);
  } finally {
    await closeDatabase();
  }

  console.log(`Copying ${databaseFile} to ${describeTarget(targetUrl)}…`);
  const sqlite = new Database(databaseFile, { readonly: true, fileMustExist: true });
  let copied: { name: string; rows: number }[];
  try {
    // One read transaction: every table comes from the same moment.
    sqlite.exec("BEGIN");
    copied = await copyToPostgres(drizzle(sqlite, { schema: sqliteSchema }), targetUrl, (line) => console.log(line));
    sqlite.exec("COMMIT");
  } catch (err) {
    if (err instanceof CopyRefusedError) {
      console.error(`db:copy refused: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    sqlite.close();
  }
  const total = copied.reduce((sum, t) => sum + t.rows, 0);
  console.log(`Copied ${total} rows in ${copied.length} tables.`);

  console.log("Verifying the activity chain on the target (npm run verify-events):");
  const verified = await verifyTarget(dataDir, targetUrl);
  if (verified !== 0) {
    console.error("db:copy: the activity chain does not verify on the target (see above). Don't switch to it.");
    return 1;
  }
  console.log(
    [
      "",
      "Done. Start Latchkey on PostgreSQL with the same secrets as this instance:",
      "  DATABASE_URL=<the URL you copied to>",
      `  ENCRYPTION_KEY=${process.env.ENCRYPTION_KEY ? "<the ENCRYPTION_KEY you used here>" : `<the content of ${path.join(dataDir, "encryption.key")}>`}`,
      `  AUTH_SECRET=<your AUTH_SECRET, or the content of ${path.join(dataDir, "auth-secret")}, so sessions stay signed in>`,
    ].join("\n"),
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`db:copy failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
