// Unit tests run against a real SQLite database with the real migrations, in a
// fresh temporary data directory per test file, with a random encryption key.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-unit-"));
process.env.ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");
process.env.AUTH_SECRET = crypto.randomBytes(32).toString("base64url");
// As lib/db/sqlite-uri.ts does for the server; here better-sqlite3 may load before any lib module.
process.env.SQLITE_USE_URI = "1";

// Domain-effect reactions, as lib/startup.ts registers them for the server.
await import("@/lib/reactions");
