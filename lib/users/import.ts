/**
 * Bringing people over from another identity provider (`npm run users -- import`, lib/ops/users-import.ts reads
 * the file): each row becomes a person through createUserIn (./lifecycle.ts), the one create path, with the same
 * input schema, rules, search index, sealed columns and user.created event as an admin's create, and with the
 * password hash the old system kept (bcrypt or argon2: lib/crypto/passwords.ts importedHashKind), which
 * sign-in verifies and rehashes to argon2id.
 *
 * The rules of a file:
 * - All or nothing: the whole file runs in one unit of work, and it commits only with --apply and when no line
 *   is refused. A dry run is the same run rolled back, so it checks exactly what the real one would.
 * - A person already here (their email, or with no email their username, held by a user of the account) is
 *   skipped and reported: a re-run after fixing a line creates only the rest. A new email whose username
 *   belongs to someone else is refused (a different person: rename them in the file or leave the column empty).
 * - Roles `user` (the default) or `admin`, never `owner`; groups by name, `;`-separated, unknown ones refused
 *   unless createGroups (created in the same transaction, with their group.created events).
 * - A row without a hash Latchkey verifies is refused (invite that person instead). The hash is never repeated.
 */
import "server-only";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/policy";
import { emailBlindIndexes, usernameBlindIndexes } from "@/lib/crypto/blind-index";
import { importedHashKind, type ImportedHashKind } from "@/lib/crypto/passwords";
import { write } from "@/lib/data/unit-of-work";
import type { Tx } from "@/lib/db/database";
import { DomainError, type FieldErrors } from "@/lib/errors";
import { createGroupIn } from "@/lib/groups/groups";
import { groupNamesById } from "@/lib/groups/membership";
import { groupNameKey } from "@/lib/groups/records";
import { parseOrThrow } from "@/lib/http/validation";
import { idByBlindIndex } from "./blind-index-lookup";
import { createUserIn } from "./lifecycle";
import { createUserSchema, type CreateUserInput } from "./schemas";
import { usernameHolder } from "./username";

/** The columns a file may have, by header; email or username, and password_hash, must be there. */
export const IMPORT_COLUMNS = ["email", "name", "username", "password_hash", "role", "groups"] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
export type ImportRow = { line: number; fields: Partial<Record<ImportColumn, string>> };

const IMPORT_ROLES = ["user", "admin"] as const;
const roleSchema = z.preprocess(
  (v) => (typeof v === "string" && v.trim() !== "" ? v.trim().toLowerCase() : "user"),
  z.enum(IMPORT_ROLES, { error: "role must be user or admin (an import never makes an owner)" }),
);

export type ImportOutcome = "create" | "skip" | "refuse";
export type ImportLine = { line: number; outcome: ImportOutcome; who: string; message: string };
export type ImportReport = {
  applied: boolean;
  lines: ImportLine[];
  /** Group names created (or, in a dry run, that would be). */
  groupsCreated: string[];
};

type Person = { line: number; who: string; input: CreateUserInput; groupNames: string[]; passwordHash: string; hashKind: ImportedHashKind };

/** A refusal's text: the message and each field's (the file's column names), never a value from the row. */
function describe(err: DomainError): string {
  const fields = "fieldErrors" in err ? (err.fieldErrors as FieldErrors) : {};
  const parts = Object.entries(fields).map(([field, messages]) => `${field === "auto_groups" ? "groups" : field}: ${(messages ?? []).join(", ")}`);
  return parts.length > 0 ? parts.join("; ") : err.message;
}

const blankIsNone = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());

/** One row read as createUser's input (the same schema as the dashboard and POST /api/users), or why not. */
function readRow(row: ImportRow): Person | ImportLine {
  const f = row.fields;
  const who = blankIsNone(f.email) ?? blankIsNone(f.username) ?? "(no email or username)";
  const refuse = (message: string): ImportLine => ({ line: row.line, outcome: "refuse", who, message });
  const hash = blankIsNone(f.password_hash);
  if (!hash) return refuse("no password_hash: this person can't bring a password over; invite them instead (Team → Invites), and leave the row out");
  const kind = importedHashKind(hash);
  if ("problem" in kind) return refuse(`password_hash: ${kind.problem}`);
  const role = roleSchema.safeParse(f.role);
  if (!role.success) return refuse(`role: ${role.error.issues[0]?.message}`);
  const groupNames = (f.groups ?? "")
    .split(";")
    .map((g) => g.trim())
    .filter((g) => g !== "");
  try {
    const input = parseOrThrow(createUserSchema, {
      is_service_user: false,
      email: blankIsNone(f.email),
      username: blankIsNone(f.username),
      name: f.name ?? "",
      role: role.data,
      auto_groups: [],
    });
    return { line: row.line, who, input, groupNames, passwordHash: hash, hashKind: kind.kind };
  } catch (err) {
    if (err instanceof DomainError) return refuse(describe(err));
    throw err;
  }
}

