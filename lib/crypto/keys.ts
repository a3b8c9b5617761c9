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

const KEY_FILE = "encryption.key";
const AUTH_SECRET_FILE = "auth-secret";

export type KeyRing = {
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
};

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

function decodeMasterKey(value: string, source: string): Buffer {
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
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
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

let ring: KeyRing | undefined;

/**
 * The keys. `existingDatabase` names a database that already holds data (on
 * PostgreSQL; a SQLite file in DATA_DIR is found by itself): without a key for
 * it, this refuses rather than generate a new one.
 */
export function keyRing(existingDatabase?: string): KeyRing {
  if (!ring) {
    const master = loadMasterKey(existingDatabase);
    ring = {
      keyId: derive(master, "key-id").subarray(0, 4).toString("hex"),
      piiKey: derive(master, "pii-aead"),
      emailIndexKey: derive(master, "email-index"),
      idpSubjectIndexKey: derive(master, "idp-subject-index"),
      activityChainKey: derive(master, "activity-chain"),
      throttleKey: derive(master, "sign-in-throttle"),
      searchIndexKey: derive(master, "search-index"),
      oidcCookieKey: derive(master, "oidc-provider-cookies"),
    };
  }
  return ring;
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
