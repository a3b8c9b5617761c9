/**
 * The caller of a long-running read, as they are now. A request is authenticated once, when it
 * arrives; a streamed download (an activity export, the unpaged audit log, the users export) can run
 * for minutes after that. Between batches such a read asks for its caller again: re-read on committed
 * data by the rule every write uses (freshActor: blocked, deleted, session or token gone or expired,
 * permissions resolved again), then the read's own permission check runs on the answer. A role taken
 * away, a block, a deletion or a revoked token or session ends the read at its next batch.
 *
 * Cheap: the caller is read again only when something was committed since the last look
 * (Engine.committedVersion, as lib/tokens/access-tokens.ts and lib/users/list-cache.ts use it); with
 * nothing written meanwhile a batch costs a number compared.
 *
 * Each look first lets the event loop turn. On SQLite every read resolves without one (better-sqlite3
 * is synchronous), and the response is written without waiting, so a stream ran from its first batch to
 * its last without this process answering any other request: the revocation meant to end it waited
 * for it to finish, and so did everyone else (an export of 100,000 events held the server ~20 s).
 */
import "server-only";
import { setImmediate as nextTurn } from "node:timers/promises";
import { db, engine } from "@/lib/db/database";
import type { Actor } from "./actor";
import { freshActor } from "./fresh-actor";

/** The caller as they are now; throws Unauthenticated when they may no longer act at all. */
export type CurrentCaller = () => Promise<Actor>;

export function currentCaller(actor: Actor): CurrentCaller {
  let seen: { version: number | string; actor: Actor } | undefined;
  return async () => {
    await nextTurn();
    // Read before the caller: a commit landing between the two makes what is kept look older, never newer.
    const pending = engine().committedVersion();
    const version = typeof pending === "number" ? pending : await pending;
    if (seen?.version !== version) seen = { version, actor: await freshActor(db(), actor) };
    return seen.actor;
  };
}
