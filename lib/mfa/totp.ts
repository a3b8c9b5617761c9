/**
 * Authenticator-app codes (TOTP, RFC 6238: HMAC-SHA-1, 6 digits, 30-second
 * steps) through the otpauth library. Pure functions of the secret and the
 * clock; the database side (sealing the secret, remembering the last step
 * used) is in ./factors.ts and ./second-step.ts.
 */
import { Secret, TOTP } from "otpauth";

export const TOTP_PERIOD_SECONDS = 30;
const DIGITS = 6;
/** One step either side: a phone clock a little off, or a code typed as it rolled over. */
const WINDOW = 1;

/** A new random secret (160 bits, RFC 4226's recommended length), base32 as authenticator apps expect. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, label = "Latchkey"): TOTP {
  return new TOTP({ issuer: "Latchkey", label, algorithm: "SHA1", digits: DIGITS, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secretBase32) });
}

/** The otpauth:// URI an authenticator app scans from the QR code. */
export function totpUri(secretBase32: string, accountLabel: string): string {
  return totp(secretBase32, accountLabel).toString();
}

/** The code for a moment (tests, and nothing else, need to compute one). */
export function totpCode(secretBase32: string, at: Date): string {
  return totp(secretBase32).generate({ timestamp: at.getTime() });
}

/** Whether the text looks like an authenticator code at all (6 digits, spaces allowed). */
export function looksLikeTotpCode(input: string): boolean {
  return /^\d{6}$/.test(input.replace(/\s+/g, ""));
}

/**
 * The time step a code belongs to, or null when it is wrong, or belongs to a
 * step at or before `lastUsedStep`: a code is accepted once, and after a newer
 * one was used an older one is refused too (RFC 6238 §5.2).
 */
export function acceptedTotpStep(secretBase32: string, input: string, at: Date, lastUsedStep: number | null): number | null {
  const token = input.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const generator = totp(secretBase32);
  const delta = generator.validate({ token, timestamp: at.getTime(), window: WINDOW });
  if (delta === null) return null;
  const step = generator.counter({ timestamp: at.getTime() }) + delta;
  return lastUsedStep !== null && step <= lastUsedStep ? null : step;
}
