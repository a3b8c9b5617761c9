/**
 * Password hashes brought from another identity provider (`npm run users -- import`, lib/users/import.ts): which
 * forms Latchkey takes, at what cost, and how a PBKDF2 one is checked. bcrypt and argon2 are verified by their
 * libraries in ./passwords.ts; PBKDF2 (Keycloak's default before Keycloak 25, Authentik's and Django's) here, with
 * node:crypto. Every form and bound is written once, in this file: the import refuses a hash outside them with a
 * message that never repeats it, and a stored hash outside them fails its verification.
 *
 * The PBKDF2 forms:
 * - Django's (Authentik's): `pbkdf2_sha256$<iterations>$<salt>$<base64 key>`. The salt is text, used as its UTF-8
 *   bytes; the key is 32 bytes in padded base64 (Django's PBKDF2PasswordHasher; its pbkdf2_sha1 hasher is not
 *   Authentik's and not Django's default since 1.4, so it is refused rather than guessed at).
 * - PHC-style, which docs/operations.md's jq command writes from Keycloak's credentials:
 *   `$pbkdf2-<sha1|sha256|sha512>$i=<iterations>[,l=<key bytes>]$<salt>$<key>`, salt and key in unpadded standard
 *   base64 (the PHC string format's B64). Ory Kratos documents this shape for its PBKDF2 imports, and it carries
 *   what a check needs: Keycloak's key length varies (64 bytes now, 32 in older exports), and its verification
 *   takes it from the stored key, as this one does.
 */
import "server-only";
import crypto from "node:crypto";
import { promisify } from "node:util";

const pbkdf2 = promisify(crypto.pbkdf2);

/**
 * Bounds on a hash brought from another system: verifying it is a sign-in's work, and anyone who knows the person's
 * email can ask for it with a wrong password, each attempt holding one of the few hash slots (./password-queue.ts)
 * while every other sign-in waits (review 42). So a check may cost well under a second on a two-core host, against
 * 28 ms for Latchkey's own argon2id (m=19 MiB, t=2). Measured there:
 * - bcrypt: cost 13 0.4 s, 14 0.9 s, 16 4.3 s; 14 is kept (Zitadel's default cost; most exports are 10-12).
 * - argon2: about 0.7 µs per KiB and pass, so memory × time at most 512 Ki (256 MiB × 2, 64 MiB × 8: 0.4 s), where
 *   256 MiB × 16 took 4.4 s. Common exports fit: Django's (100 MiB × 2), Bitwarden's (64 MiB × 3), Keycloak's
 *   (7 MiB × 5). The memory bound stays apart, since argon2's memory is allocated per check.
 * - PBKDF2 costs iterations × the key's blocks of the digest's size. pbkdf2Work: 2,000,000 HMAC computations at most, above every default these systems use: Keycloak's
 *   pbkdf2-sha256 at 600,000 iterations with its 64-byte key (two 32-byte blocks: 1,200,000; 27,500 before
 *   Keycloak 24), its pbkdf2-sha512 at 210,000, Django's (Authentik's), which grows with each Django release
 *   (260,000 in 3.2, 1,000,000 in 5.2), with headroom for the next ones. Measured here on one core: 1,200,000 of
 *   SHA-256 in 0.25 s; 2,000,000 of SHA-512 take about 1.1 s. Keycloak's deprecated SHA-1 provider at its
 *   1,300,000 iterations with a 64-byte key (four 20-byte blocks: 5,200,000, 1.1 s a check) is over.
 * - pbkdf2Iterations.min: RFC 8018's recommended minimum of 1,000. A hash that much cheaper to guess would sit
 *   in the database (and its backups) until its owner's next sign-in: invite those people instead.
 * - Salt and key lengths: a salt of 8 to 64 bytes (Keycloak's is 16, Django's 22 or 12 characters), a key of
 *   16 to 128 bytes (Keycloak's 32 or 64, Django's 32).
 */
export const IMPORTED_HASH_LIMITS = {
  bcryptCost: { min: 4, max: 14 },
  argon2MemoryKiB: 262_144,
  argon2MemoryTimesTime: 524_288,
  argon2Time: 16,
  argon2Parallelism: 16,
  pbkdf2Iterations: { min: 1_000 },
  pbkdf2Work: 2_000_000,
  pbkdf2SaltBytes: { min: 8, max: 64 },
  pbkdf2KeyBytes: { min: 16, max: 128 },
} as const;

export type ImportedHashKind = "bcrypt" | "argon2" | "pbkdf2";

