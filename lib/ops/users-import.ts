/**
 * `npm run users -- import <file.csv> [--apply] [--create-groups] [--emails-verified] [--invite-without-password]`:
 * reads an operator's CSV of people from another identity provider (bounded in bytes and rows, columns by header,
 * parsed by csv-parse) and hands the rows to lib/users/import.ts, which checks and creates them through the one
 * create path. Prints a line per row (what it does or would do, or why it is refused, with the file's line number)
 * and never a password hash. With --invite-without-password the rows without a password become invites through
 * lib/invites' create path (createInviteIn), mailed when mail is on, else their links printed once after --apply.
 */
import "server-only";
import fs from "node:fs";
import { CsvError, parse } from "csv-parse/sync";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { db } from "@/lib/db/database";
import { escapedDisplayText } from "@/lib/format/display-text";
import { parseOrThrow } from "@/lib/http/validation";
import { createInviteIn, inviteRoomOf } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { mailStatus } from "@/lib/mail/settings";
import {
  IMPORT_COLUMNS,
  importUsers,
  INVITE_WITHOUT_PASSWORD_FLAG,
  type ImportColumn,
  type ImportLine,
  type ImportOptions,
  type ImportRow,
  type InviteIssuer,
} from "@/lib/users/import";
import { counted } from "./counted";
import { commandLinkBase } from "./link-base";

/**
 * The largest file read (bytes) and the most people in one file: split a bigger directory into several files.
 * The write lock is held a batch at a time (lib/users/import.ts IMPORT_BATCH), however long the file: with
 * 10,000 people a batch held it at most 0.9 s on SQLite and on PostgreSQL here (a loaded two-core host; once
 * 2.9 s on PostgreSQL under heavier load), as with 2,000. This bound keeps a run to minutes (10,000: about 2 minutes to check and 2 to create on
 * PostgreSQL, 87 s to check and 93 s to create on SQLite).
 */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_PEOPLE = 10_000;
/** One row's characters at most (a name, an email, a username, a hash and some groups fit many times over). */
const MAX_RECORD_CHARS = 16_384;

export type ImportCommandResult = { code: number; lines: string[] };

const refusedFile = (lines: string[]): ImportCommandResult => ({ code: 1, lines: [...lines, "Nothing was changed."] });

/**
 * The file's rows with their line numbers, or the lines saying why the file can't be read. passwordHashOptional
 * (--invite-without-password): a file without a password_hash column (people who signed in through LDAP or an
 * external provider) is read, each row to be invited.
 */
