/**
 * Password hashing. New hashes are argon2id at OWASP's parameters; bcrypt
 * hashes imported from other systems still verify and are flagged for rehash.
 * Every hash and verification waits its turn in ./password-queue.ts (a slot of
 * PASSWORD_HASH_CONCURRENCY; an anonymous sign-in from an unknown browser, in the
 * strangers' lane).
 */
import "server-only";
import argon2 from "argon2";
import bcrypt from "@node-rs/bcrypt";
import { inHashSlot, type CheckLane } from "./password-queue";

// OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return inHashSlot(() => argon2.hash(password, ARGON2_OPTIONS));
}

function isBcryptHash(hash: string): boolean {
  return /^\$2[abxy]\$\d{2}\$/.test(hash);
}

/**
 * Bounds on a hash brought from another system (`npm run users -- import`): verifying it is a sign-in's work, so a
 * cost far above today's would let one person's sign-in hold a hash slot for seconds (bcrypt doubles per step;
 * argon2's memory is allocated per check).
 */
export const IMPORTED_HASH_LIMITS = { bcryptCost: { min: 4, max: 16 }, argon2MemoryKiB: 262_144, argon2Time: 16, argon2Parallelism: 16 } as const;

const IMPORTED_BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
// PHC string: version 19 (1.3), the parameters m, t and p once each (the reference library writes m,t,p;
// node-argon2 m,p,t), salt and hash in unpadded base64.
const IMPORTED_ARGON2 = /^\$argon2(?:id|i|d)\$v=19\$([mtp]=\d{1,7},[mtp]=\d{1,7},[mtp]=\d{1,7})\$[A-Za-z0-9+/]{11,88}\$[A-Za-z0-9+/]{16,172}$/;

export type ImportedHashKind = "bcrypt" | "argon2";

/**
 * What kind of hash this is when verifyPassword checks it (bcrypt `$2a$`/`$2b$`/`$2y$`, PHC `$argon2id$`/`$argon2i$`/
 * `$argon2d$`) at a sane cost, or why it is refused. The message never repeats the hash.
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
    return { kind: "argon2" };
  }
  return { problem: `${describeForeignHash(hash)}; Latchkey verifies bcrypt ($2a$, $2b$, $2y$) and argon2 ($argon2id$, $argon2i$, $argon2d$, v=19) hashes only` };
}

/** A refused hash named by its kind where it is recognisable, never by its value. */
function describeForeignHash(hash: string): string {
  if (/^(pbkdf2|\$pbkdf2)/i.test(hash)) return "this is a PBKDF2 hash (Keycloak's and Authentik's kind), which Latchkey does not verify";
  if (/^argon2\$/.test(hash)) return "this is Django's argon2 form (\"argon2$argon2id$…\"): drop the leading \"argon2\" to give the PHC string";
  if (/^\$2[abxy]\$/.test(hash)) return "this bcrypt hash is malformed or of the $2x$ kind";
  if (/^\$argon2/.test(hash)) return "this argon2 hash is malformed or not version 19";
  return "this is not a password hash Latchkey verifies";
}

/** `lane`: whose check it is (./password-queue.ts); an anonymous sign-in says, everything else is "known". */
export async function verifyPassword(hash: string, password: string, lane: CheckLane = "known"): Promise<boolean> {
  try {
    if (isBcryptHash(hash)) return await inHashSlot(() => bcrypt.verify(password, hash), lane);
    return await inHashSlot(() => argon2.verify(hash, password), lane);
  } catch {
    // A malformed stored hash is a failed verification, never a crash.
    return false;
  }
}

/** True when the stored hash is not argon2id at the current parameters. */
export function needsRehash(hash: string): boolean {
  // argon2.needsRehash compares parameters only, not the variant: argon2i/argon2d must upgrade too.
  if (!hash.startsWith("$argon2id$")) return true;
  try {
    return argon2.needsRehash(hash, ARGON2_OPTIONS);
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, for sign-ins with an unknown
 * email, so response time does not reveal whether an account exists.
 */
export async function verifyAgainstDummy(password: string, lane: CheckLane = "known"): Promise<false> {
  dummyHash ??= hashPassword("latchkey-dummy-password-for-timing");
  const hash = await dummyHash;
  await inHashSlot(() => argon2.verify(hash, password), lane);
  return false;
}