const IMPORTED_BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
// PHC string: version 19 (1.3) or 16 (1.0: Keycloak's argon2 provider offers it; node-argon2 verifies
// BouncyCastle's 1.0 output, checked with test/imported-hash-vectors/MakeVectors.java), the parameters m, t and p
// once each (the reference library writes m,t,p; node-argon2 m,p,t), salt and hash in unpadded base64.
const IMPORTED_ARGON2 = /^\$argon2(?:id|i|d)\$v=(?:16|19)\$([mtp]=\d{1,7},[mtp]=\d{1,7},[mtp]=\d{1,7})\$[A-Za-z0-9+/]{11,88}\$[A-Za-z0-9+/]{16,172}$/;

const PBKDF2_DIGEST_BYTES = { sha1: 20, sha256: 32, sha512: 64 } as const;
type Pbkdf2Digest = keyof typeof PBKDF2_DIGEST_BYTES;
type Pbkdf2Hash = { digest: Pbkdf2Digest; iterations: number; salt: Buffer; key: Buffer };

// Django's salt: printable ASCII without "$" (its hasher refuses a "$" in a salt).
const DJANGO_PBKDF2 = /^pbkdf2_sha256\$(\d{1,9})\$([\x21-\x23\x25-\x7e]{1,200})\$([A-Za-z0-9+/]{43}=)$/;
const PHC_PBKDF2 = /^\$pbkdf2-(sha1|sha256|sha512)\$i=(\d{1,9})(?:,l=(\d{1,4}))?\$([A-Za-z0-9+/]{1,400})\$([A-Za-z0-9+/]{1,400})$/;

/** Whether this is one of the PBKDF2 forms (well-formed or not): ./passwords.ts sends it to verifyPbkdf2. */
export function isPbkdf2Hash(hash: string): boolean {
  return /^(pbkdf2_|\$pbkdf2-)/.test(hash);
}

/** Base64 that decodes to exactly what it says (no stray characters or bits), or null. */
function strictBase64(text: string): Buffer | null {
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64").replace(/=+$/, "") === text.replace(/=+$/, "") ? bytes : null;
}

/** A PBKDF2 hash's parts, or why it can't be one Latchkey verifies. */
function readPbkdf2(hash: string): { hash: Pbkdf2Hash } | { problem: string } {
  const django = DJANGO_PBKDF2.exec(hash);
  if (django) {
    const key = strictBase64(django[3]);
    if (!key) return { problem: "this PBKDF2 hash's key is not valid base64" };
    return withinBounds({ digest: "sha256", iterations: Number(django[1]), salt: Buffer.from(django[2], "utf8"), key });
  }
  const phc = PHC_PBKDF2.exec(hash);
  if (phc) {
    const [salt, key] = [strictBase64(phc[4]), strictBase64(phc[5])];
    if (!salt || !key) return { problem: "this PBKDF2 hash's salt or key is not valid unpadded base64" };
    if (phc[3] !== undefined && Number(phc[3]) !== key.length) return { problem: `this PBKDF2 hash says l=${Number(phc[3])} but its key is ${key.length} bytes` };
    return withinBounds({ digest: phc[1] as Pbkdf2Digest, iterations: Number(phc[2]), salt, key });
  }
  if (/^pbkdf2_sha1\$/.test(hash)) return { problem: "this is Django's pbkdf2_sha1 form, which neither Authentik nor Django writes by default; Latchkey verifies Django's pbkdf2_sha256" };
  return {
    problem:
      "this PBKDF2 hash is malformed: Latchkey verifies Django's and Authentik's pbkdf2_sha256$<iterations>$<salt>$<hash> and $pbkdf2-<sha1|sha256|sha512>$i=<iterations>$<salt>$<hash> (the form docs/operations.md's Keycloak export writes)",
  };
}

function withinBounds(h: Pbkdf2Hash): { hash: Pbkdf2Hash } | { problem: string } {
  const limits = IMPORTED_HASH_LIMITS;
  const { min: saltMin, max: saltMax } = limits.pbkdf2SaltBytes;
  const { min: keyMin, max: keyMax } = limits.pbkdf2KeyBytes;
  if (h.salt.length < saltMin || h.salt.length > saltMax) return { problem: `a PBKDF2 hash's salt must be ${saltMin} to ${saltMax} bytes (this one's is ${h.salt.length})` };
  if (h.key.length < keyMin || h.key.length > keyMax) return { problem: `a PBKDF2 hash's key must be ${keyMin} to ${keyMax} bytes (this one's is ${h.key.length})` };
  if (h.iterations < limits.pbkdf2Iterations.min) return { problem: `a PBKDF2 hash's iterations must be at least ${limits.pbkdf2Iterations.min} (this one's are ${h.iterations})` };
  const work = h.iterations * Math.ceil(h.key.length / PBKDF2_DIGEST_BYTES[h.digest]);
  if (work > limits.pbkdf2Work) {
    return { problem: `a PBKDF2 hash's cost (iterations × the key's ${h.digest} blocks) must be at most ${limits.pbkdf2Work} (this one's is ${work}): each sign-in would pay it` };
  }
  return { hash: h };
}

