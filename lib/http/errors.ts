/**
 * Turns anything a route handler throws into the API's error shape:
 * {"message", "code"} plus "errors" for field validation; a 401 names the scheme in WWW-Authenticate. Unknown errors are
 * logged and answered with a bare 500, never with a stack trace; a database that can't serve now
 * (lib/db/unavailable.ts) is a 503 with Retry-After.
 */
import "server-only";
import type { ServerResponse } from "node:http";
import { conflictFromConstraint } from "@/lib/db/constraint-errors";
import { unavailableFromDatabase } from "@/lib/db/unavailable";
import { BodyCutShort, BodyTooLarge, Conflict, DomainError, Invalid, RateLimited, Unauthenticated, Unavailable } from "@/lib/errors";

export function errorResponse(thrown: unknown): Response {
  const err = conflictFromConstraint(thrown) ?? unavailableFromDatabase(thrown) ?? thrown;
  if (err instanceof DomainError) {
    const body: Record<string, unknown> = { message: err.message, code: err.status };
    if ((err instanceof Invalid || err instanceof Conflict) && Object.keys(err.fieldErrors).length > 0) body.errors = err.fieldErrors;
    const headers = new Headers({ "content-type": "application/json" });
    if (err instanceof RateLimited || err instanceof Unavailable) headers.set("retry-after", String(err.retryAfterSeconds));
    // RFC 9110 § 15.5.2: a 401 says how to authenticate. `Token <token>` (NetBird's word) is taken as well.
    if (err instanceof Unauthenticated) headers.set("www-authenticate", 'Bearer realm="Latchkey API"');
    // The rest of an over-size body is never read; the client must not reuse this connection.
    if (err instanceof BodyTooLarge) headers.set("connection", "close");
    return new Response(JSON.stringify(body), { status: err.status, headers });
  }
  console.error("Unhandled error in API route:", err);
  return Response.json({ message: "Internal server error", code: 500 }, { status: 500 });
}

/** The API's error shape written to a Node response; a response already under way is cut off instead. */
function sendJsonError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ message, code: status });
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

/**
 * The same rule for the handlers that write a Node response themselves (the sign-in form's POST and the
 * OpenID provider's paths, answered before Next.js: lib/startup.ts, lib/sign-in/credentials-http.ts,
 * lib/sign-in/app-sign-in-http.ts): a database that can't serve now is a 503 with Retry-After (review 18: they
 * answered 500 during a PostgreSQL outage); anything else is logged under `what` and answered with a bare 500.
 */
export function sendUnexpectedError(res: ServerResponse, thrown: unknown, what: string): void {
  const unavailable = unavailableFromDatabase(thrown);
  if (!unavailable) {
    console.error(`${what} failed:`, thrown);
    return sendJsonError(res, 500, "Internal server error");
  }
  sendJsonError(res, 503, unavailable.message, { "retry-after": String(unavailable.retryAfterSeconds) });
}

/**
 * For the same handlers: a body their reader refused (lib/http/node-body.ts) is answered with its own status and
 * words (413 over the limit, with the connection closed as errorResponse does; 400 cut short), anything else as
 * sendUnexpectedError.
 */
export function sendHandlerError(res: ServerResponse, thrown: unknown, what: string): void {
  if (thrown instanceof BodyTooLarge) return sendJsonError(res, thrown.status, thrown.message, { connection: "close" });
  if (thrown instanceof BodyCutShort) return sendJsonError(res, thrown.status, thrown.message);
  sendUnexpectedError(res, thrown, what);
}
