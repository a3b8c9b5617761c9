/**
 * Reads and validates the process environment once. Everything else asks this
 * module, never process.env, so the set of knobs is written down in one place.
 */
import "server-only";
import os from "node:os";
import path from "node:path";
import { coversEveryAddress, isAddressOrRange } from "@/lib/net/address-range";
import { z } from "zod";

/** Raised when the environment holds a value Latchkey cannot run with; its message is one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

/** A whole-number setting; every way of getting it wrong gets the same message, naming the allowed range. */
function wholeNumber(min: number, max: number, fallback: number) {
  const rule = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: rule }).int(rule).min(min, rule).max(max, rule).default(fallback);
}

/** Values never echoed back in a start-up error (they are secrets). */
const SECRET_VARIABLES = new Set(["ENCRYPTION_KEY", "ENCRYPTION_KEY_PREVIOUS", "AUTH_SECRET", "DATABASE_URL", "METRICS_TOKEN", "SMTP_URL"]);

/**
 * Hashes at once when PASSWORD_HASH_CONCURRENCY is unset. Two pool threads always stay free for file
 * reads and compression. Cores: all of them when scripts/thread-pool-priority.cjs lowered the pool's
 * CPU priority at start (a request's JavaScript then still gets a core at once); otherwise one
 * fewer than the cores, so the requests keep one.
 */
function defaultHashConcurrency(): number {
  const threadPool = Number.parseInt(process.env.UV_THREADPOOL_SIZE ?? "", 10) || 4;
  const poolLowered = (globalThis as Record<symbol, unknown>)[Symbol.for("latchkey.threadPoolPriority")] !== undefined;
  const cores = os.availableParallelism() - (poolLowered ? 0 : 1);
  return Math.max(1, Math.min(cores, threadPool - 2));
}

/**
 * How varied a secret given by hand must be. Fewer different values means a hand-made pattern, such as
 * base64 of 32 zero bytes or "changeme" repeated: it would decrypt every stored name and email, or forge
 * session cookies. Random secrets pass: 32 random bytes take 30 different values on average, and fewer
 * than 16 about 3 times in 10^17; 32 random hex characters (the narrowest usual alphabet) take fewer
 * than 8 about once in 28 million. ENCRYPTION_KEY_PREVIOUS is not judged, so an instance made with such
 * a key can still be rotated away from it.
 */
const MIN_DIFFERENT_KEY_BYTES = 16;
const MIN_DIFFERENT_SECRET_CHARACTERS = 8;

/**
 * A public address: http(s), a host (no user name or password before it: "https://team.example.com@evil.example"
 * reads as the first host but links to the second), an optional port, no path, query or fragment. Also Settings →
 * Email's. No path because Latchkey is served at the root of its host: its pages, its API and the OpenID provider's
 * endpoints all answer there, and an issuer with a path would be published where apps don't look for its discovery
 * document (OpenID Connect Discovery §4 puts it under the path). A trailing slash is allowed and dropped.
 */
