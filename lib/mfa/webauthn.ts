/**
 * What every passkey ceremony shares: the relying party (RP ID and origin,
 * from the configured public address, never from a request's headers, which
 * a client or a proxy could forge) and the challenges. A challenge is stored
 * only as a digest, bound to what asked for it (the signed-in user, the
 * pending second step, or the browser's passkey cookie), lives five minutes
 * and is taken (deleted) when answered, right or wrong: it works once.
 */
import "server-only";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { digestToken } from "@/lib/crypto/secret-tokens";
import type { Db, Tx } from "@/lib/db/database";
import { mfaWebauthnChallenges } from "@/lib/db/schema";
import { PreconditionFailed } from "@/lib/errors";
import { publicUrlOf } from "@/lib/instance/public-url";

export const CHALLENGE_TTL_MS = 5 * 60_000;
export const PASSKEYS_NEED_PUBLIC_URL =
  "Passkeys need this instance's public address. Set PUBLIC_URL (or the public address in Settings → Email) to the address people open, then try again.";

export type RelyingParty = { id: string; origin: string; name: string };

/** The relying party, or null when no public address is configured. */
export async function relyingPartyOrNull(q: Db | Tx, accountId: string): Promise<RelyingParty | null> {
  const url = await publicUrlOf(q, accountId);
  if (!url) return null;
  const parsed = new URL(url);
  return { id: parsed.hostname, origin: parsed.origin, name: "Latchkey" };
}

export async function relyingParty(q: Db | Tx, accountId: string): Promise<RelyingParty> {
  const rp = await relyingPartyOrNull(q, accountId);
  if (!rp) throw new PreconditionFailed(PASSKEYS_NEED_PUBLIC_URL);
  return rp;
}

export type ChallengePurpose = "register" | "second_step" | "passwordless";
type Binding = { purpose: ChallengePurpose; userId?: string; bindingDigest?: string };

function bound(b: Binding) {
  return and(
    eq(mfaWebauthnChallenges.purpose, b.purpose),
    b.userId ? eq(mfaWebauthnChallenges.userId, b.userId) : isNull(mfaWebauthnChallenges.userId),
    b.bindingDigest ? eq(mfaWebauthnChallenges.bindingDigest, b.bindingDigest) : isNull(mfaWebauthnChallenges.bindingDigest),
  );
}

/** Keeps the challenge just issued; an earlier one with the same binding (and any expired one) goes. */
export async function storeChallenge(tx: Tx, accountId: string, binding: Binding, challenge: string, now: Date): Promise<void> {
  await tx.delete(mfaWebauthnChallenges).where(or(bound(binding), lt(mfaWebauthnChallenges.expiresAt, now)));
  await tx.insert(mfaWebauthnChallenges).values({
    challengeDigest: digestToken(challenge),
    accountId,
    purpose: binding.purpose,
    userId: binding.userId ?? null,
    bindingDigest: binding.bindingDigest ?? null,
    expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
    createdAt: now,
  });
}

/**
 * Takes the challenge issued for this binding (it is deleted whatever comes
 * next) and returns a check for the library: the answer must carry exactly
 * that challenge. Null when none is waiting or it expired.
 */
export async function takeChallenge(tx: Tx, binding: Binding, now: Date): Promise<((challenge: string) => boolean) | null> {
  const taken = await tx
    .delete(mfaWebauthnChallenges)
    .where(bound(binding))
    .returning({ digest: mfaWebauthnChallenges.challengeDigest, expiresAt: mfaWebauthnChallenges.expiresAt });
  const live = taken.find((t) => t.expiresAt > now);
  if (!live) return null;
  return (challenge) => digestToken(challenge) === live.digest;
}
