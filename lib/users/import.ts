/**
 * Bringing people over from another identity provider (`npm run users -- import`, lib/ops/users-import.ts reads
 * the file): each row becomes a person through createUserIn (./lifecycle.ts), the one create path, with the same
 * input schema, rules, search index, sealed columns and user.created event as an admin's create, and with the
 * password hash the old system kept (bcrypt, argon2 or PBKDF2: lib/crypto/imported-hashes.ts importedHashKind), which
 * sign-in verifies and rehashes to argon2id.
 *
 * The rules of a file:
 * - All or nothing for refusals: every row is checked first, as --apply would create it, in batches of
 *   IMPORT_BATCH people whose units of work are rolled back (that is the dry run); one refused line and nothing
 *   is created. Never one unit for the whole file: each unit holds the instance's write lock, which every other
 *   write waits for.
 * - With --apply the people are then created batch by batch (missing groups first, in their own unit), each
 *   batch checking its rows again under its own lock: someone created meanwhile is skipped; a refusal the check
 *   had not seen (a username taken meanwhile) rolls that batch back and stops the run, the earlier batches
 *   staying created, and a re-run after fixing creates only the rest.
 * - A person already here (their email, or with no email their username, held by a user of the account) is
 *   skipped and reported: a re-run after fixing a line creates only the rest. A new email whose username
 *   belongs to someone else is refused (a different person: rename them in the file or leave the column empty).
 * - Roles `user` (the default) or `admin`, never `owner`; groups by name, `;`-separated, unknown ones refused
 *   unless createGroups (created with their group.created events).
 * - A row without a password_hash is refused, unless inviteWithoutPassword (`--invite-without-password`): then a row
 *   with an email becomes an invite (options.invites: lib/invites' one create path, in the batch's unit of work) with
 *   the row's role and groups, checked as an account's are; the person proves the address by accepting it. An email
 *   a user or a pending invite holds is skipped. A hash that is there but refused (malformed, over the cost bound) stays
 *   refused with the flag too: the operator sees that a hash was dropped and empties the cell to invite that person.
 *   Django's (Authentik's) mark of no usable password ("!…") is no password, not a dropped hash: invited with the flag.
 *   The hash is never repeated.
 * - An address is proven only when the row's email_verified or the operator's --emails-verified says so.
 */
import "server-only";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/policy";
import { emailBlindIndexes, usernameBlindIndexes } from "@/lib/crypto/blind-index";
import { importedHashKind, marksNoUsablePassword, type ImportedHashKind } from "@/lib/crypto/imported-hashes";
import { inBatches } from "@/lib/data/batches";
import { write } from "@/lib/data/unit-of-work";
import { dialect, type Tx } from "@/lib/db/database";
import { DomainError, type FieldErrors } from "@/lib/errors";
import { createGroupIn } from "@/lib/groups/groups";
import { groupNamesById } from "@/lib/groups/membership";
import { groupNameKey } from "@/lib/groups/records";
import { roleNames, rolesGrantedByGroups } from "@/lib/auth/effective-permissions";
import { parseOrThrow } from "@/lib/http/validation";
import { idByBlindIndex } from "./blind-index-lookup";
import { createUserIn } from "./lifecycle";
import { createUserSchema, type CreateUserInput } from "./schemas";
import { usernameHolder } from "./username";

/** The columns a file may have, by header; email or username, and password_hash, must be there. */
export const IMPORT_COLUMNS = ["email", "name", "username", "password_hash", "role", "groups", "email_verified"] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
export type ImportRow = { line: number; fields: Partial<Record<ImportColumn, string>> };

const IMPORT_ROLES = ["user", "admin"] as const;
const roleSchema = z.preprocess(
  (v) => (typeof v === "string" && v.trim() !== "" ? v.trim().toLowerCase() : "user"),
  z.enum(IMPORT_ROLES, { error: "role must be user or admin (an import never makes an owner)" }),
);

/**
 * invite: a row without a password becomes an invite (inviteWithoutPassword). not-created: --apply stopped at a
 * refusal its check had not seen, before this line's batch committed.
 */