/** A second row for the same email or username (compared as the blind index compares them) is refused, naming the first. */
function refuseRepeats(people: Person[]): Map<number, ImportLine> {
  const refused = new Map<number, ImportLine>();
  const seen = new Map<string, number>();
  for (const p of people) {
    const keys = [p.input.email ? `email ${emailBlindIndexes(p.input.email)[0]}` : null, p.input.username ? `username ${usernameBlindIndexes(p.input.username)[0]}` : null];
    for (const key of keys) {
      if (!key) continue;
      const first = seen.get(key);
      if (first !== undefined && !refused.has(p.line)) {
        const what = key.startsWith("email") ? "email" : "username";
        refused.set(p.line, { line: p.line, outcome: "refuse", who: p.who, message: `the same ${what} as line ${first}: one person per email and username` });
      } else if (first === undefined) seen.set(key, p.line);
    }
  }
  return refused;
}

/** Whether the person is here already (skip), clashes with someone else (refuse), or is new (null). */
async function alreadyHere(tx: Tx, accountId: string, p: Person): Promise<ImportLine | null> {
  const byEmail = p.input.email ? await idByBlindIndex(tx, "user-email", accountId, emailBlindIndexes(p.input.email)) : undefined;
  if (byEmail) return { line: p.line, outcome: "skip", who: p.who, message: "already here: a user of this instance has this email; nothing changed for them" };
  const byUsername = p.input.username ? await usernameHolder(tx, accountId, p.input.username) : undefined;
  if (!byUsername) return null;
  if (!p.input.email) return { line: p.line, outcome: "skip", who: p.who, message: "already here: a user of this instance has this username; nothing changed for them" };
  return {
    line: p.line,
    outcome: "refuse",
    who: p.who,
    message: "username: another user of this instance has it (with another email); give this person another username, or leave the column empty to derive one",
  };
}

/** Ends a dry run (or a file with a refused line) by rolling its unit of work back, carrying the report out. */
class RolledBack extends Error {
  constructor(readonly report: ImportReport) {
    super("import rolled back");
  }
}

/**
 * Checks every row and, with `apply` and no refused line, creates the people (and with createGroups their
 * missing groups) in one transaction. Returns a line per row: create (or would), skip, or refuse.
 */
export async function importUsers(
  actor: Actor,
  rows: ImportRow[],
  options: { apply: boolean; createGroups: boolean },
  meta: RequestMeta,
): Promise<ImportReport> {
  assertCan(actor, "users:create", "You don't have permission to manage users");
  const read = rows.map(readRow);
  const people = read.filter((r): r is Person => "input" in r);
  const results = new Map<number, ImportLine>(read.filter((r): r is ImportLine => !("input" in r)).map((r) => [r.line, r]));
  for (const [line, refusal] of refuseRepeats(people)) results.set(line, refusal);
  const ordered = () => rows.map((r) => results.get(r.line)!).filter(Boolean);

  try {
    return await write(actor, async (tx, me) => {
      // Groups by name, compared as group names are (lib/groups/records.ts groupNameKey).
      const groupIds = new Map([...(await groupNamesById(tx, me.accountId))].map(([id, name]) => [groupNameKey(name), id]));
      const groupProblems = new Map<string, string>();
      const groupsCreated: string[] = [];
      for (const p of people) {
        if (results.has(p.line)) continue;
        for (const name of p.groupNames) {
          const key = groupNameKey(name);
          if (groupIds.has(key) || groupProblems.has(key)) continue;
          if (!options.createGroups) {
            groupProblems.set(key, `groups: no group named "${name}" (create it first, or run with --create-groups)`);
            continue;
          }
          try {
            const group = await createGroupIn(tx, me, { name }, meta);
            groupIds.set(key, group.id);
            groupsCreated.push(group.name);
          } catch (err) {
            if (!(err instanceof DomainError)) throw err;
            groupProblems.set(key, `groups: the group "${name}" can't be created: ${describe(err)}`);
          }
        }
      }

      for (const p of people) {
        if (results.has(p.line)) continue;
        const problem = p.groupNames.map((g) => groupProblems.get(groupNameKey(g))).find(Boolean);
        if (problem) {
          results.set(p.line, { line: p.line, outcome: "refuse", who: p.who, message: problem });
          continue;
        }
        const here = await alreadyHere(tx, me.accountId, p);
        if (here) {
          results.set(p.line, here);
          continue;
        }
        try {
          // Every check of createUserIn runs before its first write, so a refusal leaves the transaction usable.
          const input = parseOrThrow(createUserSchema, { ...p.input, auto_groups: [...new Set(p.groupNames.map((g) => groupIds.get(groupNameKey(g))!))] });
          const created = await createUserIn(tx, me, input, { passwordHash: p.passwordHash, mustChangePassword: false, importedHash: p.hashKind }, meta);
          const groups = p.groupNames.length > 0 ? `, groups ${p.groupNames.join(", ")}` : "";
          results.set(p.line, { line: p.line, outcome: "create", who: p.who, message: `${created.role}, username ${created.username}${groups}, ${p.hashKind} password` });
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          results.set(p.line, { line: p.line, outcome: "refuse", who: p.who, message: describe(err) });
        }
      }

      const lines = ordered();
      const report: ImportReport = { applied: false, lines, groupsCreated };
      if (!options.apply || lines.some((l) => l.outcome === "refuse")) throw new RolledBack(report);
      return { ...report, applied: true };
    });
  } catch (err) {
    if (err instanceof RolledBack) return err.report;
    throw err;
  }
}