const PUBLIC_ADDRESS = /^https?:\/\/[^\s/?#@\\]+\/?$/;

/**
 * Whether `value` is a public address (PUBLIC_ADDRESS above) that is also an address at all: the shape alone let
 * through what no URL parser reads (a full-width solidus "／", an escaped "%2F", a port past 65535), and the
 * provider's issuer, the links in mail and the passkeys' relying party all fail on it (review 33).
 */
export function isPublicAddress(value: string): boolean {
  return PUBLIC_ADDRESS.test(value) && URL.canParse(value);
}

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"], { error: "must be development, production or test" }).default("development"),
  /** The port scripts/server.mjs listens on; validated here so a bad one stops the start like any other. */
  PORT: wholeNumber(1, 65535, 3000),
  DATA_DIR: z.string().min(1, "must not be empty").default("./data"),
  /** Unset: SQLite in DATA_DIR. postgres://… or postgresql://…: that PostgreSQL (15 or newer) database. */
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^postgres(ql)?:\/\/[^\s]+$/.test(v), "must be a postgres:// or postgresql:// URL (or unset for SQLite)"),
  /** PostgreSQL connections per pool (one pool reads, one writes); unused on SQLite. */
  DATABASE_POOL_SIZE: wholeNumber(1, 1000, 10),
  ENCRYPTION_KEY: z
    .string()
    .optional()
    .refine((v) => !v || Buffer.from(v.trim(), "base64").length === 32, "must be the base64 encoding of exactly 32 bytes")
    .refine(
      (v) => !v || new Set(Buffer.from(v.trim(), "base64")).size >= MIN_DIFFERENT_KEY_BYTES,
      "must be random bytes, and this one repeats a short pattern (such as all zeros) that anyone could guess. " +
        `Generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))". ` +
        "If data was made with this key, give it as ENCRYPTION_KEY_PREVIOUS and run npm run rotate-key (docs/operations.md)",
    ),
  /**
   * During a key rotation (npm run rotate-key, docs/operations.md): the key(s) the
   * data was encrypted with before ENCRYPTION_KEY, comma-separated. Still
   * accepted for reading, never used for writing; removed once the rotation completed.
   */
  ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .optional()
    .refine(
      (v) => !v || v.split(",").every((k) => Buffer.from(k.trim(), "base64").length === 32),
      "must be the base64 encoding of exactly 32 bytes (several: separated by commas)",
    ),
  AUTH_SECRET: z
    .string()
    .min(32, "must be at least 32 characters")
    .refine(
      (v) => new Set(v).size >= MIN_DIFFERENT_SECRET_CHARACTERS,
      "must be random, and this one repeats a few characters that anyone could guess. " +
        `Generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))" (every signed-in person signs in again)`,
    )
    .optional(),
  /** Session lifetime in hours (sliding: a used session is extended up to this). */
  SESSION_MAX_AGE_HOURS: wholeNumber(1, 24 * 90, 24 * 7),
  /** The most any session lasts from its sign-in, in days, however much it is used (then the person signs in again). */
  SESSION_ABSOLUTE_MAX_DAYS: wholeNumber(1, 365, 30),
  /**
   * Which peers are reverse proxies whose X-Forwarded-For / X-Forwarded-Host
   * we believe: "false" (default: none), "true" (loopback only: a proxy on this
   * machine), or a comma-separated list of addresses and CIDR ranges.
   */
  TRUST_PROXY: z
    .string()
    .default("false")
    .transform((v) => {
      const value = v.trim().toLowerCase();
      if (value === "false" || value === "0" || value === "") return [];
      if (value === "true" || value === "1") return ["127.0.0.0/8", "::1"];
      return value.split(",").map((r) => r.trim()).filter(Boolean);
    })
    .refine(
      (ranges) => ranges.every(isAddressOrRange),
      "must be false, true, or a comma-separated list of IP addresses and CIDR ranges (e.g. 10.0.0.0/8,::1)",
    )
    // Trusting every peer believes every client's X-Forwarded-For and -Host: per-address sign-in limits and the logged address become the client's choice.
    .refine(
      (ranges) => !ranges.some(coversEveryAddress),
      "must not trust every address (0.0.0.0/0 or ::/0): anyone could then claim any client address. Name your proxies' addresses or ranges",
    ),
  /** Activity events older than this many days are pruned by a background job; 0 keeps them forever. */
  ACTIVITY_RETENTION_DAYS: wholeNumber(0, 36500, 0),
  /** Minutes between checks of the LDAP directory for people removed from it or moved between groups; 0 turns the check off. */
  LDAP_SYNC_INTERVAL_MINUTES: wholeNumber(0, 10080, 15),
  /**
   * Failed sign-ins recorded one by one per account and hour; past it they are counted, not recorded (one
   * event says so). They live in the chained log, which retention can only shorten from its oldest end, so
   * a cap, not a retention of their own, is what bounds them. 0 records every one.
   */
  FAILED_SIGN_IN_EVENTS_PER_HOUR: wholeNumber(0, 1_000_000, 500),
  /** Failed sign-ins in a row (per email and client address) before each next attempt must wait. */
  SIGNIN_FREE_ATTEMPTS: wholeNumber(1, 1000, 5),
  /** The first wait after those failures; each further failure doubles it. */
  SIGNIN_DELAY_SECONDS: wholeNumber(1, 86400, 60),
  /** The longest wait between attempts. */
  SIGNIN_MAX_DELAY_SECONDS: wholeNumber(1, 86400, 900),
  /** Failed sign-ins from one client address, for any emails, before its attempts must wait too. */
  SIGNIN_IP_FREE_ATTEMPTS: wholeNumber(1, 100000, 50),
  /** Failed sign-ins for one email within the lockout window before it is locked (until the window ends or an admin unlocks). */
  SIGNIN_LOCKOUT_FAILURES: wholeNumber(1, 100000, 100),
  /** The lockout window in hours: failures are counted per window, and a lock ends with it. */
  SIGNIN_LOCKOUT_WINDOW_HOURS: wholeNumber(1, 24 * 30, 24),
  /** First-run setup attempts per client address per 15 minutes. */
  SETUP_ATTEMPTS_PER_15_MIN: wholeNumber(1, 100000, 60),
  /** Password change attempts per user per 15 minutes. */
  PASSWORD_CHANGE_ATTEMPTS_PER_15_MIN: wholeNumber(1, 100000, 10),
  /** OpenID flows started per client address per 5 minutes without a Latchkey session (each stores a row: a device code, a sign-in interaction). */
  OIDC_FLOW_STARTS_PER_5_MIN: wholeNumber(1, 10_000_000, 100),
  /** API requests per minute allowed to one access token; more get 429 with Retry-After. */
  TOKEN_RATE_LIMIT_PER_MINUTE: wholeNumber(1, 10_000_000, 600),
  // operations: metrics and logs (scripts/server.mjs gets them from lib/startup.ts)
  /** Serves GET /metrics to `Authorization: Bearer <METRICS_TOKEN>`; unset (and no METRICS_PORT): no /metrics. */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Serves /metrics without a token on this port, bound to 127.0.0.1 only. */
  METRICS_PORT: z.coerce.number({ error: "must be a port number from 1 to 65535" }).int("must be a port number from 1 to 65535").min(1, "must be a port number from 1 to 65535").max(65535, "must be a port number from 1 to 65535").optional(),
  /** pino's level for the server's logs. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { error: "must be fatal, error, warn, info, debug, trace or silent" }).default("info"),
  /**
   * Password hashes (argon2id) computed at once; the rest wait their turn.
   * They run on libuv's thread pool (UV_THREADPOOL_SIZE, 4 by default), which
   * compression and file reads share. Left unset: the cores when the pool
   * runs at lower CPU priority (scripts/thread-pool-priority.cjs, Linux),
   * else one fewer than the cores; two pool threads always left free, so
   * hashing never takes a core or thread from the requests served meanwhile
   * (at least 1).
   */
  PASSWORD_HASH_CONCURRENCY: wholeNumber(1, 256, defaultHashConcurrency()),
  /** email: the mail server (smtp://user:pass@host:587, smtps://… for TLS); set, Settings → Email is read-only. */
  SMTP_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^smtps?:\/\/[^\s]+$/.test(v), "must be an smtp:// or smtps:// URL (e.g. smtp://user:pass@mail.example.com:587)"),
  /** email: the sender, "Name <address>" or an address. */
  SMTP_FROM: z.string().optional(),
  /** email: where people reach this instance (https://team.example.com); links in mail start with it. */
  PUBLIC_URL: z
    .string()
    .optional()
    .refine((v) => !v || isPublicAddress(v), "must be an http:// or https:// address with no path (e.g. https://team.example.com): Latchkey is served at the root of its host"),
});