export type ImportOutcome = "create" | "invite" | "skip" | "refuse" | "not-created";
/** An invite an import made: its link's token (a secret: shown once, by the command, when not mailed). */
export type ImportedInvite = { token: string; expiresAt: Date; mailed: boolean };
/** username: the one a create line gives (or an invite line holds), as its message says it. */
export type ImportLine = { line: number; outcome: ImportOutcome; who: string; message: string; invite?: ImportedInvite; username?: string };
export type ImportReport = {
  applied: boolean;
  lines: ImportLine[];
  /** Group names created (or, in a dry run, that would be). */
  groupsCreated: string[];
  /** With --apply: the line whose refusal stopped the run (the lines created before it stay created). */
  stoppedAt?: number;
};

/** secret null: no password to bring over, the person is invited (inviteWithoutPassword). */
type Person = {
  line: number;
  who: string;
  input: CreateUserInput;
  groupNames: string[];
  secret: { passwordHash: string; hashKind: ImportedHashKind } | null;
  emailProven: boolean;
};

/**
 * Whether the old provider proved the row's address: `email_verified` true/false (yes/no, t/f, 1/0), or empty for the
 * file's default (--emails-verified, else not proven). Never vouched for by default (review 42): a row whose
 * holder registered someone else's address at the old provider, unchecked, would otherwise come in proven, and
 * when the address's owner later signs in through a provider that links by verified email the row's password
 * and sessions stayed on the account they then use (the takeover lib/idp/link-unproven-email.test.ts keeps shut
 * for invites). Apps are told email_verified as stored.
 */
// t/f: PostgreSQL's booleans as psql's CSV writes them; 1/0: SQLite's.
const EMAIL_VERIFIED_VALUES = new Map([
  ["true", true],
  ["yes", true],
  ["t", true],
  ["1", true],
  ["false", false],
  ["no", false],
  ["f", false],
  ["0", false],
]);

/** A refusal's text: the message and each field's (the file's column names), never a value from the row. */
function describe(err: DomainError): string {
  const fields = "fieldErrors" in err ? (err.fieldErrors as FieldErrors) : {};
  const parts = Object.entries(fields).map(([field, messages]) => `${field === "auto_groups" ? "groups" : field}: ${(messages ?? []).join(", ")}`);
  return parts.length > 0 ? parts.join("; ") : err.message;
}

const blankIsNone = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());

/** The flag that turns rows without a password into invites (lib/ops/users-command.ts reads it). */
export const INVITE_WITHOUT_PASSWORD_FLAG = "--invite-without-password";

/** A row's hash: none (to invite, or refused), or the kind Latchkey verifies, or why it is refused. */
function readHash(hash: string | undefined, inviteWithoutPassword: boolean): { secret: Person["secret"] } | { problem: string } {
  if (!hash) {
    if (inviteWithoutPassword) return { secret: null };
    return { problem: `no password_hash: this person can't bring a password over; run with ${INVITE_WITHOUT_PASSWORD_FLAG} to invite them instead (they choose a password from the invite), or leave the row out` };
  }
  if (marksNoUsablePassword(hash)) {
    if (inviteWithoutPassword) return { secret: null };
    return { problem: `password_hash: this is Django's (Authentik's) mark of a person without a usable password: run with ${INVITE_WITHOUT_PASSWORD_FLAG} to invite them instead, or leave the row out` };
  }
  const kind = importedHashKind(hash);
  if (!("problem" in kind)) return { secret: { passwordHash: hash, hashKind: kind.kind } };
  // With the flag too: a hash the file has and Latchkey drops is the operator's to see, not turned into an invite unasked.
  const instead = inviteWithoutPassword ? "; a row with a hash is never invited instead: empty its password_hash to invite this person" : "";
  return { problem: `password_hash: ${kind.problem}${instead}` };
}

