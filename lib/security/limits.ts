/**
 * The request limits of the sign-in-adjacent forms and endpoints, each in one
 * place with its setting (lib/config.ts). Sign-in itself has its own growing
 * delays (lib/security/sign-in-throttle.ts).
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

/**
 * Reset-link requests per email and day, beside the 15 minutes' budget: with a fresh client address for each window,
 * strangers had one inbox mailed 12 links an hour, every day (review 44). The person's own browser keeps its budget.
 */
export function passwordResetEmailDailyLimit(): RateLimit {
  return { name: "password-reset-email-day", points: 10, durationSeconds: 24 * 3600, message: "Too many requests", ...waitFor("requests", "tooManyRequests") };
}

/**
 * Reset-link requests per email from one of that person's own browsers (one they signed in with), once the
 * address's own limit is used up: a stranger's requests use up the address's limit, never the person's own way
 * back in. Keyed by address and browser.
 */
export function passwordResetOwnBrowserLimit(): RateLimit {
  return { name: "password-reset-own-browser", points: 3, durationSeconds: FIFTEEN_MINUTES, message: "Too many requests", ...waitFor("requests", "tooManyRequests") };
}

/** Tries of reset (and email confirmation) links per client address: a limit on guessing them. */
export function passwordResetConfirmLimit(): RateLimit {
  return { name: "password-reset-confirm", points: 30, durationSeconds: FIFTEEN_MINUTES, message: "Too many attempts", ...waitFor("attempts", "tooManyAttempts") };
}

/** "Confirm this address" (lib/users/email-change.ts), per person: each sends a mail to their address. */
export function emailConfirmationLimit(): RateLimit {
  return { name: "email-confirmation", points: 5, durationSeconds: FIFTEEN_MINUTES, message: "Too many requests", ...waitFor("requests", "tooManyRequests") };
}

/**
 * Changing one's own username (lib/users/own-username.ts), per person: each try tells whether a name is taken, so
 * a member without users:read can't list the account's usernames by trying them. Ten is far more than choosing one
 * takes.
 */
export function ownUsernameChangeLimit(): RateLimit {
  return { name: "own-username", points: 10, durationSeconds: FIFTEEN_MINUTES, message: "Too many attempts", ...waitFor("attempts", "tooManyAttempts") };
}

/**
 * Asking to change one's email (lib/users/email-change.ts), per person: each mails the new address, one
 * the person names, and the current one. A person with a password proves it under its own guessing limit;
 * this bounds everyone, also the accounts without one, whose requests nothing else limited.
 */
export function emailChangeRequestLimit(): RateLimit {
  return { name: "email-change-request", points: 5, durationSeconds: FIFTEEN_MINUTES, message: "Too many requests", ...waitFor("requests", "tooManyRequests") };
}

/**
 * Email change requests per person and day, beside the 15 minutes' budget: each mails an address the member names,
 * greeting it with the member's own name (one line, a link in it if they like), from the organisation's mail server;
 * 5 per 15 minutes was 480 such mails a day from one member (review 44). Ten is more than changing one's address takes.
 * "Confirm this address" spends the same budget: the address it mails is one nobody proved, so maybe not theirs.
 */
export function emailChangeRequestDailyLimit(): RateLimit {
  return { name: "email-change-request-day", points: 10, durationSeconds: 24 * 3600, message: "Too many requests", ...waitFor("requests", "tooManyRequests") };
}

/**
 * "Send test email", per person: each opens a connection to a server the owner names and reports how it
 * answered, so it is not to be a fast probe of the network (lib/mail/deliveries.ts).
 */
export function testEmailLimit(): RateLimit {
  return { name: "test-email", points: 10, durationSeconds: FIFTEEN_MINUTES, message: "Too many test emails", ...waitFor("test emails", "tooManyTestEmails") };
}

/**
 * Security notices (lib/mail/reactions.ts), per person: password or two-factor changed, a new access token,
 * a new browser. Each is caused by something the person (or whoever holds their password or a token) can
 * repeat in a loop, so without a budget a script made the instance mail for ever, using up the mail
 * provider's quota that invites and password resets need. The hour's first ones always go, so a burst can't
 * hide what happened; counted inside the unit of work (countWithinLimit), never refused.
 */
export function securityNoticeLimit(): Pick<RateLimit, "name" | "points" | "durationSeconds"> {
  return { name: "security-notices", points: 10, durationSeconds: 3600 };
}

/**
 * Failed sign-ins recorded one by one, per account and hour (FAILED_SIGN_IN_EVENTS_PER_HOUR; null: no cap):
 * attempts from many addresses, each within the sign-in throttle, otherwise grew the activity log without
 * bound. Counted in the unit of work that records them (countWithinLimit), never refused (lib/audit/failed-sign-in-cap.ts).
 */
export function failedSignInEventsLimit(): Pick<RateLimit, "name" | "points" | "durationSeconds"> | null {
  const points = config().failedSignInEventsPerHour;
  return points === null ? null : { name: "failed-sign-in-events", points, durationSeconds: 3600 };
}

