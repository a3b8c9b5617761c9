/**
 * What one request to the OpenID provider keeps while it is served (an
 * AsyncLocalStorage opened by lib/sign-in/app-sign-in-http.ts around the
 * provider's own middleware):
 *  - answers that can't change within the request, looked up once (the
 *    application behind a client_id is asked for three or four times per
 *    request: the client, its secret, the person's access, the grant);
 *  - on the token endpoint, the adapter's writes (consume the old refresh
 *    token, save the new one, save the access token, revoke a reused chain),
 *    applied together in ONE unit of work when the provider has finished and
 *    before its answer leaves: one transaction per grant, not three. Reads of
 *    the same request see those writes (./adapter.ts looks here first). The
 *    same on the authorization request (the interaction it starts, a provider
 *    session's renewal) and on the interaction, which resumes the authorization
 *    request in the same request (the grant, the activity event, the
 *    interaction's result, the provider session, the code, the spent
 *    interaction): one transaction each.
 * Outside a provider request (the interaction, tests, jobs) there is no
 * scope: lookups are not shared and writes commit at once.
 */
import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { SessionActor } from "@/lib/auth/actor";
import { freshActor } from "@/lib/auth/fresh-actor";
import { writeOneStatement, writeSystem } from "@/lib/data/unit-of-work";
import { Unauthenticated } from "@/lib/errors";
import type { Tx } from "@/lib/db/database";
import type { CountersRead } from "@/lib/security/rate-limit";
import type { SessionSignIn } from "@/lib/sessions/sessions";
import { readRequestStart } from "./request-start";

export type DeferredWrite = (tx: Tx) => Promise<void>;

/**
 * A deferred write that is one statement, atomic by itself, which the token endpoint may send alone on
 * PostgreSQL, outside the instance's write lock (flushDeferredWrites below, lib/data unit-of-work.ts
 * writeOneStatement). Only adapter.ts consumeThenUpsert makes one.
 */
export type AloneStatement = { alone?: (q: Tx) => Promise<void> };

/** A live Latchkey session's person, and when and how that session was signed in to (read only when asked: a silent renewal). */
export type SignedInForApps = {
  userId: string;
  /** When and how the session was signed in to (a max_age to check; its acr and amr: ./authentication-context.ts); null when it ended. */
  signIn: () => Promise<SessionSignIn | null>;
  /** The session is one factor and a new sign-in would give two (lib/sign-in/step-up.ts). */
  couldStepUp: (signIn: SessionSignIn) => Promise<boolean>;
  /** Who they are as the provider's pages name them (lib/users/records.ts signedInLabel). */
  label: () => Promise<string>;
  session: SessionActor;
};

export type RequestScope = {
  memo: Map<string, Promise<unknown>>;
  /** Asked before the provider uses a client (./attempt-limits.ts: has it used up its failures?). */
  beforeClient?: (clientId: string) => Promise<void>;
  /** The request's live Latchkey session if it may sign in to apps as it is, else null (lib/sign-in/app-sign-in-http.ts). */
  signedInForApps?: () => Promise<SignedInForApps | null>;
  /** Guessing limits' counters (store keys) to read with the cache versions (./request-start.ts; ./attempt-limits.ts names them). */
  startCounterKeys: string[];
  /** Those counters as read, once the cache versions were (absent before, or when the database reads them apart). */
  startCounters?: CountersRead;
  /**
   * Rows read along with another (on PostgreSQL a token's lookup brings its grant: ./adapter.ts), by model name and
   * digest; null: known not to exist. The provider's own lookup of them then needs no round trip.
   */
  prefetched: Map<string, unknown | null>;
  /** User codes looked up in this request that matched no device (./attempt-limits.ts counts them). */
  userCodeMisses: number;
  /** Present when writes are deferred to the end of the request (the token endpoint). */
  deferred?: {
    writes: DeferredWrite[];
    /** Models this request wrote (null: deleted), by name and digest: its reads see them. */
    models: Map<string, unknown | null>;
    /** Models this request read from the database, by name and digest (a consume after a find needn't read again). */
    read: Map<string, { row: unknown; grantId?: string }>;
  };
};

const holder = globalThis as unknown as { latchkeyOidcRequestScope?: AsyncLocalStorage<RequestScope> };
const storage = (holder.latchkeyOidcRequestScope ??= new AsyncLocalStorage<RequestScope>());

export function runInRequestScope<T>(scope: RequestScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn);
}

export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}

