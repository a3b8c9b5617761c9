/**
 * Proof that whoever changes a person's second factors is that person, and not someone who holds one of
 * their sessions (a cookie taken from an unlocked laptop, a session left open). A passkey signs in on its
 * own, and an authenticator app or recovery codes pass the second step: each outlives every way the
 * person takes their account back (a new password, "sign out everywhere else", an admin's reset). So
 * adding a passkey or an app, removing one, and making new recovery codes all ask for it, and so does a
 * session creating an access token for its own person (lib/tokens/personal-tokens.ts: a token, too, acts
 * on its own and outlives a new password and "sign out everywhere else"), an owner's session making
 * someone else the owner (lib/users/lifecycle.ts updateUser: the account is theirs for good), and a
 * session moving where the account's mail goes (lib/mail/settings.ts: reset links and security notices
 * would follow it):
 * - the current password, when the account has one (`assertKnowsCurrentPassword`: one guessing limit
 *   with the password and email changes);
 * - else (LDAP, external providers) a current code from the authenticator app, when there is one; the
 *   code is used up, and a wrong one counts with the sign-in's second step (./code-guesses.ts);
 * - else a sign-in within the last RECENT_SIGN_IN_MINUTES: nothing can be typed, so signing in again (at
 *   the provider, the directory or with a passkey) is the proof.
 */
import "server-only";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { factorProofSchema } from "./proof-schema";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { mfaTotp, type UserRow } from "@/lib/db/schema";
import { Invalid, NotFound, PreconditionFailed } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { passwordChangeLimit } from "@/lib/security/limits";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { sessionSignedInAt } from "@/lib/sessions/sessions";
import { assertKnowsCurrentPassword, ProofMissing } from "@/lib/users/password";
import { findUserRow, openIdentity, userLabel } from "@/lib/users/records";
import { CODE_REQUIRED, RECENT_SIGN_IN_MINUTES, SIGN_IN_AGAIN, WRONG_TOTP_CODE, type FactorChange, type ProofKind } from "./proof-texts";
import { openTotpSecret, totpRow } from "./records";
import { acceptedTotpStep } from "./totp";
import { admitCodeGuess, tooManyWrongCodes } from "./code-guesses";
import { config } from "@/lib/config";
import { recordSignInSuccess, type AttemptKeys } from "@/lib/security/sign-in-throttle";

export { factorProofSchema, type FactorProof } from "./proof-schema";
export { RECENT_SIGN_IN_MINUTES, WRONG_TOTP_CODE, type FactorChange, type ProofKind } from "./proof-texts";


export async function proofKindOf(userId: string, hasLocalPassword: boolean): Promise<ProofKind> {
  if (hasLocalPassword) return "password";
  return (await totpRow(db(), userId))?.confirmedAt ? "code" : "recent_sign_in";
}

/** What the actor would give to prove it's them, for a page that asks it of someone other than the person shown. */
export async function ownProofKind(actor: Actor): Promise<ProofKind> {
  const row = await findUserRow(db(), actor.accountId, actor.userId);
  if (!row) throw new NotFound("User");
  return proofKindOf(row.id, row.passwordHash !== null);
}

/**
 * Refuses unless the input proves the actor is the person (see above). Counted before the check, per
 * person, with the password change's limit. A refusal is recorded (`mfa.proof.failed`, with the change
 * asked for): someone holding the session without the password shows up in the activity log. An empty
 * password or code is neither counted nor recorded (ProofMissing): nothing was tried. Returns
 * the person's row. `passwordField` names the field a wrong password is reported on, for a form whose
 * "password" is something else (Settings → Email's SMTP password).
 */
export async function assertProvesItsThem(actor: Actor, input: unknown, change: FactorChange, meta: RequestMeta, now = new Date(), passwordField = "password"): Promise<UserRow> {
  const { password, code } = parseOrThrow(factorProofSchema, input ?? {});
  const row = await findUserRow(db(), actor.accountId, actor.userId);
  if (!row) throw new NotFound("User");
  try {
    await assertProof(actor, row, { password, code }, meta, now, passwordField);
  } catch (err) {
    if ((err instanceof Invalid && !(err instanceof ProofMissing)) || err instanceof PreconditionFailed) await recordRefusal(actor, row, change, err, meta, now, passwordField);
    throw err;
  }
  return row;
}

async function assertProof(actor: Actor, row: UserRow, { password, code }: { password: string; code: string }, meta: RequestMeta, now: Date, passwordField: string): Promise<void> {
  if (row.passwordHash) {
    await assertKnowsCurrentPassword(actor, { ...row, passwordHash: row.passwordHash }, password, passwordField, meta, now);
    return;
  }
  const totp = await totpRow(db(), row.id);
  // No code typed is no guess: refused before the limit counts it (ProofMissing, as an empty password).
  if (totp?.confirmedAt && !code.trim()) throw new ProofMissing(CODE_REQUIRED, "code");
  await consumeRateLimit(passwordChangeLimit(), `${actor.accountId}:${row.id}`);
  if (totp?.confirmedAt) {
    // A guess at the code like one at the sign-in's second step, counted with it (./code-guesses.ts).
    const { keys, waitSeconds } = await admitCodeGuess(actor.accountId, row.id, meta, now, config().signIn);
    if (waitSeconds > 0) throw tooManyWrongCodes(waitSeconds);
    const step = acceptedTotpStep(openTotpSecret(totp), code, now, totp.lastUsedStep);
    // Used up, as at sign-in: a code seen over the person's shoulder doesn't prove it twice.
    if (step === null || !(await useTotpStep(actor.accountId, row.id, step, now, keys))) throw new Invalid(WRONG_TOTP_CODE, { code: [WRONG_TOTP_CODE] });
    return;
  }
  const signedInAt = actor.kind === "session" ? await sessionSignedInAt(actor.accountId, actor.sessionId) : null;
  if (!signedInAt || now.getTime() - signedInAt.getTime() > RECENT_SIGN_IN_MINUTES * 60_000) throw new PreconditionFailed(SIGN_IN_AGAIN);
}

async function recordRefusal(actor: Actor, row: UserRow, change: FactorChange, err: Invalid | PreconditionFailed, meta: RequestMeta, at: Date, passwordField: string) {
  const reason = err instanceof PreconditionFailed ? "sign_in_not_recent" : passwordField in err.fieldErrors ? "password" : "code";
  const party = { type: "user" as const, id: row.id, label: userLabel(openIdentity(row)) };
  await writeSystem((tx) => recordEvent(tx, { accountId: actor.accountId, action: "mfa.proof.failed", actor: party, target: party, details: { change, reason }, meta, at }));
}

/**
 * Marks the step used unless it (or a later one) already is, and forgives the person's code guesses (the right
 * code, as at sign-in); false when another request took it first.
 */
async function useTotpStep(accountId: string, userId: string, step: number, now: Date, keys: AttemptKeys): Promise<boolean> {
  return writeSystem(async (tx) => {
    const taken = await tx
      .update(mfaTotp)
      .set({ lastUsedStep: step, lastUsedAt: now })
      .where(and(eq(mfaTotp.userId, userId), or(isNull(mfaTotp.lastUsedStep), lt(mfaTotp.lastUsedStep, step))))
      .returning({ userId: mfaTotp.userId });
    if (taken.length !== 1) return false;
    await recordSignInSuccess(tx, keys, accountId);
    return true;
  });
}
