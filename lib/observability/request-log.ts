/**
 * Who a request acted as, for its log line. scripts/server.mjs runs every
 * request inside an AsyncLocalStorage it publishes on globalThis (lib/ cannot
 * be imported there); once the API or a page knows the actor, it notes the
 * user id here and the server's log line carries it. Only ids: never a token,
 * an email or a name.
 */
type RequestStore = { actorId: string | null };
type Storage = { getStore(): RequestStore | undefined };

export function noteRequestActor(actorId: string): void {
  const storage = (globalThis as unknown as Record<symbol, Storage | undefined>)[Symbol.for("latchkey.requestContext")];
  const store = storage?.getStore();
  if (store) store.actorId = actorId;
}
