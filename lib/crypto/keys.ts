/**
 * The master encryption key and the session secret: taken from the
 * environment, or generated once into DATA_DIR (mode 0600). Subkeys for each
 * purpose are derived with HKDF so one secret never serves two jobs.
 */
import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { config, missingSharedSecrets } from "@/lib/config";
import { ensurePrivateDataDir } from "./data-dir";

const KEY_FILE = "encryption.key";
const PREVIOUS_KEY_FILE = "encryption.key.previous";
const AUTH_SECRET_FILE = "auth-secret";

/** The subkeys derived from one master key. */
export type KeySet = {
  /** Short id stored in front of every ciphertext, so keys can rotate. */
  keyId: string;
  piiKey: Buffer;
  emailIndexKey: Buffer;
  /** HMAC key of the identity-provider subject index (users.idp_subject_index). */
  idpSubjectIndexKey: Buffer;
  /** HMAC key of the activity log's hash chain: without it a rewritten row can't be re-sealed. */
  activityChainKey: Buffer;
  /** HMAC key for sign-in throttle keys (email and client address pairs). */
  throttleKey: Buffer;
  /** HMAC key of the searchable index of names and emails (lib/crypto/search-terms.ts). */
  searchIndexKey: Buffer;
  /** Keys of the OpenID provider's signed cookies (lib/oidc/provider.ts). */
  oidcCookieKey: Buffer;
  /** HMAC key of a backup's seal over its content (lib/ops/backup-seal.ts). */
  backupSealKey: Buffer;
  /** HMAC key deriving a sign-in set-up step's authenticator secret from its token (lib/mfa/second-step.ts). */
  totpEnrolmentKey: Buffer;
  /** HMAC key of the activity log's client address index (activity_events.ip_index): search by address, the address sealed. */
  addressIndexKey: Buffer;
};

/**
 * The current key (everything is written with it) and, during a key rotation
 * (npm run rotate-key, lib/ops/key-rotation.ts), the previous ones: values
 * and blind indexes made with them are still read and found, never written.
 */
export type KeyRing = KeySet & { previous: KeySet[] };

/** A database exists but its key does not: generating a new one would make its data unreadable. */
export class MissingEncryptionKeyError extends Error {
  constructor(databaseFile: string, keyFile: string) {
    super(
      `The database ${databaseFile} exists, but there is no encryption key for it: set ENCRYPTION_KEY, ` +
        `or put back the key file ${keyFile}. Nothing was changed.`,
    );
    this.name = "MissingEncryptionKeyError";
  }
}

/** PostgreSQL without ENCRYPTION_KEY or AUTH_SECRET in the environment (lib/config.ts's missingSharedSecrets): nothing is generated. */
export class SharedSecretsMissingError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "SharedSecretsMissingError";
  }
}

/** Refuses a start on PostgreSQL whose secrets would be generated per replica; start-up calls it first, to name both at once. */
export function requireSharedSecrets(): void {
  const problems = missingSharedSecrets(config());
  if (problems.length > 0) throw new SharedSecretsMissingError(problems);
}

export function decodeMasterKey(value: string, source: string): Buffer {
  const key = Buffer.from(value.trim(), "base64");
  if (key.length !== 32) {
    throw new Error(
      `${source} must be the base64 encoding of exactly 32 bytes (got ${key.length}). ` +
        `Generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`,
    );
  }
  return key;
}

/** Reads a secret file, or creates it with fresh random bytes; returns the content and whether it was new. */
function readOrCreateSecretFile(name: string, make: () => string): { value: string; created: boolean } {
  const dir = config().dataDir;
  ensurePrivateDataDir(dir);
  const file = path.join(dir, name);
  try {
    // "wx" fails if the file exists, so two processes starting at once cannot both write.
    fs.writeFileSync(file, make() + "\n", { flag: "wx", mode: 0o600 });
    return { value: fs.readFileSync(file, "utf8").trim(), created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return { value: fs.readFileSync(file, "utf8").trim(), created: false };
  }
}

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", master, Buffer.alloc(0), `latchkey/${purpose}/v1`, 32));
}

