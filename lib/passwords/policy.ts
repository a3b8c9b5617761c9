/**
 * What a new password must be: 8 to 128 characters, no composition rules
 * (NIST SP 800-63B), and not among the 10,000 most common passwords.
 */
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set(
    fs.readFileSync(path.join(process.cwd(), "lib/passwords/common-passwords.txt"), "utf8").split("\n").filter(Boolean),
  );
  return common;
}

export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.toLowerCase());
}

/** The schema for any password a person chooses (setup, invite, change, reset). */
export const newPasswordSchema = z
  .string({ error: (issue) => (issue.input === undefined || issue.input === null ? "Password is required" : "Password must be text") })
  .min(PASSWORD_MIN, `Password must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`)
  .refine((p) => !isCommonPassword(p), "This password is too common; choose another");

/** Refuses a password equal to the person's own email or name (case-insensitive). */
export function passwordMatchesIdentity(password: string, identity: { email?: string | null; name?: string | null }): boolean {
  const p = password.trim().toLowerCase();
  return [identity.email, identity.name].some((v) => v && v.trim().toLowerCase() === p);
}
