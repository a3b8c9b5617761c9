/**
 * `npm run users -- <command>`: user management for an operator on the
 * server, without a browser. Every command goes through the same lib services
 * as the dashboard and the API, as the system actor (lib/auth/system-actor.ts)
 * labelled "npm run users", so the same rules apply (the owner can't be
 * blocked…) and every change is in the activity log, attributed to the command.
 * scripts/users.ts opens the database (refusing a wrong key) and calls this.
 */
import "server-only";
import type { RequestMeta } from "@/lib/auth/actor";
import { systemActor } from "@/lib/auth/system-actor";
import { db } from "@/lib/db/database";
import { DomainError, NotFound } from "@/lib/errors";
import { resetTwoFactor } from "@/lib/mfa/admin";
import { mailStatus } from "@/lib/mail/settings";
import { instanceAccountId } from "@/lib/instance/account";
import { revokeUserSessions } from "@/lib/users/access-control";
import { setUserBlocked } from "@/lib/users/lifecycle";
import { createPasswordResetLink, RESET_LINK_MINUTES, sendPasswordResetLink } from "@/lib/users/password-reset";
import { getUser, listUsers, userFiltersSchema } from "@/lib/users/queries";
import { findUserRowsByIdentifier, type UserRecord } from "@/lib/users/records";
import { unlockUser } from "@/lib/users/sign-in-lock";
import { commandLinkBase } from "./link-base";
import { INVITE_WITHOUT_PASSWORD_FLAG } from "@/lib/users/import";
import { runImport } from "./users-import";
import { usernamesBreakingRules } from "./username-audit";
import { counted } from "./counted";

export const USERS_COMMAND = "npm run users";
const META: RequestMeta = { ip: null, userAgent: USERS_COMMAND };

export const USERS_USAGE = [
  "Usage: npm run users -- <command> [arguments]   (DATA_DIR or DATABASE_URL names the instance; its key as for a start)",
  "  list [--search TEXT] [--limit N] [--json]     people and service users, the owner first",
  "  show <email|username|id> [--json]             one user: role, status, two-factor, sign-in lock",
  "  block <who> | unblock <who>                   blocking ends their sessions at once",
  "  unlock <who>                                  lifts a sign-in lock after too many failed attempts",
  "  reset-password <who> [--url URL]              mails a reset link, or (mail off) prints a one-time link",
  "  revoke-sessions <who> [--tokens]              signs them out everywhere (--tokens: deletes their access tokens too)",
  "  reset-two-factor <who>                        removes their authenticator, passkeys and recovery codes",
  "  check-usernames [--json]                      usernames stored before today's rules that break them (nothing is changed)",
  "  import <file.csv> [--apply] [--create-groups] [--emails-verified] [--invite-without-password] [--url URL]",
  "                                                people from another identity provider with their password hashes;",
  "                                                a dry run unless --apply (docs/operations.md, \"Moving people over\");",
  "                                                --emails-verified: you vouch for the addresses the file doesn't mark;",
  "                                                --invite-without-password: rows without a password_hash become invites",
  "                                                (mailed, or with mail off their links printed; --url: where they lead)",
].join("\n");

export type CommandResult = { code: number; lines: string[] };

function option(args: string[], name: string): string | null {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1] ?? null;
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return null;
}

/** The user an operator names by email, username or id, in the instance's account. */
async function resolve(accountId: string, who: string): Promise<UserRecord> {
  const actor = systemActor(accountId, USERS_COMMAND);
  const rows = (await findUserRowsByIdentifier(db(), who)).filter((r) => r.accountId === accountId);
  const id = rows[0]?.id ?? who;
  try {
    return await getUser(actor, id);
  } catch (err) {
    if (err instanceof NotFound) throw new NotFound(`User "${who}"`);
    throw err;
  }
}

function status(u: UserRecord): string {
  if (u.isBlocked) return "blocked";
  if (u.pendingApproval) return "pending approval";
  if (u.lockedUntil) return `sign-in locked until ${u.lockedUntil.toISOString()}`;
  return "active";
}

function summary(u: UserRecord) {
  return {
    id: u.id,
    email: u.email,
    username: u.username,
    name: u.name,
    role: u.role,
    status: status(u),
    service_user: u.isServiceUser,
    two_factor: u.mfa ? u.mfa.totp || u.mfa.passkeys > 0 : false,
    last_login: u.lastLoginAt?.toISOString() ?? null,
  };
}

