/**
 * The database can't be reached or can't write now (review 18): PostgreSQL restarting, stopped,
 * unreachable or ending our connection; SQLite's disk full, read-only or failing. None of these is
 * the request's fault or a defect to hide behind a 500: the request is answered 503 with Retry-After
 * (the API), or "try again in a moment" (a form), and the log says in one line what the operator
 * looks at, without a stack. Nothing is half-written: the unit of work's transaction rolled back
 * (PostgreSQL ends an interrupted transaction; SQLite rolls back a failed one), and the next request
 * after the cause goes away succeeds (the pools replace broken connections; lib/db/postgres.ts).
 * Used by the HTTP and form-state mappers (lib/http/errors.ts, lib/forms/action-errors.ts), like
 * ./constraint-errors.ts.
 */
import { Unavailable } from "@/lib/errors";

/** SQLSTATE classes and codes of a server that is going away or can't take more: 08 connection exception, 53 insufficient resources (disk full, too many connections), 57P01–57P03 shutting down, restarting. */
const POSTGRES_STATE = /^(08[0-9A-Z]{3}|53[0-9A-Z]{3}|57P0[1-3]|58030)$/;
/** The network's and node-postgres's own words for a connection that failed, ended or never came. */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);
const POSTGRES_CLIENT_TEXT = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)/;
/**
 * This process's own refusal: the database's schema is newer than its code (./schema-version.ts). A code, not
 * a class: the engine lives on globalThis and is made by another of Next's bundles than the route that catches.
 */
export const SCHEMA_NEWER_CODE = "LATCHKEY_SCHEMA_NEWER";

export class SchemaNewerThanCodeError extends Error {
  readonly code = SCHEMA_NEWER_CODE;
  constructor() {
    super("Writes are refused: the database's schema is newer than this Latchkey's (a newer version migrated it)");
    this.name = "SchemaNewerThanCodeError";
  }
}

/** SQLite's result codes for a disk that says no (full, read-only, failing I/O, a file it can't open) or a lock held past the busy timeout. */
const SQLITE_CODE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY)/;

/** What kind of trouble err (or an error it wraps: Drizzle keeps the driver's as its cause) is, or undefined. */
export function databaseTrouble(err: unknown): "postgres" | "sqlite" | "schema" | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") {
      if (code === SCHEMA_NEWER_CODE) return "schema";
      if (SQLITE_CODE.test(code)) return "sqlite";
      if (POSTGRES_STATE.test(code) || NETWORK_CODES.has(code)) return "postgres";
    }
    if (POSTGRES_CLIENT_TEXT.test(e.message)) return "postgres";
  }
  return undefined;
}

export function databaseUnavailable(err: unknown): boolean {
  return databaseTrouble(err) !== undefined;
}

/** The driver's words, for the log (they name no data: an address, a code, "disk is full"). */
function driverText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (!e.message.startsWith("Failed query:")) parts.push(typeof code === "string" ? `${e.message} (${code})` : e.message);
  }
  return parts.join(": ") || String(err);
}

const WHAT_TO_DO = {
  postgres: "check that PostgreSQL runs and is reachable from here (DATABASE_URL); requests succeed again once it answers, without a restart",
  schema: "stop this process: a newer Latchkey migrated the database, run that version on every replica",
  sqlite: "check DATA_DIR's disk (free space, mounted read-write, the database files writable by this user) and that no other process keeps the database locked; writes succeed again once it is fixed, without a restart",
} as const;

/** One line for the log saying what failed and what to check, for a database error of these kinds (else undefined). */
export function databaseTroubleLine(err: unknown): string | undefined {
  const trouble = databaseTrouble(err);
  return trouble && `the database could not serve: ${driverText(err)}; ${WHAT_TO_DO[trouble]}`;
}

/** The 503 a database error stands for (logged once here, in one line), or undefined for any other error. */
export function unavailableFromDatabase(err: unknown): Unavailable | undefined {
  const line = databaseTroubleLine(err);
  if (!line) return undefined;
  console.error(`A request was answered 503: ${line}`);
  return new Unavailable();
}