function loadMasterKey(existingDatabase: string | undefined): Buffer {
  const fromEnv = config().encryptionKeyFromEnv;
  if (fromEnv) return decodeMasterKey(fromEnv, "ENCRYPTION_KEY");
  requireSharedSecrets();
  const keyFile = path.join(config().dataDir, KEY_FILE);
  const existing = existingDatabase ?? (fs.existsSync(config().databaseFile) ? config().databaseFile : undefined);
  if (!fs.existsSync(keyFile) && existing) {
    throw new MissingEncryptionKeyError(existing, keyFile);
  }
  const { value, created } = readOrCreateSecretFile(KEY_FILE, () => crypto.randomBytes(32).toString("base64"));
  const file = path.join(config().dataDir, KEY_FILE);
  if (created) {
    console.warn(
      [
        "",
        "==================================================================",
        ` Latchkey generated a new encryption key: ${file}`,
        " BACK IT UP. Users' emails and names are encrypted with it; if it",
        " is lost, that data cannot be recovered. To manage it yourself, set",
        " ENCRYPTION_KEY (base64 of 32 bytes) instead.",
        "==================================================================",
        "",
      ].join("\n"),
    );
  }
  return decodeMasterKey(value, file);
}

/**
 * Keys still read during a rotation: ENCRYPTION_KEY_PREVIOUS when the key
 * comes from the environment, else DATA_DIR/encryption.key.previous (one key
 * a line), which rotate-key writes when it replaces the key file.
 */
function loadPreviousKeys(): Buffer[] {
  if (config().encryptionKeyFromEnv) {
    return config().previousEncryptionKeysFromEnv.map((k) => decodeMasterKey(k, "ENCRYPTION_KEY_PREVIOUS"));
  }
  const file = path.join(config().dataDir, PREVIOUS_KEY_FILE);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => decodeMasterKey(line, file));
}

/** Every subkey of one master key. */
export function deriveKeySet(master: Buffer): KeySet {
  return {
    keyId: derive(master, "key-id").subarray(0, 4).toString("hex"),
    piiKey: derive(master, "pii-aead"),
    emailIndexKey: derive(master, "email-index"),
    idpSubjectIndexKey: derive(master, "idp-subject-index"),
    activityChainKey: derive(master, "activity-chain"),
    throttleKey: derive(master, "sign-in-throttle"),
    searchIndexKey: derive(master, "search-index"),
    oidcCookieKey: derive(master, "oidc-provider-cookies"),
    backupSealKey: derive(master, "backup-seal"),
    totpEnrolmentKey: derive(master, "totp-enrolment"),
    addressIndexKey: derive(master, "address-index"),
  };
}

let ring: KeyRing | undefined;

/**
 * The keys. `existingDatabase` names a database that already holds data (on
 * PostgreSQL; a SQLite file in DATA_DIR is found by itself): without a key for
 * it, this refuses rather than generate a new one.
 */
export function keyRing(existingDatabase?: string): KeyRing {
  if (!ring) {
    const current = deriveKeySet(loadMasterKey(existingDatabase));
    const previous = loadPreviousKeys()
      .map(deriveKeySet)
      .filter((set, i, all) => set.keyId !== current.keyId && all.findIndex((s) => s.keyId === set.keyId) === i);
    ring = { ...current, previous };
  }
  return ring;
}

/** The current key set first, then the previous ones: what lookups and checks try. */
export function readableKeySets(): KeySet[] {
  const { previous, ...current } = keyRing();
  return [current, ...previous];
}

/** The key set whose id a stored value names, if it is one this process may read with. */
export function keySetById(keyId: string): KeySet | undefined {
  return readableKeySets().find((set) => set.keyId === keyId);
}

let authSecret: string | undefined;

/** The secret that signs and encrypts session cookies (Auth.js `secret`). */
export function sessionSecret(): string {
  if (!authSecret) {
    const fromEnv = config().authSecretFromEnv;
    if (fromEnv) {
      authSecret = fromEnv;
    } else {
      requireSharedSecrets();
      const { value, created } = readOrCreateSecretFile(AUTH_SECRET_FILE, () =>
        crypto.randomBytes(32).toString("base64url"),
      );
      if (created) {
        console.warn(
          `Latchkey generated a session secret in ${path.join(config().dataDir, AUTH_SECRET_FILE)} ` +
            "(set AUTH_SECRET to manage it yourself). Losing it only signs everyone out.",
        );
      }
      authSecret = value;
    }
  }
  return authSecret;
}
