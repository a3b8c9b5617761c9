/**
 * The provider's signing keys: one ES256 (the default for ID tokens) and one
 * RS256 (for apps that only verify RSA) key signing at a time. Generated on
 * first start with Node's crypto, the private JWK sealed at rest
 * (lib/crypto/aead; table oidc_signing_keys, column private_jwk, row = kid).
 *
 * Rotation: a key signs for SIGNING_DAYS; a new one is made before that ends
 * and the old one stays in the JWKS for PUBLISHED_AFTER_DAYS more (longer than
 * any token it signed lives: ID tokens live an hour), then it is deleted.
 * Rotation runs under a lease, so one replica rotates however many run; the
 * others pick the new set up through the cache version "oidc.signing_keys".
 */
import "server-only";
import crypto from "node:crypto";
import { lte } from "drizzle-orm";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import { bumpCacheVersion } from "@/lib/data/cache-version";
import { withLease } from "@/lib/data/lease";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { oidcSigningKeys } from "@/lib/db/schema";

export const SIGNING_KEYS_VERSION = "oidc.signing_keys";
export const SIGNING_ALGS = ["ES256", "RS256"] as const;
type SigningAlg = (typeof SIGNING_ALGS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long a key signs. */
export const SIGNING_DAYS = 90;
/** How long a retired key stays published. */
export const PUBLISHED_AFTER_DAYS = 7;
/** A new key is made this long before the current one retires, so every replica publishes it before it signs. */
const ROLL_AHEAD_DAYS = 2;

export type PrivateJwk = crypto.JsonWebKey & { kid: string; alg: SigningAlg; use: "sig" };

const sealContext = (kid: string) => ({ table: "oidc_signing_keys", column: "private_jwk", rowId: kid });

function generate(alg: SigningAlg): PrivateJwk {
  const pair =
    alg === "ES256"
      ? crypto.generateKeyPairSync("ec", { namedCurve: "P-256" })
      : crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = pair.privateKey.export({ format: "jwk" });
  return { ...jwk, kid: crypto.randomUUID(), alg, use: "sig" };
}

/**
 * Makes the keys that are due: none yet for an algorithm, or the newest one
 * retires within ROLL_AHEAD_DAYS. Drops keys past their publication. Returns
 * how many keys were made. Callers run it under the lease (ensureSigningKeys).
 */
export async function rotateSigningKeys(now = new Date()): Promise<number> {
  return writeSystem(async (tx) => {
    const rows = await tx.select({ alg: oidcSigningKeys.alg, retiresAt: oidcSigningKeys.retiresAt }).from(oidcSigningKeys);
    let made = 0;
    for (const alg of SIGNING_ALGS) {
      const newest = rows.filter((r) => r.alg === alg).reduce<number>((latest, r) => Math.max(latest, r.retiresAt.getTime()), 0);
      if (newest - now.getTime() > ROLL_AHEAD_DAYS * DAY_MS) continue;
      const key = generate(alg);
      // The new key starts signing when the current one retires (or now, for the first key).
      const startsAt = Math.max(now.getTime(), newest);
      const retiresAt = new Date(startsAt + SIGNING_DAYS * DAY_MS);
      await tx.insert(oidcSigningKeys).values({
        kid: key.kid,
        alg,
        privateJwkCiphertext: encryptField(JSON.stringify(key), sealContext(key.kid)),
        createdAt: new Date(startsAt),
        retiresAt,
        expiresAt: new Date(retiresAt.getTime() + PUBLISHED_AFTER_DAYS * DAY_MS),
      });
      made += 1;
    }
    const dropped = await tx.delete(oidcSigningKeys).where(lte(oidcSigningKeys.expiresAt, now)).returning({ kid: oidcSigningKeys.kid });
    if (made > 0 || dropped.length > 0) await bumpCacheVersion(tx, SIGNING_KEYS_VERSION);
    return made;
  });
}

/** Rotation under the lease, so only one replica makes keys (start-up and the daily job). */
export async function ensureSigningKeys(now = new Date()): Promise<void> {
  await withLease("oidc.signing-keys", 60_000, () => rotateSigningKeys(now));
}

/**
 * The key set the provider is given, in the order it signs with: for each
 * algorithm the key that signs now first (the provider signs with the first
 * key of an algorithm), then the others still published (retired ones, and
 * the next one, which verifiers may already fetch).
 */
export async function loadSigningKeys(now = new Date()): Promise<PrivateJwk[]> {
  return (await loadSigningKeySet(now)).keys;
}

/**
 * loadSigningKeys's keys, and `changesAt`: the next moment that set or its order changes with nothing written (a
 * key starts signing, retires or leaves the JWKS), after which a provider built from it must be built again; null
 * when no key will change.
 */
export async function loadSigningKeySet(now = new Date()): Promise<{ keys: PrivateJwk[]; changesAt: number | null }> {
  const rows = await db().select().from(oidcSigningKeys);
  const t = now.getTime();
  const rank = (r: (typeof rows)[number]) => {
    if (r.createdAt.getTime() <= t && r.retiresAt.getTime() > t) return 0; // signing now
    return r.createdAt.getTime() > t ? 1 : 2; // next, then retired
  };
  const published = rows.filter((r) => r.expiresAt.getTime() > t);
  const moments = published.flatMap((r) => [r.createdAt, r.retiresAt, r.expiresAt].map((d) => d.getTime()).filter((m) => m > t));
  return {
    keys: published
      .sort((a, b) => rank(a) - rank(b) || b.createdAt.getTime() - a.createdAt.getTime())
      .map((r) => JSON.parse(decryptField(r.privateJwkCiphertext, sealContext(r.kid))) as PrivateJwk),
    changesAt: moments.length > 0 ? Math.min(...moments) : null,
  };
}