/** load() once per request and key (every call when there is no request scope). */
export function oncePerRequest<T>(key: string, load: () => Promise<T>): Promise<T> {
  const scope = storage.getStore();
  if (!scope) return load();
  let held = scope.memo.get(key) as Promise<T> | undefined;
  if (!held) {
    held = load();
    scope.memo.set(key, held);
    // A failed load is not kept: the next caller tries again.
    held.catch(() => scope.memo.delete(key));
  }
  return held;
}

/** The request's key for the person-and-app check (lib/oidc/provider.ts personForApp; ./adapter.ts fills it along with a token). */
export const personMemoKey = (sub: string, clientId: string) => `person:${sub}:${clientId}`;

/**
 * The stored version of a cross-process cache (lib/data/cache-version.ts) for this request: every
 * version is read once per request in one query (the provider's keys and the applications are
 * both asked for on every request), instead of one read per cache.
 */
export async function cacheVersionNow(name: string): Promise<number> {
  const versions = await oncePerRequest("cache-versions", async () => {
    const scope = storage.getStore();
    const read = await readRequestStart(scope?.startCounterKeys ?? []);
    if (scope && read.counters.size > 0) scope.startCounters = read.counters;
    return read.versions;
  });
  return versions.get(name) ?? 0;
}

/**
 * A scope for one provider request; on the token endpoint its writes are deferred (flushDeferredWrites).
 * `startCounterKeys`: counters to read along with the cache versions (./request-start.ts).
 */
export function newRequestScope(deferWrites: boolean, startCounterKeys: string[] = []): RequestScope {
  return {
    memo: new Map(),
    prefetched: new Map(),
    userCodeMisses: 0,
    startCounterKeys,
    deferred: deferWrites ? { writes: [], models: new Map(), read: new Map() } : undefined,
  };
}

/**
 * A write of this request: held for the request's one unit of work when it defers its writes,
 * otherwise committed now in its own.
 */
export async function writeInRequest(fn: DeferredWrite): Promise<void> {
  const deferred = storage.getStore()?.deferred;
  if (deferred) deferred.writes.push(fn);
  else await writeSystem(fn);
}

/**
 * Applies the request's deferred writes in one unit of work, whatever the answer (a reused refresh
 * token's clean-up must persist). Further writes of the request are not deferred.
 */
export async function flushDeferredWrites(scope: RequestScope, write: (fn: (tx: Tx) => Promise<void>) => Promise<void>): Promise<void> {
  const deferred = scope.deferred;
  scope.deferred = undefined;
  if (!deferred || deferred.writes.length === 0) return;
  // A refresh grant's or code exchange's only write, the consume-and-mint, is one statement that keeps
  // the rules by its own locks (./adapter.ts consumeAndMintStatement): on PostgreSQL it goes alone,
  // without the instance's write lock (one round trip instead of three, and no other writer waits).
  const only = deferred.writes.length === 1 ? (deferred.writes[0] as DeferredWrite & AloneStatement) : undefined;
  if (only?.alone && (only as { rows?: Map<string, unknown> }).rows?.size) {
    const alone = only.alone;
    const sent = await writeOneStatement(alone);
    if (sent) return;
  }
  await write(async (tx) => {
    for (const apply of deferred.writes) await apply(tx);
  });
}

/**
 * The Latchkey session an app sign-in was decided on ended before the sign-in's writes committed: signed out,
 * "sign out everywhere", a new password, blocked (whatever ended it committed first under the write lock).
 */
export class SignedOutMeanwhile extends Error {
  constructor() {
    super("the session this sign-in was decided on ended meanwhile");
  }
}

/**
 * An app sign-in decided on the browser's Latchkey session (the interaction's decision, or a silent prompt=none
 * answer) commits only while that session is live: the check goes with the request's writes (the grant, the
 * code, the provider session), into their one unit of work. The session was read when the request began; a
 * revocation committing between that read and these writes (the person's "sign out everywhere", a reset link)
 * ended the person's grants and tokens as they were then, and the code this request was about to store would
 * have outlived it, good for tokens for as long as the refresh token lives (review 16). Now those writes roll
 * back (SignedOutMeanwhile); a revocation that comes after them ends what they stored.
 */
export async function whileSignedIn(session: SessionActor): Promise<void> {
  await writeInRequest(async (tx) => {
    try {
      await freshActor(tx, session);
    } catch (err) {
      throw err instanceof Unauthenticated ? new SignedOutMeanwhile() : err;
    }
  });
}