export type Config = {
  nodeEnv: "development" | "production" | "test";
  /** The port the server listens on (scripts/server.mjs), and a command's links lead to without an address. */
  port: number;
  dataDir: string;
  databaseFile: string;
  /** PostgreSQL's connection URL; null means SQLite in dataDir. */
  databaseUrl: string | null;
  /** Connections in each of PostgreSQL's two pools (reads, writes). */
  databasePoolSize: number;
  encryptionKeyFromEnv: string | undefined;
  /** ENCRYPTION_KEY_PREVIOUS, split: keys still read (not written) during a rotation. */
  previousEncryptionKeysFromEnv: string[];
  authSecretFromEnv: string | undefined;
  sessionMaxAgeSeconds: number;
  /** The most a session lasts from its sign-in, however much it is used. */
  sessionAbsoluteMaxSeconds: number;
  /** Address ranges of trusted reverse proxies (empty: trust none). */
  trustedProxies: string[];
  /** Days of activity to keep; null keeps everything. */
  activityRetentionDays: number | null;
  /** Minutes between directory checks (lib/idp/ldap/directory-sync.ts); null: off. */
  ldapSyncIntervalMinutes: number | null;
  /** null: every failed sign-in is recorded. */
  failedSignInEventsPerHour: number | null;
  signIn: SignInLimits;
  setupAttemptsPer15Min: number;
  passwordChangeAttemptsPer15Min: number;
  tokenRateLimitPerMinute: number;
  oidcFlowStartsPer5Min: number;
  passwordHashConcurrency: number;
  metricsToken: string | undefined;
  metricsPort: number | undefined;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** email: the environment's mail server and sender (null: Settings → Email decides). */
  smtpUrl: string | null;
  smtpFrom: string | null;
  /** email: the instance's public address without a trailing slash (null: Settings → Email decides). */
  publicUrl: string | null;
};

/** The sign-in protection settings (see lib/security/sign-in-throttle.ts). */
export type SignInLimits = {
  freeAttempts: number;
  delaySeconds: number;
  maxDelaySeconds: number;
  ipFreeAttempts: number;
  lockoutFailures: number;
  lockoutWindowSeconds: number;
};

