/**
 * What a new password must be: 8 to 128 characters, no composition rules
 * (NIST SP 800-63B), and not weak. Weak means, after normalising (NFKC,
 * trimmed): among the 10,000 most common passwords, or estimated by zxcvbn-ts
 * at a score below 3 with the person's own name and email parts and
 * "latchkey" as known words. Every path that sets a chosen password (setup,
 * invite accept, own change, admin reset) calls assertPasswordAllowed.
 */
import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { ZxcvbnFactory, ZxcvbnResult } from "@zxcvbn-ts/core";
import { z } from "zod";
import { Invalid, type MessageRef } from "@/lib/errors";
import { feedbackEnglish } from "./feedback";
import { FEEDBACK_KEYS, feedbackKey } from "./feedback-keys";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
/** zxcvbn's 0–4 scale: 3 is "safely unguessable" (about 10^8 guesses), for an online and a slow-hash offline attack. */
export const MIN_SCORE = 3;
export const TOO_COMMON = "This password is too common; choose another";

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set(
    fs.readFileSync(path.join(process.cwd(), "lib/passwords/common-passwords.txt"), "utf8").split("\n").filter(Boolean),
  );
  return common;
}

/** The form a password is judged in: "Password1 " and "ｐａｓｓｗｏｒｄ1" are "password1". */
export function normalisePassword(password: string): string {
  return password.normalize("NFKC").trim();
}

export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(normalisePassword(password).toLowerCase());
}

/** The schema for any password a person chooses (setup, invite, change, reset): length and the common list. */
export const newPasswordSchema = z
  .string({ error: (issue) => (issue.input === undefined || issue.input === null ? "Password is required" : "Password must be text") })
  // An empty field is said as such (a form sent without one), not as too short.
  .min(1, { error: "Password is required", abort: true })
  .min(PASSWORD_MIN, `Password must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`)
  .refine((p) => !isCommonPassword(p), TOO_COMMON);

export type PasswordOwner = { email?: string | null; name?: string | null; /** usernames: known to anyone who sees the user list. */ username?: string | null };

/**
 * The estimator, built once on first use: importing and ranking the
 * dictionaries takes most of a second, which no request that sets no
 * password should pay, and no later request should pay again.
 */
let estimator: Promise<ZxcvbnFactory> | undefined;

function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, language] = await Promise.all([import("@zxcvbn-ts/core"), import("@zxcvbn-ts/language-common")]);
    return new ZxcvbnFactory({
      dictionary: { ...language.dictionary },
      graphs: language.adjacencyGraphs,
      // Feedback comes back as catalog keys: the refusal is keyed for the person's language, and worded in English for the API.
      translations: FEEDBACK_KEYS,
      // The default (100) makes a long passphrase cost up to 150 ms of blocked event loop;
      // 4 substitutions still catch "p4ssw0rd!" and keeps a check near 1 ms (docs/benchmarks.md).
      l33tMaxSubstitutions: 4,
      // A 64-character prefix that is already strong makes the whole strong; a weak one is judged weak.
      maxLength: 64,
    });
  })().catch((err: unknown) => {
    estimator = undefined;
    throw err;
  });
  return estimator;
}

/** Words an attacker knows about this person and this app: name, username, their parts, email local part and its parts, the domain's name. */
export function knownWords(owner: PasswordOwner): string[] {
  const words = new Set<string>(["latchkey"]);
  const add = (value: string) => {
    const v = value.normalize("NFKC").trim().toLowerCase();
    if (v.length < 3) return;
    words.add(v);
    const parts = v.split(/[^\p{L}\p{N}]+/u).filter((p) => p.length >= 3);
    for (const p of parts) words.add(p);
    // Neighbouring parts together ("bob builder", "bobbuilder"): zxcvbn matches whole known words.
    for (let i = 0; i + 1 < parts.length; i++) {
      words.add(`${parts[i]} ${parts[i + 1]}`);
      words.add(`${parts[i]}${parts[i + 1]}`);
    }
    if (parts.length > 2) words.add(parts.join(""));
  };
  if (owner.name) add(owner.name);
  if (owner.username) add(owner.username);
  if (owner.email) {
    const email = owner.email.trim();
    const at = email.lastIndexOf("@");
    add(email);
    if (at > 0) {
      add(email.slice(0, at));
      add(email.slice(at + 1).split(".")[0] ?? "");
    }
  }
  return [...words];
}

/** zxcvbn's estimate for a password of this person (exported for the benchmark). */
export async function estimatePassword(password: string, owner: PasswordOwner): Promise<ZxcvbnResult> {
  return (await loadEstimator()).check(normalisePassword(password), knownWords(owner));
}

/** Why a password is refused: the English words (as the API says them) and their catalog entry. */
export type PasswordProblem = { text: string; ref: MessageRef };

const WARNING_DEFAULT = "This password would be easy to guess.";
const SUGGESTION_DEFAULT = "Add another word or two; uncommon words are better.";

/** Why a password is refused, in words a person can act on (with its catalog entry); null when it is strong enough. */
export async function passwordWeakness(password: string, owner: PasswordOwner): Promise<PasswordProblem | null> {
  const normal = normalisePassword(password).toLowerCase();
  if (isCommonPassword(password)) return { text: TOO_COMMON, ref: { key: "passwordTooCommon" } };
  for (const own of [owner.email, owner.name]) {
    if (own && own.normalize("NFKC").trim().toLowerCase() === normal) return { text: "Password must not be your email or name", ref: { key: "passwordIsEmailOrName" } };
  }
  const result = await estimatePassword(password, owner);
  if (result.score >= MIN_SCORE) return null;
  const warning = feedbackKey(result.feedback.warning);
  const suggestion = feedbackKey(result.feedback.suggestions[0]);
  const why = warning ? feedbackEnglish(warning) : WARNING_DEFAULT;
  const hint = suggestion ? feedbackEnglish(suggestion) : SUGGESTION_DEFAULT;
  return {
    text: `${why} ${hint}`,
    ref: { key: "passwordWeak", params: { warning: { key: warning ?? "passwordWarningDefault" }, suggestion: { key: suggestion ?? "passwordSuggestionDefault" } } },
  };
}

/** Why a password is refused, in words a person can act on; null when it is strong enough. */
export async function passwordProblem(password: string, owner: PasswordOwner): Promise<string | null> {
  return (await passwordWeakness(password, owner))?.text ?? null;
}

/** Refuses a weak password with a field error on `field` (keyed: a form shows it in the person's language). */
export async function assertPasswordAllowed(password: string, owner: PasswordOwner, field: string): Promise<void> {
  const problem = await passwordWeakness(password, owner);
  if (problem) throw new Invalid("Invalid input", { [field]: [problem.text] }).keyed(problem.ref.key, problem.ref.params, problem.text);
}
