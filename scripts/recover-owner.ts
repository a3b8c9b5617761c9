// `npm run recover-owner -- --email X [--url https://id.example.com]` (without --url, the link starts with the
// instance's public address: lib/ops/link-base.ts): for an
// owner who is locked out (lost password, a provider rule that no longer lets
// them in): prints a one-time link, valid 15 minutes, where they set a new
// password. With --reset-two-factor it also removes the owner's second
// factors (authenticator app, recovery codes), for an owner who lost their
// device: the next sign-in asks for the password only. With --revoke-tokens it also signs the owner out
// everywhere and deletes their access tokens, for an owner locked out by someone who took the account: a
// new password alone leaves the tokens working (they act on their own). Without it, it says how many
// tokens the owner holds. Recorded in the activity log. It needs the data directory (or
// DATABASE_URL) and the key, so only someone on the server can run it.
// Exit code 0 when a link was issued, 1 when refused, 2 when it can't run.
import { instanceDataDir } from "./support/instance-data";
import { counted } from "../lib/ops/counted";

const USAGE = "Usage: npm run recover-owner -- --email owner@example.com [--url https://id.example.com] [--reset-two-factor] [--revoke-tokens]   (DATA_DIR or DATABASE_URL names the instance)";

function option(args: string[], name: string): string | null {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1] ?? null;
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return null;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const email = option(args, "--email");
  if (!email) {
    console.error(USAGE);
    return 2;
  }
  if (!instanceDataDir()) return 2;
  // Domain-effect reactions (a two-factor reset ends sessions through them), as the server registers them.
  await import("../lib/reactions");
  const { closeDatabase, openDatabase } = await import("../lib/db/database");
  const { issueOwnerRecoveryLink, RECOVERY_LINK_MINUTES } = await import("../lib/users/owner-recovery");
  const { resetTwoFactorBySystem } = await import("../lib/mfa/admin");
  const { systemActor } = await import("../lib/auth/system-actor");
  const { revokeUserSessions } = await import("../lib/users/access-control");
  const { tokenCountsByUser } = await import("../lib/tokens/queries");
  const { NotFound } = await import("../lib/errors");
  const { commandLinkBase } = await import("../lib/ops/link-base");
  const resetTwoFactor = args.includes("--reset-two-factor");
  const revokeTokens = args.includes("--revoke-tokens");
  await openDatabase();
  try {
    const link = await issueOwnerRecoveryLink(email);
    if (resetTwoFactor) {
      const reset = await resetTwoFactorBySystem(link.accountId, link.userId, "npm run recover-owner");
      console.log(
        reset.hadFactor
          ? `Two-factor sign-in of the owner reset: their authenticator, passkeys and recovery codes are removed (${counted(reset.sessionsEnded, "session")} ended).`
          : "The owner had no two-factor sign-in set up; nothing to reset.",
      );
    }
    const command = systemActor(link.accountId, "npm run recover-owner");
    if (revokeTokens) {
      const ended = await revokeUserSessions(command, link.userId, { revoke_tokens: true }, { ip: null, userAgent: "npm run recover-owner" });
      console.log(`The owner is signed out everywhere: ${counted(ended.revoked, "session")} ended, ${counted(ended.tokens_deleted, "access token")} deleted.`);
    } else {
      // Counted, not listed: a token's name is whatever whoever holds the account typed.
      const held = (await tokenCountsByUser(command, [link.userId])).get(link.userId) ?? 0;
      if (held > 0) {
        console.log(`The owner holds ${counted(held, "access token")}; a new password leaves ${held === 1 ? "it" : "them"} working.`);
        console.log("  If someone else took the account, run this again with --revoke-tokens (it signs the owner out everywhere and deletes them).");
      }
    }
    const base = await commandLinkBase(link.accountId, option(args, "--url"));
    console.log(`Recovery link for the owner (user ${link.userId}), valid ${RECOVERY_LINK_MINUTES} minutes, once:`);
    console.log(`  ${base}/recover?token=${link.token}`);
    console.log(`It expires at ${link.expiresAt.toISOString()}. Any older unused link no longer works. This is recorded in the activity log.`);
    return 0;
  } catch (err) {
    if (err instanceof NotFound) {
      console.error("recover-owner refused: no owner has this email. Nothing was changed.");
      return 1;
    }
    throw err;
  } finally {
    await closeDatabase();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`recover-owner failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