/** Parses an environment (the process's by default); throws ConfigError naming each bad variable. */
export function readConfig(environment: Record<string, string | undefined> = process.env): Config {
  // An empty value (PORT= in an env file) means "not set", so the default applies.
  const present = Object.fromEntries(Object.entries(environment).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    // One line per variable (a value can break several rules; the first says it all).
    const byVariable = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? "environment");
      if (byVariable.has(name)) continue;
      const raw = present[name];
      const shown = raw === undefined || SECRET_VARIABLES.has(name) ? "" : `=${JSON.stringify(raw.slice(0, 80))}`;
      byVariable.set(name, `${name}${shown} is not valid: it ${issue.message}.`);
    }
    throw new ConfigError([...byVariable.values()]);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.DATA_DIR);
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    dataDir,
    databaseFile: path.join(dataDir, "latchkey.db"),
    databaseUrl: env.DATABASE_URL || null,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    encryptionKeyFromEnv: env.ENCRYPTION_KEY || undefined,
    previousEncryptionKeysFromEnv: (env.ENCRYPTION_KEY_PREVIOUS ?? "").split(",").map((k) => k.trim()).filter(Boolean),
    authSecretFromEnv: env.AUTH_SECRET || undefined,
    sessionMaxAgeSeconds: env.SESSION_MAX_AGE_HOURS * 3600,
    sessionAbsoluteMaxSeconds: env.SESSION_ABSOLUTE_MAX_DAYS * 24 * 3600,
    trustedProxies: env.TRUST_PROXY,
    activityRetentionDays: env.ACTIVITY_RETENTION_DAYS === 0 ? null : env.ACTIVITY_RETENTION_DAYS,
    ldapSyncIntervalMinutes: env.LDAP_SYNC_INTERVAL_MINUTES === 0 ? null : env.LDAP_SYNC_INTERVAL_MINUTES,
    failedSignInEventsPerHour: env.FAILED_SIGN_IN_EVENTS_PER_HOUR === 0 ? null : env.FAILED_SIGN_IN_EVENTS_PER_HOUR,
    signIn: {
      freeAttempts: env.SIGNIN_FREE_ATTEMPTS,
      delaySeconds: env.SIGNIN_DELAY_SECONDS,
      maxDelaySeconds: Math.max(env.SIGNIN_MAX_DELAY_SECONDS, env.SIGNIN_DELAY_SECONDS),
      ipFreeAttempts: env.SIGNIN_IP_FREE_ATTEMPTS,
      lockoutFailures: env.SIGNIN_LOCKOUT_FAILURES,
      lockoutWindowSeconds: env.SIGNIN_LOCKOUT_WINDOW_HOURS * 3600,
    },
    setupAttemptsPer15Min: env.SETUP_ATTEMPTS_PER_15_MIN,
    passwordChangeAttemptsPer15Min: env.PASSWORD_CHANGE_ATTEMPTS_PER_15_MIN,
    tokenRateLimitPerMinute: env.TOKEN_RATE_LIMIT_PER_MINUTE,
    oidcFlowStartsPer5Min: env.OIDC_FLOW_STARTS_PER_5_MIN,
    passwordHashConcurrency: env.PASSWORD_HASH_CONCURRENCY,
    metricsToken: env.METRICS_TOKEN,
    metricsPort: env.METRICS_PORT,
    logLevel: env.LOG_LEVEL,
    smtpUrl: env.SMTP_URL || null,
    smtpFrom: env.SMTP_FROM || null,
    publicUrl: env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, "") : null,
  };
}

/**
 * What a start on PostgreSQL lacks: there, every replica shares one database, so
 * the encryption key and the session secret must be given to each of them in
 * the environment. Generated into DATA_DIR they would be one replica's alone:
 * the next replica would refuse the data (or, with its own secret, reject every
 * other replica's session cookies). One line per missing variable; none on SQLite.
 */
export function missingSharedSecrets(current: Pick<Config, "databaseUrl" | "encryptionKeyFromEnv" | "authSecretFromEnv">): string[] {
  if (!current.databaseUrl) return [];
  const why = "with DATABASE_URL every replica uses the same database and must get the same value; one generated into DATA_DIR would be this replica's alone";
  return [
    ...(current.encryptionKeyFromEnv ? [] : [`ENCRYPTION_KEY must be set (${why}). Set it to the key the data was created with, or a new one for a new database.`]),
    ...(current.authSecretFromEnv ? [] : [`AUTH_SECRET must be set (${why}).`]),
  ];
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= readConfig();
  return cached;
}
