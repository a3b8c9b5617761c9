/**
 * Database constraint violations as the domain's Conflict (409). Services
 * check their rules first with friendly messages; this is the backstop for
 * what a check could not see (text the database stores differently than it
 * was sent, a row that went away meanwhile), so a constraint error never
 * reaches a client as a 500. Used by the HTTP and the form-state mappers.
 */
import { Conflict } from "@/lib/errors";

/** SQLite's extended result codes (better-sqlite3's SqliteError.code) and PostgreSQL's SQLSTATEs. */
const MESSAGES: Record<string, string> = {
  SQLITE_CONSTRAINT_UNIQUE: "This already exists: another record has the same value",
  SQLITE_CONSTRAINT_PRIMARYKEY: "This already exists: another record has the same value",
  "23505": "This already exists: another record has the same value",
  SQLITE_CONSTRAINT_FOREIGNKEY: "Something this refers to no longer exists; reload and try again",
  "23503": "Something this refers to no longer exists; reload and try again",
};
const OTHER = "This conflicts with the stored data; reload and try again";

function constraintCode(err: unknown): string | undefined {
  // Drizzle wraps the driver's error (DrizzleQueryError) with the original as its cause.
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (code.startsWith("SQLITE_CONSTRAINT") || /^23\d{3}$/.test(code))) return code;
  }
  return undefined;
}

/** The driver's description of the violation (SQLite names the columns, PostgreSQL the constraint). */
function constraintText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    parts.push(e.message, String((e as { constraint?: unknown }).constraint ?? ""));
  }
  return parts.join("\n");
}

export const USERNAME_TAKEN = "This username is taken";

/** The Conflict a constraint violation stands for, or undefined for any other error. */
export function conflictFromConstraint(err: unknown): Conflict | undefined {
  const code = constraintCode(err);
  if (code === undefined) return undefined;
  // usernames: two people who chose the same username at once (the checks before saw it free): the
  // second is told in the field, as when the check catches it (lib/users/username.ts USERNAME_TAKEN).
  if (/username_(index|unique)/.test(constraintText(err))) return new Conflict(USERNAME_TAKEN, { username: [USERNAME_TAKEN] });
  return new Conflict(MESSAGES[code] ?? OTHER);
}
