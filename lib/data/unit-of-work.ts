/**
 * The one way to write. `write(actor, async (tx, me) => …)` opens a transaction
 * holding the instance's write lock (lib/db/engine.ts), re-reads the caller
 * under it (`me`: a demotion, block or sign-out that committed first stops the
 * write), and commits when the callback resolves. Inside it:
 *  - record the activity event with the same tx (lib/audit/record.ts), so the
 *    change and its event commit or roll back together;
 *  - tell other capabilities what happened with `emit` (./effects.ts): they
 *    react in the same transaction (a deleted user's tokens go with it);
 *  - queue in-process work for after the commit with `afterCommit`;
 *  - queue work that leaves the process (mail, webhooks) in the outbox
 *    (./outbox.ts), written in the same transaction.
 * Never call write() inside a unit of work: pass its tx down instead.
 */
import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { Actor } from "@/lib/auth/actor";
import { freshActor } from "@/lib/auth/fresh-actor";
import { engine, type Tx } from "@/lib/db/database";

type Unit = { tx: Tx; afterCommit: Array<() => void | Promise<void>> };

// On globalThis: Next.js bundles instrumentation and routes separately, and a reaction registered by
// one bundle (lib/reactions.ts at start-up) runs inside a unit of work opened by another (a route); with a
// store per bundle, its afterCommit/enqueue would not find the unit it runs in.
const holder = globalThis as unknown as { latchkeyUnitOfWork?: AsyncLocalStorage<Unit> };
const open = (holder.latchkeyUnitOfWork ??= new AsyncLocalStorage<Unit>());

/** A unit of work on behalf of the system (setup, sign-in, background jobs): no caller to re-read. */
export async function writeSystem<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (open.getStore()) throw new Error("write() inside a unit of work: pass its tx down instead of opening another");
  const effects: Unit["afterCommit"] = [];
  const result = await engine().transact((tx) => open.run({ tx, afterCommit: effects }, () => fn(tx)));
  for (const effect of effects) {
    try {
      await effect();
    } catch (err) {
      // The change is committed; an after-commit effect failing must not turn it into an error.
      console.error("An after-commit effect failed:", err);
    }
  }
  return result;
}

/** A unit of work on behalf of an actor: `me` is the actor as it is now, read under the write lock. */
export async function write<T>(actor: Actor, fn: (tx: Tx, me: Actor) => Promise<T>): Promise<T> {
  return writeSystem(async (tx) => fn(tx, await freshActor(tx, actor)));
}

/**
 * One statement that is atomic by itself and keeps its rules by its own locks, sent without the
 * instance's write lock (PostgreSQL: no BEGIN, no lock, no COMMIT; lib/db/engine.ts autocommit).
 * Returns false, sending nothing, where the engine has no such path (SQLite: the caller opens a unit of
 * work as usual). DESIGN: a write may skip the write lock only if (1) it is one statement, (2) it
 * records no activity event (the event hash chain is one chain: every append holds the write lock),
 * and (3) its locks (row locks, or the advisory locks lib/oidc/grants.ts names) order it against every
 * write that could contradict it — today only the token
 * endpoint's consume-and-mint (lib/oidc/adapter.ts consumeAndMintStatement, whose rule against
 * revocations lib/oidc/grants.ts lockPersonForRevocation keeps). No afterCommit, no effects, no outbox.
 */
export async function writeOneStatement(fn: (q: Tx) => Promise<void>): Promise<boolean> {
  if (open.getStore()) throw new Error("writeOneStatement() inside a unit of work: use its tx");
  const alone = engine().autocommit;
  if (!alone) return false;
  await alone(fn);
  return true;
}

/** The unit of work tx belongs to; a tx from elsewhere (or none) is a programming error. */
export function unitOf(tx: Tx): Unit {
  const unit = open.getStore();
  if (!unit || unit.tx !== tx) throw new Error("This needs the tx of the unit of work it runs in");
  return unit;
}

/** Runs effect after the unit of work commits (never when it rolls back). Errors are logged, not thrown. */
export function afterCommit(tx: Tx, effect: () => void | Promise<void>): void {
  unitOf(tx).afterCommit.push(effect);
}

/** True inside a unit of work (for code that must not open one, or must run in one). */
export function inUnitOfWork(): boolean {
  return open.getStore() !== undefined;
}