/**
 * Invite mails (lib/invites/invites.ts: an invite sent by email, "Resend"), per invitee address: each mails
 * an outside address on the inviter's word, so a script with invites:create (a scoped automation token, at
 * its 600 requests a minute) mustn't be able to flood one inbox from the organisation's mail server.
 * Counted in the unit of work that queues the mail (countWithinLimit); past it the request is refused.
 */
export function inviteMailLimit(): RateLimit {
  return { name: "invite-mail-address", points: 5, durationSeconds: 3600, message: "Too many invite emails to this address", ...waitFor("invite emails to this address", "tooManyInviteEmails") };
}

/**
 * An admin's (or a script's) "Send reset link" (lib/users/password-reset.ts sendPasswordResetLink), per person: each
 * mails the person a new link, so a token with users:reset_password (600 requests a minute) mustn't be able to flood
 * their inbox from the organisation's mail server (review 44). Apart from the person's own "Forgot password?" budget,
 * which strangers use up; counted in the unit of work that queues the mail (countWithinLimit), past it refused.
 */
export function adminResetLinkLimit(): RateLimit {
  return { name: "reset-link-by-admin", points: 5, durationSeconds: 3600, message: "Too many reset emails to this person", ...waitFor("reset emails to this person", "tooManyResetEmails") };
}

/**
 * "Verify integrity" (lib/audit/verify.ts verifyActivityIntegrity), per person: each re-hashes the whole activity
 * log (about a second of CPU per 30,000 events), so anyone with events:read could keep the server busy by asking
 * again and again. `npm run verify-events` is not limited.
 */
export function activityVerifyLimit(): RateLimit {
  return { name: "activity-verify", points: 10, durationSeconds: FIFTEEN_MINUTES, message: "Too many requests", ...waitFor("requests", "tooManyRequests") };
}

// The OpenID provider (lib/oidc/attempt-limits.ts): failures, and flows started without a session; an app that authenticates is never counted.

/**
 * Failed attempts at the provider's token, introspection, revocation and device-authorization
 * endpoints (a wrong client secret, an unknown device code) per client address: guessing limits.
 */
export function oidcFailuresIpLimit(): RateLimit {
  return { name: "oidc-failures-ip", points: 30, durationSeconds: FIFTEEN_MINUTES, message: "Too many failed attempts", ...waitFor("failed attempts", "tooManyFailedAttempts") };
}

/** The same failures per client_id, from any address (guessing one app's secret or device codes from many addresses). */
export function oidcFailuresClientLimit(): RateLimit {
  return { name: "oidc-failures-client", points: 100, durationSeconds: FIFTEEN_MINUTES, message: "Too many failed attempts", ...waitFor("failed attempts", "tooManyFailedAttempts") };
}

/** User codes entered on /device that match no device, per client address: a limit on guessing them. */
export function oidcUserCodeIpLimit(): RateLimit {
  return { name: "oidc-user-code-ip", points: 20, durationSeconds: FIFTEEN_MINUTES, message: "Too many codes that didn't match", ...waitFor("codes that didn't match", "tooManyUnmatchedCodes") };
}

/**
 * User codes entered on /device that match no device, from every address together, by people without a
 * Latchkey session: a limit on guessing them from many addresses (RFC 8628 §5.1). A user code has
 * 20^8 ≈ 2.6·10^10 values, so 30 misses a minute (1.3·10^6 a month) hit a code with a chance of about
 * 5·10^-5 a month per code pending at all times (1 in 20,000). Its worst case: an attacker who uses it up
 * minute after minute refuses every person without a session on /device for as long as the attack lasts
 * (each window is a minute; the next is used up again). Signing in to Latchkey first is the way past it:
 * a signed-in person is held to their address's limit and their own (oidcUserCodePersonLimit) instead
 * (lib/oidc/attempt-limits.ts).
 */
export function oidcUserCodeGlobalLimit(): RateLimit {
  return { name: "oidc-user-code-all", points: 30, durationSeconds: 60, message: "Too many codes that didn't match", ...waitFor("codes that didn't match", "tooManyUnmatchedCodes") };
}

/**
 * User codes entered on /device that match no device, per signed-in person (their user id), from any
 * address: the shared budget above doesn't hold them, so one account's session used from many addresses
 * is bounded by this instead. The same size as the per-address limit.
 */
export function oidcUserCodePersonLimit(): RateLimit {
  return { ...oidcUserCodeIpLimit(), name: "oidc-user-code-person" };
}

/** Polls of one pending device code (keyed by its digest): one per interval, RFC 8628's default 5 seconds (lib/oidc/device-polling.ts). */
export function oidcDevicePollLimit(): RateLimit {
  return { name: "oidc-device-poll", points: 1, durationSeconds: 5, message: "Polling too fast" };
}

/**
 * OpenID flows started from one client address without a Latchkey session: device authorizations and
 * authorization requests. Each stores a row (a device code, a sign-in interaction) for anyone who asks,
 * so they are counted whether they succeed or not (OIDC_FLOW_STARTS_PER_5_MIN).
 */
export function oidcFlowStartsIpLimit(): RateLimit {
  return { name: "oidc-flow-starts-ip", points: config().oidcFlowStartsPer5Min, durationSeconds: 300, message: "Too many requests", ...waitFor("requests", "tooManyRequests") };
}