/**
 * What kind of hash this is when ./passwords.ts verifyPassword checks it (bcrypt `$2a$`/`$2b$`/`$2y$`, PHC
 * `$argon2id$`/`$argon2i$`/`$argon2d$`, PBKDF2 in the forms above) at a sane cost, or why it is refused. The
 * message never repeats the hash.
 */
export function importedHashKind(hash: string): { kind: ImportedHashKind } | { problem: string } {
  const bcryptMatch = IMPORTED_BCRYPT.exec(hash);
  if (bcryptMatch) {
    const cost = Number(bcryptMatch[1]);
    const { min, max } = IMPORTED_HASH_LIMITS.bcryptCost;
    if (cost < min || cost > max) return { problem: `a bcrypt hash's cost must be between ${min} and ${max} (this one's is ${cost})` };
    return { kind: "bcrypt" };
  }
  const argonMatch = IMPORTED_ARGON2.exec(hash);
  if (argonMatch) {
    const params = new Map(argonMatch[1].split(",").map((kv) => [kv[0], Number(kv.slice(2))]));
    if (params.size !== 3) return { problem: "an argon2 hash names each of m, t and p once" };
    const [m, t, p] = [params.get("m")!, params.get("t")!, params.get("p")!];
    const limits = IMPORTED_HASH_LIMITS;
    if (p < 1 || p > limits.argon2Parallelism) return { problem: `an argon2 hash's parallelism must be between 1 and ${limits.argon2Parallelism}` };
    if (t < 1 || t > limits.argon2Time) return { problem: `an argon2 hash's time cost must be between 1 and ${limits.argon2Time}` };
    if (m < 8 * p || m > limits.argon2MemoryKiB) return { problem: `an argon2 hash's memory must be between 8×parallelism and ${limits.argon2MemoryKiB} KiB` };
    if (m * t > limits.argon2MemoryTimesTime) {
      return { problem: `an argon2 hash's memory × time cost must be at most ${limits.argon2MemoryTimesTime} (256 MiB × 2, 64 MiB × 8): each sign-in would take seconds` };
    }
    return { kind: "argon2" };
  }
  if (isPbkdf2Hash(hash)) {
    const read = readPbkdf2(hash);
    return "problem" in read ? read : { kind: "pbkdf2" };
  }
  return { problem: `${describeForeignHash(hash)}; Latchkey verifies bcrypt ($2a$, $2b$, $2y$), argon2 ($argon2id$, $argon2i$, $argon2d$, v=19 or v=16) and PBKDF2 (pbkdf2_sha256$…, $pbkdf2-…$) hashes only` };
}

/**
 * Django's (Authentik's) mark of a person without a usable password (make_password(None): "!" and 40 random
 * characters; Django's is_password_usable reads the "!"): not a hash that can't come over, but the old system
 * saying there is no password, as an empty cell does (lib/users/import.ts invites such a row when asked to).
 */
export function marksNoUsablePassword(hash: string): boolean {
  return hash.startsWith("!");
}

/** A refused hash named by its kind where it is recognisable, never by its value. */
function describeForeignHash(hash: string): string {
  if (/^argon2\$/.test(hash)) return "this is Django's argon2 form (\"argon2$argon2id$…\"): drop the leading \"argon2\" to give the PHC string";
  if (/^!/.test(hash)) return "this is Django's (Authentik's) mark of a person without a usable password: leave the row out and invite them";
  if (/^\$2[abxy]\$/.test(hash)) return "this bcrypt hash is malformed or of the $2x$ kind";
  if (/^\$argon2/.test(hash)) return "this argon2 hash is malformed or not version 19 or 16";
  return "this is not a password hash Latchkey verifies";
}

/**
 * Checks a password against a PBKDF2 hash: the derivation on libuv's thread pool (crypto.pbkdf2, never the
 * event loop), the keys compared in constant time. The caller holds a hash slot (./passwords.ts). A hash outside
 * the forms or bounds above fails: it could only be here by a write that skipped the import's check.
 * The password is its UTF-8 bytes, as Django and the JDK's PBKDF2 (Keycloak's) take it. Keycloak NUL-pads a
 * password shorter than 14 characters where configured (`max-padding-length`, for FIPS); HMAC pads its key with
 * zeros to the digest's block anyway, so the padded and the plain password give the same key: nothing to undo.
 */
export async function verifyPbkdf2(stored: string, password: string): Promise<boolean> {
  const read = readPbkdf2(stored);
  if ("problem" in read) return false;
  const { digest, iterations, salt, key } = read.hash;
  const derived = await pbkdf2(Buffer.from(password, "utf8"), salt, iterations, key.length, digest);
  return crypto.timingSafeEqual(derived, key);
}
