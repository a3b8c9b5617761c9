/** An activity event as its writers describe it, before it is sealed into the chain (./record.ts). */
import type { Actor, RequestMeta } from "@/lib/auth/actor";

export type EventParty = {
  type: "user" | "token" | "system" | "anonymous";
  id: string | null;
  /** A human label (name or email); stored encrypted. */
  label?: string | null;
};

/** The hourly maintenance pass, as the activity log names it (lib/jobs.ts). */
export const MAINTENANCE_PARTY: EventParty = { type: "system", id: null, label: "Maintenance" };

export type NewEvent = {
  accountId: string;
  action: string;
  /**
   * Who did it: a party as it is to be recorded, or the Actor of the unit of work, labelled as it is when the
   * event is appended (its name after the unit of work's own changes: ./actor-party.ts), read with the chain head.
   */
  actor: EventParty | Actor;
  target?: { type: string; id: string; label?: string | null };
  /** Reason codes, changed fields and their values; never passwords, tokens or personal data. */
  details?: Record<string, unknown>;
  /** Before/after values that are personal data (names, emails); stored encrypted. */
  privateDetails?: Record<string, unknown>;
  meta: RequestMeta;
  at?: Date;
};

/** An event with its actor labelled: what is sealed into the chain and indexed. */
export type SealedEvent = Omit<NewEvent, "actor"> & { actor: EventParty };
