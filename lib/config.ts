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
   * Trust X-Forwarded-For for the client address. Only turn this on behind a
   * reverse proxy that overwrites the header, or clients can claim any address.
   */
  TRUST_PROXY: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
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
  trustProxy: boolean;
  tokenRateLimitPerMinute: number;
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
    trustProxy: env.TRUST_PROXY,
    tokenRateLimitPerMinute: env.TOKEN_RATE_LIMIT_PER_MINUTE,
  };
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= readConfig();
  return cached;
}
