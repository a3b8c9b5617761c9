/**
 * Who is asking. Every service function takes an Actor and checks permission
 * itself; pages and routes only find out who the actor is.
 */
import type { Role } from "@/lib/db/schema";

type ActorBase = { accountId: string; userId: string; role: Role };

export type SessionActor = ActorBase & {
  kind: "session";
  sessionId: string;
  /** Signed in with a generated or reset password: may do nothing but choose a new one. */
  mustChangePassword: boolean;
};
export type TokenActor = ActorBase & { kind: "token"; tokenId: string };
export type Actor = SessionActor | TokenActor;

/** Where a request came from, recorded on sessions and activity events. */
export type RequestMeta = { ip: string | null; userAgent: string | null };
