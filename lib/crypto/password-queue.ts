/**
 * The queue in front of password hashing (argon2id, bcrypt). Every hash and verification waits for one of the
 * process's slots (PASSWORD_HASH_CONCURRENCY): they run on libuv's thread pool, which compression and file reads
 * share, so a burst of sign-ins would otherwise take every thread and core and make each other response wait.
 *
 * The slots alone kept the other requests fast, but not the sign-ins (review 25): anyone on the internet can make
 * the server check a password (a made-up email costs the dummy verification), and from many addresses the
 * per-address throttle lets each of them through for a while. 200 such requests at once made the owner's own
 * sign-in wait 10–14 s behind them in one first-come queue, and more made it wait longer, without bound, each
 * waiting request held in memory. So a sign-in is one of two kinds:
 * - a stranger's (`"stranger"`): a browser not known to the person it names (lib/mail/reactions.ts remembers the
 *   device cookies people signed in with), or a name that is nobody's. Strangers get a bounded share: at most
 *   STRANGERS_PER_SLOT per slot at once (from before the throttle writes anything to the end of the
 *   check); one more is refused at once (StrangerQueueFull, said as "try again" by the sign-in), and they
 *   enter the slots' queue one slot's worth at a time (the stranger gate).
 * - everything else (`"known"`): a browser the person signed in with before, and every hash that isn't an
 *   anonymous sign-in's (setup, an invite's or reset link's password, a password change). These queue for the
 *   slots directly, behind at most one round of strangers: a flood of strangers delays them by one
 *   verification's time, not by the flood's length.
 * The device cookie is not a credential (anyone can send one): knowing a real one only buys the right to wait
 * in the short queue; the throttle and the password decide the rest, as before.
 */
import "server-only";
import pLimit, { type LimitFunction } from "p-limit";
import { config } from "@/lib/config";

export type CheckLane = "known" | "stranger";

/** Strangers at once per hash slot; more are refused. With 2 slots and ~50 ms a check, about 1.5 s of waiting. */
export const STRANGERS_PER_SLOT = 16;

/** A stranger's sign-in found the strangers' share full: refused before anything is counted, looked up or hashed. */
export class StrangerQueueFull extends Error {
  constructor() {
    super("Too many sign-ins from unknown browsers at once");
  }
}

// On globalThis: Next.js bundles instrumentation (which answers the sign-in form, lib/sign-in/credentials-http.ts)
// and routes separately; the slots are the process's, one queue for every bundle.
type Queue = { slots: LimitFunction; strangerGate: LimitFunction; strangers: number };
const holder = globalThis as unknown as { latchkeyPasswordQueue?: Queue };

function queue(): Queue {
  const concurrency = config().passwordHashConcurrency;
  holder.latchkeyPasswordQueue ??= { slots: pLimit(concurrency), strangerGate: pLimit(concurrency), strangers: 0 };
  return holder.latchkeyPasswordQueue;
}

/** Runs one password computation when a slot is free; a stranger's enters the slots' queue through the gate. */
export function inHashSlot<T>(work: () => Promise<T>, lane: CheckLane = "known"): Promise<T> {
  const { slots, strangerGate } = queue();
  return lane === "stranger" ? strangerGate(() => slots(work)) : slots(work);
}

/**
 * Runs a stranger's whole sign-in attempt in one of the strangers' places, or throws StrangerQueueFull when all
 * STRANGERS_PER_SLOT × slots are taken. A known lane's attempt just runs.
 */
export async function inSignInPlace<T>(lane: CheckLane, attempt: () => Promise<T>): Promise<T> {
  if (lane === "known") return attempt();
  const q = queue();
  if (q.strangers >= STRANGERS_PER_SLOT * config().passwordHashConcurrency) throw new StrangerQueueFull();
  q.strangers += 1;
  try {
    return await attempt();
  } finally {
    q.strangers -= 1;
  }
}
