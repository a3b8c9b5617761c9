/**
 * What a test server asks its database (./statement-log.cjs, preloaded into the server): `env` goes to
 * useInstance, `read()` returns the statements logged so far. For a rule about how often the server goes to
 * the database, checked from outside as the database sees it.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export type LoggedStatement = { sql: string; params: Array<string | number | null> };

export function statementLog(match: RegExp) {
  // Only a name here: the server makes the file with its first line. Playwright also loads a spec in its runner
  // process to list the tests, where nothing starts and afterAll doesn't run: a directory made here stayed behind.
  const file = path.join(os.tmpdir(), `latchkey-statements-${process.pid}-${crypto.randomBytes(6).toString("hex")}.jsonl`);
  const preload = path.join(__dirname, "statement-log.cjs");
  return {
    env: {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require "${preload}"`.trim(),
      LATCHKEY_TEST_STATEMENT_LOG: file,
      LATCHKEY_TEST_STATEMENT_MATCH: match.source,
    },
    read(): LoggedStatement[] {
      if (!fs.existsSync(file)) return [];
      return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LoggedStatement);
    },
    remove() {
      fs.rmSync(file, { force: true });
    },
  };
}
