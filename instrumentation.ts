/**
 * Runs once when the server starts: loads keys, opens the database and applies
 * migrations, so a wrong encryption key stops the server before it serves.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startUp } = await import("./lib/startup");
  await startUp();
}

/**
 * Every error a page, layout or route handler lets through to Next.js: one that is the database's (it can't serve
 * now) is logged in one line and its request answered 503 instead of 500 (lib/ops/unavailable-answer.ts, published
 * by lib/startup.ts; called in the request's own context, synchronously, before Next.js writes the answer's head).
 */
export function onRequestError(err: unknown): void {
  const pages = (globalThis as Record<symbol, { noteError(err: unknown): void } | undefined>)[Symbol.for("latchkey.unavailablePages")];
  pages?.noteError(err);
}
