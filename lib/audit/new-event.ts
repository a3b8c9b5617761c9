/** An activity event as its writers describe it, before it is sealed into the chain (./record.ts). */
import type { RequestMeta } from "@/lib/auth/actor";

export type EventParty = {
  type: "user" | "token" | "system" | "anonymous";
  id: string | null;
  /** A human label (name or email); stored encrypted. */
  label?: string | null;
};

export type NewEvent = {
  accountId: string;
  action: string;
  actor: EventParty;
  target?: { type: string; id: string; label?: string | null };
  /** Reason codes, changed fields and their values; never passwords, tokens or personal data. */
  details?: Record<string, unknown>;
  /** Before/after values that are personal data (names, emails); stored encrypted. */
  privateDetails?: Record<string, unknown>;
  meta: RequestMeta;
  at?: Date;
};