/** Runs one command; never throws for a refusal (a domain error becomes exit code 1 and its message). */
export async function runUsersCommand(args: string[]): Promise<CommandResult> {
  const [command, who] = args;
  const json = args.includes("--json");
  const accountId = await instanceAccountId();
  if (!accountId) return { code: 1, lines: ["This instance has no account yet: finish setup first."] };
  const actor = systemActor(accountId, USERS_COMMAND);
  const needsWho = command !== "list" && command !== "check-usernames";
  if (!command || (needsWho && (!who || who.startsWith("--")))) return { code: 2, lines: [USERS_USAGE] };
  try {
    switch (command) {
      case "list": {
        const filters = userFiltersSchema.parse({ search: option(args, "--search") ?? undefined, limit: option(args, "--limit") ?? 100 });
        const found = await listUsers(actor, filters);
        if (json) return { code: 0, lines: [JSON.stringify(found.items.map(summary))] };
        const lines = found.items.map((u) => {
          const s = summary(u);
          return [s.id, s.email ?? "-", s.username || "-", s.name, s.role, s.status, s.two_factor ? "2fa" : "-"].join("\t");
        });
        return { code: 0, lines: ["id\temail\tusername\tname\trole\tstatus\ttwo-factor", ...lines, `${found.items.length} of ${counted(found.total, "user")}`] };
      }
      case "show": {
        const s = summary(await resolve(accountId, who));
        if (json) return { code: 0, lines: [JSON.stringify(s)] };
        return { code: 0, lines: Object.entries(s).map(([k, v]) => `${k}: ${v ?? "-"}`) };
      }
      case "block":
      case "unblock": {
        const target = await resolve(accountId, who);
        const after = await setUserBlocked(actor, target.id, command === "block", META);
        return { code: 0, lines: [`${after.email ?? after.username} is ${after.isBlocked ? "blocked (their sessions ended)" : "unblocked"}.`] };
      }
      case "unlock": {
        const target = await resolve(accountId, who);
        const result = await unlockUser(actor, target.id, META);
        const what = result.was_locked || result.delays_cleared ? "sign-in unlocked" : "sign-in was not locked; nothing to do";
        return { code: 0, lines: [`${target.email ?? target.username}: ${what}.`] };
      }
      case "revoke-sessions": {
        const target = await resolve(accountId, who);
        const result = await revokeUserSessions(actor, target.id, { revoke_tokens: args.includes("--tokens") }, META);
        return { code: 0, lines: [`${target.email ?? target.username}: ${counted(result.revoked, "session")} ended, ${counted(result.tokens_deleted, "access token")} deleted.`] };
      }
      case "reset-two-factor": {
        const target = await resolve(accountId, who);
        const result = await resetTwoFactor(actor, target.id, META);
        return { code: 0, lines: [`${target.email ?? target.username}: two-factor sign-in reset, ${counted(result.sessionsEnded, "session")} ended.`] };
      }
      case "reset-password": {
        const target = await resolve(accountId, who);
        const mail = await mailStatus(db(), accountId);
        if (mail.enabled && target.email) {
          const sent = await sendPasswordResetLink(actor, target.id, META);
          return { code: 0, lines: [sent.message] };
        }
        const base = await commandLinkBase(accountId, option(args, "--url"));
        const link = await createPasswordResetLink(actor, target.id, META);
        return {
          code: 0,
          lines: [
            `Mail is off: give this one-time link to ${target.email ?? target.username} yourself. It works once, for ${RESET_LINK_MINUTES} minutes:`,
            `  ${base}/reset-password?token=${encodeURIComponent(link.token)}`,
            `It expires at ${link.expiresAt.toISOString()}. Any older unused link no longer works. This is recorded in the activity log.`,
          ],
        };
      }
      case "import":
        return await runImport(
          actor,
          who,
          {
            apply: args.includes("--apply"),
            createGroups: args.includes("--create-groups"),
            emailsVerified: args.includes("--emails-verified"),
            inviteWithoutPassword: args.includes(INVITE_WITHOUT_PASSWORD_FLAG),
            linkBase: option(args, "--url"),
          },
          META,
        );
      case "check-usernames": {
        const found = await usernamesBreakingRules(accountId);
        if (json) return { code: 0, lines: [JSON.stringify(found)] };
        if (found.length === 0) return { code: 0, lines: ["Every stored username keeps today's rules."] };
        return {
          code: 0,
          lines: [
            "holder\tid\tusername\temail\tproblem",
            ...found.map((f) => [f.holder, f.id, f.username, f.email ?? "-", f.problem].join("\t")),
            `${counted(found.length, "username")} ${found.length === 1 ? "breaks" : "break"} today's rules. They still sign in; rename one on the person's page or with PUT /api/users/{id} (an invite: revoke it and invite again).`,
          ],
        };
      }
      default:
        return { code: 2, lines: [`Unknown command "${command}".`, USERS_USAGE] };
    }
  } catch (err) {
    if (err instanceof DomainError) return { code: 1, lines: [`users ${command} refused: ${err.message}. Nothing was changed.`] };
    throw err;
  }
}
