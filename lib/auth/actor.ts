/**
 * Who is asking. Every service function takes an Actor and checks permission
 * itself; pages and routes only find out who the actor is.
 */
import type { Locale } from "@/i18n/locales";
import type { Role } from "@/lib/db/schema";
import type { Permission } from "./permissions";

type ActorBase = {
  accountId: string;
  userId: string;
  /** The primary role (NetBird's `role`). */
  role: Role;
  /**
   * The effective permissions, resolved once per request (and again under
   * the write lock): primary role ∪ extra roles ∪ group-granted roles, narrowed
   * by a token's scope. Absent only on actors built by hand (tests): then the
   * primary role's built-in permissions apply.
   */
  permissions?: ReadonlySet<Permission>;
};

export type SessionActor = ActorBase & {
  kind: "session";
  sessionId: string;
  /** Signed in with a generated or reset password: may do nothing but choose a new one. */
  mustChangePassword: boolean;
};
export type TokenActor = ActorBase & {
  kind: "token";
  tokenId: string;
  /** The token's scope as stored: null = all of its owner's permissions. */
  scope?: readonly Permission[] | null;
};
/**
 * An operator's command on the server (`npm run users`): no person signed in;
 * whoever holds the data directory and key is trusted with the account. Acts
 * with the owner's built-in permissions; recorded as the system, labelled
 * with the command.
 */
export type SystemActor = ActorBase & { kind: "system"; label: string };
export type Actor = SessionActor | TokenActor | SystemActor;

/** Where a request came from, recorded on sessions and activity events. */
export type RequestMeta = {
  ip: string | null;
  userAgent: string | null;
  /** The browser's device cookie (lib/http/device-cookie.ts); absent for clients without one. */
  device?: string | null;
  /** The language the person chose on this browser (the locale cookie), remembered for their mail at sign-in. */
  locale?: Locale | null;
};

/** Where a change came from when no request is behind it (maintenance, a reaction, the mail sender): nowhere. */
export const NO_REQUEST: RequestMeta = Object.freeze({ ip: null, userAgent: null });
