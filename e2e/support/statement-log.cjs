// What a test server asks its database, as the database sees it: preloaded into the server
// (`NODE_OPTIONS=--require …/statement-log.cjs`, see ./statement-log.ts), it appends one JSON line
// ({ sql, params }) to LATCHKEY_TEST_STATEMENT_LOG for every statement whose SQL matches
// LATCHKEY_TEST_STATEMENT_MATCH (a regular expression), on SQLite (better-sqlite3's statements) and
// PostgreSQL (pg's Client.query, which its pools use). Only the drivers' public methods are wrapped;
// nothing of React's or Next.js's is read. Test servers only.
const fs = require("node:fs");
const path = require("node:path");

const file = process.env.LATCHKEY_TEST_STATEMENT_LOG;
const match = process.env.LATCHKEY_TEST_STATEMENT_MATCH ? new RegExp(process.env.LATCHKEY_TEST_STATEMENT_MATCH) : null;

function note(sql, params) {
  if (typeof sql !== "string" || !match.test(sql)) return;
  fs.appendFileSync(file, `${JSON.stringify({ sql, params: params.flat().map((p) => (typeof p === "string" || typeof p === "number" ? p : null)) })}\n`);
}

/** The project's own copy of a driver (the one the server loads), or null when it isn't installed. */
function driver(name) {
  try {
    return require(require.resolve(name, { paths: [path.resolve(__dirname, "..", "..")] }));
  } catch {
    return null;
  }
}

if (file && match) {
  const Database = driver("better-sqlite3");
  if (Database) {
    const probe = new Database(":memory:");
    const Statement = Object.getPrototypeOf(probe.prepare("SELECT 1"));
    probe.close();
    for (const method of ["run", "get", "all", "iterate"]) {
      const original = Statement[method];
      Statement[method] = function logged(...params) {
        note(this.source, params);
        return original.apply(this, params);
      };
    }
  }
  const pg = driver("pg");
  if (pg) {
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function logged(config, values, callback) {
      const sql = typeof config === "string" ? config : config?.text;
      note(sql, Array.isArray(values) ? values : (config?.values ?? []));
      return query.call(this, config, values, callback);
    };
  }
}