export function readImportFile(path: string, { passwordHashOptional = false } = {}): { rows: ImportRow[] } | { refused: string[] } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch {
    return { refused: [`import refused: can't read "${path}".`] };
  }
  if (!stat.isFile()) return { refused: [`import refused: "${path}" is not a file.`] };
  if (stat.size > IMPORT_MAX_BYTES) {
    return { refused: [`import refused: the file is ${stat.size} bytes, more than ${IMPORT_MAX_BYTES} (5 MiB); split it into smaller files.`] };
  }
  const text = fs.readFileSync(path, "utf8");
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      // The header and one row more than allowed: enough to say the file is too long, and where.
      to: IMPORT_MAX_PEOPLE + 2,
      max_record_size: MAX_RECORD_CHARS,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    // csv-parse's error carries the line; its message may quote the row, so only its code is shown.
    if (err instanceof CsvError) return { refused: [`line ${String((err as CsvError & { lines?: number }).lines ?? "?")}: not valid CSV here (${err.code}).`] };
    throw err;
  }
  const [header, ...body] = records;
  if (!header) return { refused: ["import refused: the file is empty (it needs a header line: email,name,username,password_hash,role,groups,email_verified; only email or username, and password_hash, are required)."] };
  const columns = header.record.map((h) => h.trim().toLowerCase());
  const unknown = columns.filter((c) => !(IMPORT_COLUMNS as readonly string[]).includes(c));
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  const problems = [
    unknown.length > 0 ? `${unknown.length === 1 ? "an unknown column" : "unknown columns"} ${unknown.map((c) => `"${c}"`).join(", ")}` : null,
    repeated.length > 0 ? `${repeated.length === 1 ? "a column" : "columns"} given twice: ${repeated.join(", ")}` : null,
    !columns.includes("email") && !columns.includes("username") ? "an email or a username column is needed" : null,
    !columns.includes("password_hash") && !passwordHashOptional ? `a password_hash column is needed (or run with ${INVITE_WITHOUT_PASSWORD_FLAG} to invite everyone in the file)` : null,
  ].filter(Boolean);
  if (problems.length > 0) return { refused: [`line ${header.info.lines}: ${problems.join("; ")}. The columns are: ${IMPORT_COLUMNS.join(", ")}.`] };
  if (body.length > IMPORT_MAX_PEOPLE) {
    return { refused: [`line ${body[IMPORT_MAX_PEOPLE].info.lines}: more than ${IMPORT_MAX_PEOPLE} people in one file; split it into smaller files.`] };
  }
  const rows = body.map(({ record, info }) => ({
    line: info.lines,
    fields: Object.fromEntries(columns.map((c, i) => [c, record[i] ?? ""])) as Partial<Record<ImportColumn, string>>,
  }));
  if (rows.length === 0) return { refused: ["import refused: the file has a header and no people."] };
  return { rows };
}

/**
 * A report line as the terminal shows it. `who` and some messages quote the file (an email or username before it
 * is checked, a group name nobody has): each control character is written as its escape, so a row can't clear the
 * operator's screen, set its title or the clipboard (ANSI escapes), or hide its refusal behind a carriage return
 * and a made-up "created" line (review 42).
 */
function printed(l: ImportLine, applied: boolean): string {
  const verb = { create: applied ? "created" : "would create", invite: applied ? "invited" : "would invite", skip: "skipped", refuse: "REFUSED", "not-created": "not created" }[l.outcome];
  return escapedDisplayText(`line ${l.line}: ${verb} ${l.who}: ${l.message}`);
}

/** Line numbers as ranges: 2-26, 28, 30-51. */
function ranges(lines: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    out.push(j > i ? `${lines[i]}-${lines[j]}` : `${lines[i]}`);
    i = j;
  }
  return out.join(", ");
}

/**
 * lib/invites' create path for the import's rows without a password, in the batch's unit of work: the same invite as
 * Team → Invites makes (the default expiry), by the command's system actor, mailed through the outbox when mail is on.
 */
function inviteIssuer(mailOn: boolean): InviteIssuer {
  return async (tx, me, row, meta) => {
    const input = parseOrThrow(createInviteSchema, { email: row.email, name: row.name, username: row.username, role: row.role, auto_groups: row.groupIds, send_email: mailOn });
    const { invite, token } = await createInviteIn(tx, me, input, meta);
    return { token, expiresAt: invite.expiresAt, mailed: mailOn };
  };
}

/**
 * The links of the invites made with mail off, once, after --apply committed them: each a secret that lets whoever
 * holds it become that person (with their role and groups), to hand to its person only.
 */
function inviteLinks(invited: ImportLine[], base: string): string[] {
  const handed = invited.filter((l) => l.invite && !l.invite.mailed);
  if (handed.length === 0) return [];
  return [
    `Mail is off: hand each person their invite link yourself. Each link is a secret (whoever opens it first becomes that person), works once, and is shown only now:`,
    ...handed.map((l) => escapedDisplayText(`  line ${l.line}, ${l.who}: ${base}/invite?token=${encodeURIComponent(l.invite!.token)} (until ${l.invite!.expiresAt.toISOString()})`)),
  ];
}

export type ImportCommandOptions = Omit<ImportOptions, "invites"> & {
  /** --url: where the printed invite links lead (lib/ops/link-base.ts). */
  linkBase?: string | null;
};

