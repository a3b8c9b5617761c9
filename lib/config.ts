/**
 * Reads and validates the process environment once. Everything else asks this
 * module, never process.env, so the set of knobs is written down in one place.
 */
import "server-only";
import path from "node:path";
import { z } from "zod";

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATA_DIR: z.string().min(1).default("./data"),
  ENCRYPTION_KEY: z.string().optional(),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional(),
  /** Session lifetime in hours (sliding: a used session is extended up to this). */
  SESSION_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7),
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
    }),
  /** Activity events older than this many days are pruned by a background job; 0 keeps them forever. */
  ACTIVITY_RETENTION_DAYS: z.coerce.number().int().min(0).max(36500).default(0),
  /** Failed sign-ins in a row (per email and client address) before each next attempt must wait. */
  SIGNIN_FREE_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(5),
  /** The first wait after those failures; each further failure doubles it. */
  SIGNIN_DELAY_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
  /** The longest wait between attempts. */
  SIGNIN_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).max(86400).default(900),
  /** Failed sign-ins from one client address, for any emails, before its attempts must wait too. */
  SIGNIN_IP_FREE_ATTEMPTS: z.coerce.number().int().min(1).max(100000).default(50),
  /** Failed sign-ins for one email within the lockout window before it is locked (until the window ends or an admin unlocks). */
  SIGNIN_LOCKOUT_FAILURES: z.coerce.number().int().min(1).max(100000).default(100),
  /** The lockout window in hours: failures are counted per window, and a lock ends with it. */
  SIGNIN_LOCKOUT_WINDOW_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
  /** First-run setup attempts per client address per 15 minutes. */
  SETUP_ATTEMPTS_PER_15_MIN: z.coerce.number().int().min(1).max(100000).default(60),
  /** Password change attempts per user per 15 minutes. */
  PASSWORD_CHANGE_ATTEMPTS_PER_15_MIN: z.coerce.number().int().min(1).max(100000).default(10),
  /** API requests per minute allowed to one access token; more get 429 with Retry-After. */
  TOKEN_RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ error: "TOKEN_RATE_LIMIT_PER_MINUTE must be a number" })
    .int("TOKEN_RATE_LIMIT_PER_MINUTE must be a whole number")
    .min(1, "TOKEN_RATE_LIMIT_PER_MINUTE must be at least 1")
    .max(10_000_000, "TOKEN_RATE_LIMIT_PER_MINUTE must be at most 10000000")
    .default(600),
});

export type Config = {
  nodeEnv: "development" | "production" | "test";
  dataDir: string;
  databaseFile: string;
  encryptionKeyFromEnv: string | undefined;
  authSecretFromEnv: string | undefined;
  sessionMaxAgeSeconds: number;
  /** Address ranges of trusted reverse proxies (empty: trust none). */
  trustedProxies: string[];
  /** Days of activity to keep; null keeps everything. */
  activityRetentionDays: number | null;
  signIn: SignInLimits;
  setupAttemptsPer15Min: number;
  passwordChangeAttemptsPer15Min: number;
  tokenRateLimitPerMinute: number;
};

/** The sign-in protection settings (see lib/auth/sign-in-throttle.ts). */
export type SignInLimits = {
  freeAttempts: number;
  delaySeconds: number;
  maxDelaySeconds: number;
  ipFreeAttempts: number;
  lockoutFailures: number;
  lockoutWindowSeconds: number;
};

function readConfig(): Config {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.DATA_DIR);
  return {
    nodeEnv: env.NODE_ENV,
    dataDir,
    databaseFile: path.join(dataDir, "latchkey.db"),
    encryptionKeyFromEnv: env.ENCRYPTION_KEY || undefined,
    authSecretFromEnv: env.AUTH_SECRET || undefined,
    sessionMaxAgeSeconds: env.SESSION_MAX_AGE_HOURS * 3600,
    trustedProxies: env.TRUST_PROXY,
    activityRetentionDays: env.ACTIVITY_RETENTION_DAYS === 0 ? null : env.ACTIVITY_RETENTION_DAYS,
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
  };
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= readConfig();
  return cached;
}