/** One row read as createUser's input (the same schema as the dashboard and POST /api/users), or why not. */
function readRow(row: ImportRow, emailsVerified: boolean, inviteWithoutPassword: boolean): Person | ImportLine {
  const f = row.fields;
  const who = blankIsNone(f.email) ?? blankIsNone(f.username) ?? "(no email or username)";
  const refuse = (message: string): ImportLine => ({ line: row.line, outcome: "refuse", who, message });
  const hash = readHash(blankIsNone(f.password_hash), inviteWithoutPassword);
  if ("problem" in hash) return refuse(hash.problem);
  if (!hash.secret && !blankIsNone(f.email)) {
    return refuse("no password_hash and no email: an invite goes to an email address (accepting it proves the address); give this row its email, or leave it out and make a link-only invite in Team → Invites");
  }
  const role = roleSchema.safeParse(f.role);
  if (!role.success) return refuse(`role: ${role.error.issues[0]?.message}`);
  const verified = blankIsNone(f.email_verified);
  const emailProven = verified === undefined ? emailsVerified : EMAIL_VERIFIED_VALUES.get(verified.toLowerCase());
  if (emailProven === undefined) return refuse("email_verified: true or false (yes/no, t/f, 1/0), or empty for the file's default");
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
    return { line: row.line, who, input, groupNames, secret: hash.secret, emailProven };
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
  if (byEmail) return { line: p.line, outcome: "skip", who: p.who, message: `already here: a user of this instance has this email; nothing changed for them${p.secret ? "" : " (no invite)"}` };
  if (!p.secret && (await idByBlindIndex(tx, "invite-email", accountId, emailBlindIndexes(p.input.email!)))) {
    return { line: p.line, outcome: "skip", who: p.who, message: "already invited: a pending invite has this email; nothing changed (resend, renew or withdraw it in Team → Invites)" };
  }
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

/** Ends a unit of work that only checked (the dry run's, or a batch that met a refusal), carrying its lines out. */
class RolledBack extends Error {
  constructor(readonly lines: ImportLine[]) {
    super("import batch rolled back");
  }
}

/**
 * The most people one unit of work creates (or, in the check, tries). Each unit holds the instance's write lock,
 * which every other write waits for (a sign-in's event; on SQLite a write waiting over 5 s gives up): 25 people
 * held it typically 0.05-0.1 s on SQLite and 0.2 s on PostgreSQL, at most about 1-2 s under load spikes, on a
 * loaded two-core host, where one unit for a whole 2,000-person file held it 13 s and 42 s.
 */
export const IMPORT_BATCH = 25;

/**
 * A pause between two batches' units on SQLite, so that another process's write gets the lock in between. A
 * waiting SQLite connection doesn't queue: its busy handler retries after sleeps growing to 100 ms, so a run
 * that took the lock again at once after each commit kept a server's write waiting for seconds (measured here:
 * 4.7 s and 5.4 s for one write during a 2,000-person run, against busy_timeout's 5 s). PostgreSQL queues the
 * waiters of the advisory lock: the next batch waits its turn.
 */
const SQLITE_GAP_MS = 120;
const gapForOthers = () => (dialect() === "sqlite" ? new Promise((resolve) => setTimeout(resolve, SQLITE_GAP_MS)) : Promise.resolve());

/**
 * Makes one invite in the batch's unit of work (lib/ops/users-import.ts wires lib/invites' createInviteIn: lib/users
 * doesn't import lib/invites, which builds on it). Throws the create path's refusals (DomainError).
 */
export type InviteIssuer = (
  tx: Tx,
  me: Actor,
  invite: { email: string; name: string; username?: string; role: CreateUserInput["role"]; groupIds: string[] },
  meta: RequestMeta,
) => Promise<ImportedInvite>;

export type ImportOptions = {
  apply: boolean;
  createGroups: boolean;
  /** --invite-without-password: rows without a password_hash become invites, made by `invites`. */
  inviteWithoutPassword?: boolean;
  invites?: InviteIssuer;
  /**
   * How many invites the actor may still have pending (lib/invites' bound per inviter): the lines to invite past it
   * are refused in the check, which rolls each batch back and so can't count the earlier batches' invites itself.
   */
  inviteRoom?: number;
  /** --emails-verified: the operator vouches for each address whose row leaves email_verified empty. */
  emailsVerified?: boolean;
  /** People per unit of work (IMPORT_BATCH unless a test says otherwise). */
  batchSize?: number;
  /** Tests only: runs before each --apply batch's unit of work opens (index from 0), outside any unit. */
  beforeBatch?: (index: number) => Promise<void>;
};

/**
 * The groups of a batch: their ids by name key, refusals by name key, the names created, and the roles an existing
 * group gives its members (role names by group id), which the report names: a group matched by the old system's
 * name ("Admins") may give much here.
 */
type GroupPlan = { ids: Map<string, string>; problems: Map<string, string>; created: string[]; gives: Map<string, string[]> };

/** The roles each of these groups gives its members, by group id (only the groups that give any). */
async function rolesGivenBy(tx: Tx, accountId: string, groupIds: Iterable<string>): Promise<Map<string, string[]>> {
  const gives = new Map<string, string[]>();
  for (const groupId of new Set(groupIds)) {
    const names = await roleNames(tx, accountId, await rolesGrantedByGroups(tx, accountId, [groupId]));
    if (names.length > 0) gives.set(groupId, names.sort());
  }
  return gives;
}

/**
 * Under the unit's lock: the groups the people name, by name key, and (with createGroups) the missing ones
 * created in tx. A name that is missing (without createGroups) or can't be created gets its refusal's text.
 */
async function resolveGroups(tx: Tx, me: Actor, people: Person[], createGroups: boolean, meta: RequestMeta): Promise<GroupPlan> {
  // Groups by name, compared as group names are (lib/groups/records.ts groupNameKey).
  const ids = new Map([...(await groupNamesById(tx, me.accountId))].map(([id, name]) => [groupNameKey(name), id]));
  const problems = new Map<string, string>();
  const created: string[] = [];
  for (const name of people.flatMap((p) => p.groupNames)) {
    const key = groupNameKey(name);
    if (ids.has(key) || problems.has(key)) continue;
    if (!createGroups) {
      problems.set(key, `groups: no group named "${name}" (create it first, or run with --create-groups)`);
      continue;
    }
    try {
      const group = await createGroupIn(tx, me, { name }, meta);
      ids.set(key, group.id);
      created.push(group.name);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      problems.set(key, `groups: the group "${name}" can't be created: ${describe(err)}`);
    }
  }
  const named = new Set(people.flatMap((p) => p.groupNames.map(groupNameKey)));
  const gives = await rolesGivenBy(tx, me.accountId, [...ids].filter(([key]) => named.has(key)).map(([, id]) => id));
  return { ids, problems, created, gives };
}

/**
 * A person without a password, invited in tx with the row's role and groups. The checks an account gets (the role,
 * the groups matched or created, the roles they give, said in the line) ran as for one; the invite's own (the
 * inviter rule, the email and username free) are createInviteIn's, before its first write.
 */
async function invitePerson(tx: Tx, me: Actor, p: Person, groupIds: string[], named: string, options: ImportOptions, meta: RequestMeta): Promise<ImportLine> {
  if (!options.invites) throw new Error("importUsers: inviteWithoutPassword needs options.invites");
  const issued = await options.invites(tx, me, { email: p.input.email!, name: p.input.name, username: p.input.username, role: p.input.role, groupIds }, meta);
  const username = p.input.username ? `, username ${p.input.username}` : "";
  const delivery = issued.mailed ? "the invite goes to them by mail" : "mail is off: the link is for you to hand over";
  return { line: p.line, outcome: "invite", who: p.who, message: `${p.input.role}${username}${named}; ${delivery}`, invite: issued, username: p.input.username };
}

/** One person, under the unit's lock: skipped (here already), refused, or created (or invited) in tx. */
async function importPerson(tx: Tx, me: Actor, p: Person, groups: GroupPlan, options: ImportOptions, meta: RequestMeta): Promise<ImportLine> {
  const problem = p.groupNames.map((g) => groups.problems.get(groupNameKey(g))).find(Boolean);
  if (problem) return { line: p.line, outcome: "refuse", who: p.who, message: problem };
  const here = await alreadyHere(tx, me.accountId, p);
  if (here) return here;
  const group = (name: string) => {
    const roles = groups.gives.get(groups.ids.get(groupNameKey(name))!);
    return roles ? `${name} (gives ${roles.length === 1 ? "the role" : "the roles"} ${roles.join(", ")})` : name;
  };
  const named = p.groupNames.length > 0 ? `, groups ${p.groupNames.map(group).join(", ")}` : "";
  const groupIds = [...new Set(p.groupNames.map((g) => groups.ids.get(groupNameKey(g))!))];
  try {
    if (!p.secret) return await invitePerson(tx, me, p, groupIds, named, options, meta);
    // Every check of createUserIn runs before its first write, so a refusal leaves the transaction usable.
    const input = parseOrThrow(createUserSchema, { ...p.input, auto_groups: groupIds });
    const secret = { passwordHash: p.secret.passwordHash, mustChangePassword: false, importedHash: p.secret.hashKind, emailProven: p.emailProven };
    const created = await createUserIn(tx, me, input, secret, meta);
    const unproven = created.email && !p.emailProven ? ", email not verified" : "";
    return {
      line: p.line,
      outcome: "create",
      who: p.who,
      message: `${created.role}, username ${created.username}${named}, ${p.secret.hashKind} password${unproven}`,
      username: created.username,
    };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return { line: p.line, outcome: "refuse", who: p.who, message: describe(err) };
  }
}

/**
 * One batch in its own unit of work: its groups resolved (missing ones created with createGroups), then each
 * person checked and created. Commits only when `commit` and no line is refused; otherwise rolled back.
 */
async function runBatch(actor: Actor, batch: Person[], options: ImportOptions, meta: RequestMeta, commit: boolean): Promise<{ lines: ImportLine[]; groupsCreated: string[]; committed: boolean }> {
  let groupsCreated: string[] = [];
  try {
    const lines = await write(actor, async (tx, me) => {
      const groups = await resolveGroups(tx, me, batch, options.createGroups, meta);
      groupsCreated = groups.created;
      const lines: ImportLine[] = [];
      for (const p of batch) lines.push(await importPerson(tx, me, p, groups, options, meta));
      if (!commit || lines.some((l) => l.outcome === "refuse")) throw new RolledBack(lines);
      return lines;
    });
    return { lines, groupsCreated, committed: true };
  } catch (err) {
    if (err instanceof RolledBack) return { lines: err.lines, groupsCreated, committed: false };
    throw err;
  }
}

/**
 * The check's batches are each rolled back, so a later batch can't see the usernames an earlier one would take:
 * `taken` carries them (by the blind index's normal form, line and name). A later row that names one an earlier row
 * would derive is refused here (--apply would stop at it); a later row whose derived username an earlier row takes
 * gets another at --apply, and its line says so instead of naming one it won't get. Two rows naming the same
 * username are refuseRepeats'.
 */
function seenAfterEarlierBatches(l: ImportLine, p: Person, taken: Map<string, { line: number; username: string }>): ImportLine {
  if (l.outcome !== "create" || !l.username) return l;
  const first = taken.get(usernameBlindIndexes(l.username)[0]);
  if (!first) return l;
  if (p.input.username) {
    return {
      line: l.line,
      outcome: "refuse",
      who: l.who,
      message: `username: line ${first.line} would get ${first.username} (derived, as it has none) when created before this line; give this person another username, or give line ${first.line} one of its own`,
    };
  }
  return { ...l, message: l.message.replace(`username ${l.username}`, `username derived with --apply (line ${first.line} takes ${first.username} first)`), username: undefined };
}

/**
 * Checks every row and, with `apply` and no refused line, creates the people. Never one unit of work for the
 * whole file (it would hold the write lock for seconds): the check runs batch by batch, each batch's unit rolled
 * back (the dry run; any refused line and nothing is created). With --apply, the missing groups are created in
 * one unit, then the people batch by batch, each batch checking its rows again under its own lock: someone
 * created meanwhile is skipped; a refusal (a username taken meanwhile) rolls that batch back and stops the run,
 * the earlier batches staying created (`stoppedAt`).
 */
export async function importUsers(actor: Actor, rows: ImportRow[], options: ImportOptions, meta: RequestMeta): Promise<ImportReport> {
  assertCan(actor, "users:create", "You don't have permission to manage users");
  const size = options.batchSize ?? IMPORT_BATCH;
  const read = rows.map((row) => readRow(row, options.emailsVerified === true, options.inviteWithoutPassword === true));
  const people = read.filter((r): r is Person => "input" in r);
  const results = new Map<number, ImportLine>(read.filter((r): r is ImportLine => !("input" in r)).map((r) => [r.line, r]));
  for (const [line, refusal] of refuseRepeats(people)) results.set(line, refusal);
  const ordered = () => rows.map((r) => results.get(r.line)!).filter(Boolean);
  const checked = people.filter((p) => !results.has(p.line));

  // The check: each batch as --apply would run it, rolled back. A group the file names is created (and rolled
  // back) in every batch that names it; it is reported once.
  const planned = new Map<string, string>();
  const taken = new Map<string, { line: number; username: string }>();
  for (const [index, batch] of inBatches(checked, size).entries()) {
    if (index > 0) await gapForOthers();
    const { lines, groupsCreated } = await runBatch(actor, batch, options, meta, false);
    const seen = lines.map((l) => seenAfterEarlierBatches(l, batch.find((p) => p.line === l.line)!, taken));
    for (const l of seen) {
      results.set(l.line, l);
      if (l.username && !taken.has(usernameBlindIndexes(l.username)[0])) taken.set(usernameBlindIndexes(l.username)[0], { line: l.line, username: l.username });
    }
    for (const name of groupsCreated) if (!planned.has(groupNameKey(name))) planned.set(groupNameKey(name), name);
  }
  if (options.inviteRoom !== undefined) {
    const invited = rows.map((r) => results.get(r.line)).filter((l): l is ImportLine => l?.outcome === "invite");
    for (const l of invited.slice(options.inviteRoom)) {
      results.set(l.line, {
        line: l.line,
        outcome: "refuse",
        who: l.who,
        message: `more invites than fit: ${options.inviteRoom} more may be pending at once (this file has ${invited.length} to invite); leave the rest for a later run, once some are accepted or withdrawn`,
      });
    }
  }
  const dryRun: ImportReport = { applied: false, lines: ordered(), groupsCreated: [...planned.values()] };
  if (!options.apply || dryRun.lines.some((l) => l.outcome === "refuse")) return dryRun;

  // --apply: the missing groups first, in their own unit (a group created meanwhile is used as it is; one that
  // can't be created now is refused again by the batches of the people who name it).
  const toCreate = checked.filter((p) => ["create", "invite"].includes(results.get(p.line)?.outcome ?? ""));
  const groupsCreated: string[] = [];
  if (options.createGroups && toCreate.some((p) => p.groupNames.length > 0)) {
    await write(actor, async (tx, me) => {
      groupsCreated.push(...(await resolveGroups(tx, me, toCreate, true, meta)).created);
    });
  }

  const notCreated = (p: Person, stoppedAt: number): ImportLine => ({
    line: p.line,
    outcome: "not-created",
    who: p.who,
    message: `the import stopped at line ${stoppedAt} before this line's batch committed`,
  });
  const work = inBatches(toCreate, size);
  for (const [index, batch] of work.entries()) {
    await gapForOthers();
    await options.beforeBatch?.(index);
    const { lines, committed, groupsCreated: more } = await runBatch(actor, batch, options, meta, true);
    if (committed) {
      for (const l of lines) results.set(l.line, l);
      groupsCreated.push(...more);
      continue;
    }
    // Someone changed the data between the check and this batch: its refusals stand, its other lines and every
    // later batch's are not created; the earlier batches stay created.
    const stoppedAt = lines.find((l) => l.outcome === "refuse")!.line;
    for (const l of lines) results.set(l.line, l.outcome === "refuse" ? l : notCreated(batch.find((p) => p.line === l.line)!, stoppedAt));
    for (const p of work.slice(index + 1).flat()) results.set(p.line, notCreated(p, stoppedAt));
    return { applied: true, lines: ordered(), groupsCreated, stoppedAt };
  }
  return { applied: true, lines: ordered(), groupsCreated };
}