/** Runs the import and words its report; exit code 0 done (or a clean dry run), 1 refused. */
export async function runImport(actor: Actor, path: string, commandOptions: ImportCommandOptions, meta: RequestMeta): Promise<ImportCommandResult> {
  const { linkBase, ...rest } = commandOptions;
  const file = readImportFile(path, { passwordHashOptional: rest.inviteWithoutPassword === true });
  if ("refused" in file) return refusedFile(file.refused);
  const mailOn = rest.inviteWithoutPassword === true && (await mailStatus(db(), actor.accountId)).enabled;
  const options: ImportOptions = {
    ...rest,
    ...(rest.inviteWithoutPassword ? { invites: inviteIssuer(mailOn), inviteRoom: await inviteRoomOf(actor.accountId, actor.userId) } : {}),
  };
  const report = await importUsers(actor, file.rows, options, meta);
  const count = (o: ImportLine["outcome"]) => report.lines.filter((l) => l.outcome === o).length;
  const [created, invited, skipped, refused] = [count("create"), count("invite"), count("skip"), count("refuse")];
  const lines = report.lines.map((l) => printed(l, report.applied));
  const invitedLines = report.lines.filter((l) => l.outcome === "invite");
  // Said only where the run made invites, so the wording of an import of passwords alone stays as it was.
  const toInvite = invited > 0 ? `, ${invited} to invite` : "";
  if (report.groupsCreated.length > 0) lines.push(`${report.applied ? "Groups created" : "Groups it would create"}: ${report.groupsCreated.join(", ")}.`);
  if (report.stoppedAt !== undefined) {
    const linesOf = (o: ImportLine["outcome"]) => ranges(report.lines.filter((l) => l.outcome === o).map((l) => l.line));
    return {
      code: 1,
      lines: [
        ...lines,
        `Stopped at line ${report.stoppedAt}: someone changed this instance after the check (the line above says what), so its batch was rolled back.`,
        `${counted(created, "user")} created (lines: ${created > 0 ? linesOf("create") : "none"}), ${invited > 0 ? `${counted(invited, "invite")} made (lines: ${linesOf("invite")}), ` : ""}${skipped} skipped; not created, lines: ${linesOf("not-created") || "none"}; refused, lines: ${linesOf("refuse")}.`,
        "Fix what was refused and run the same file again: the people created are skipped, and only the rest are created.",
        ...inviteLinks(invitedLines, await commandLinkBase(actor.accountId, linkBase ?? null)),
      ],
    };
  }
  if (refused > 0) {
    return refusedFile([
      ...lines,
      `${counted(refused, "line")} refused, ${created} to create${toInvite}, ${skipped} skipped. Nothing is created until every line is good: fix or remove the refused lines and run again.`,
    ]);
  }
  if (!report.applied) {
    const mailNote = invited > 0 ? (mailOn ? " The invites would go out by mail." : " Mail is off: --apply prints each invite's link for you to hand over.") : "";
    return { code: 0, lines: [...lines, `Dry run: ${created} to create${toInvite}, ${skipped} skipped. Nothing was changed; run again with --apply to ${invited > 0 ? "create and invite" : "create"} them.${mailNote}`] };
  }
  if (invited === 0) return { code: 0, lines: [...lines, `${counted(created, "user")} created, ${skipped} skipped. Each is in the activity log (user.created by ${meta.userAgent}).`] };
  const mailed = mailOn ? " The invite mails go out through the outbox (Settings → Email lists their delivery)." : "";
  return {
    code: 0,
    lines: [
      ...lines,
      `${counted(created, "user")} created, ${counted(invited, "invite")} made, ${skipped} skipped. Each is in the activity log (user.created and invite.created by ${meta.userAgent}).${mailed} Resend, renew or withdraw an invite in Team → Invites.`,
      ...inviteLinks(invitedLines, await commandLinkBase(actor.accountId, linkBase ?? null)),
    ],
  };
}
