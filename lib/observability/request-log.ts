/**
 * Who a request acted as, for its log line. scripts/server.mjs runs every
 * request inside an AsyncLocalStorage it publishes on globalThis (lib/ cannot
 * be imported there); once the API or a page knows the actor, it notes the
 * user id here and the server's log line carries it. Only ids: never a token,
 * an email or a name.
 */
type RequestStore = { actorId: string | null; databaseUnavailable?: boolean };
type Storage = { getStore(): RequestStore | undefined };

/** This request's store (none outside a request, and in dev mode before scripts/server.mjs published it). */
function requestStore(): RequestStore | undefined {
  return (globalThis as unknown as Record<symbol, Storage | undefined>)[Symbol.for("latchkey.requestContext")]?.getStore();
}

export function noteRequestActor(actorId: string): void {
  const store = requestStore();
  if (store) store.actorId = actorId;
}

/**
 * This request met a database that can't serve (lib/db/unavailable.ts) in a place whose error reached Next.js or
 * Auth.js rather than our own error mapping: scripts/server.mjs then answers a page's 500 with the 503
 * (lib/ops/unavailable-answer.ts), and the Auth.js route answers 503 instead of what Auth.js made of it.
 */
export function noteRequestDatabaseUnavailable(): void {
  const store = requestStore();
  if (store) store.databaseUnavailable = true;
}

/** Whether noteRequestDatabaseUnavailable was called in this request. */
export function requestMetDatabaseUnavailable(): boolean {
  return requestStore()?.databaseUnavailable === true;
}
