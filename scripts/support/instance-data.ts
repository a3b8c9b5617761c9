// What an operator command needs before it opens the instance's database: the
// data directory (DATA_DIR, default ./data) holding the SQLite database unless
// DATABASE_URL points at PostgreSQL, and the encryption key (ENCRYPTION_KEY or
// the key file in that directory). Says what is missing on stderr.
import fs from "node:fs";
import path from "node:path";

/** The resolved data directory, also set as DATA_DIR for the modules the command loads; null (after saying why) when something is missing. */
export function instanceDataDir(): string | null {
  const dataDir = path.resolve(process.env.DATA_DIR || "./data");
  if (!process.env.DATABASE_URL && !fs.existsSync(path.join(dataDir, "latchkey.db"))) {
    console.error(`No Latchkey database in ${dataDir} (set DATA_DIR to the data directory).`);
    return null;
  }
  if (!process.env.ENCRYPTION_KEY && !fs.existsSync(path.join(dataDir, "encryption.key"))) {
    console.error(`No encryption key: set ENCRYPTION_KEY, or put the key file at ${path.join(dataDir, "encryption.key")}.`);
    return null;
  }
  process.env.DATA_DIR = dataDir;
  return dataDir;
}
