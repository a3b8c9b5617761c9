/**
 * The request limits of the sign-in-adjacent forms and endpoints, each in one
 * place with its setting (lib/config.ts). Sign-in itself has its own growing
 * delays (lib/auth/sign-in-throttle.ts).
 */
import "server-only";
import { config } from "@/lib/config";
import type { ServerMessageKey } from "@/lib/errors";
import { minutesToWait, type RateLimit } from "./rate-limit";

const FIFTEEN_MINUTES = 15 * 60;

function waitFor(what: string, messageKey: ServerMessageKey): Pick<RateLimit, "messageFor" | "messageKey"> {
  return {
    messageFor: (seconds: number) => {
      const minutes = minutesToWait(seconds);
      return `Too many ${what}. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
    },
    messageKey,
  };
}

/** First-run setup, per client address: each attempt costs a password hash. */
export function setupLimit(): RateLimit {
  return {
    name: "setup",
    points: config().setupAttemptsPer15Min,
    durationSeconds: FIFTEEN_MINUTES,
    message: "Too many setup attempts",
    ...waitFor("setup attempts", "tooManySetupAttempts"),
  };
}

/** Password changes, per user: the current password is checked, so this is also a guessing limit. */
export function passwordChangeLimit(): RateLimit {
  return {
    name: "password-change",
    points: config().passwordChangeAttemptsPer15Min,
    durationSeconds: FIFTEEN_MINUTES,
    message: "Too many password change attempts",
    ...waitFor("password change attempts", "tooManyPasswordChanges"),
  };
}

/**
 * Passwordless passkey challenges per client address: every sign-in page asks for one (and its
 * autofill renews it every few minutes), and each is a row until it expires.
 */
export function passkeyChallengeIpLimit(): RateLimit {
  return { name: "passkey-challenge-ip", points: 120, durationSeconds: FIFTEEN_MINUTES, message: "Too many requests", ...waitFor("requests", "tooManyRequests") };
}

// email: "Forgot password?" and its links

/** Reset-link requests per client address (each may send a mail). */
export function passwordResetIpLimit(): RateLimit {
  return { name: "password-reset-ip", points: 20, durationSeconds: FIFTEEN_MINUTES, message: "Too many requests", ...waitFor("requests", "tooManyRequests") };
}

/** Reset-link requests per email: a person's inbox is not to be flooded. */
export function passwordResetEmailLimit(): RateLimit {
  return { name: "password-reset-email", points: 3, durationSeconds: FIFTEEN_MINUTES, message: "Too many requests", ...waitFor("requests", "tooManyRequests") };
}

/** Tries of reset (and email confirmation) links per client address: a limit on guessing them. */
export function passwordResetConfirmLimit(): RateLimit {
  return { name: "password-reset-confirm", points: 30, durationSeconds: FIFTEEN_MINUTES, message: "Too many attempts", ...waitFor("attempts", "tooManyAttempts") };
}
