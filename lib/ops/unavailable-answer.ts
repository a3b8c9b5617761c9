/**
 * The answer to a request the database couldn't serve, where no route of ours wrote one (review 18 left these at
 * 500): a page (a server component that read the database; Next.js can't give a page another status, so
 * scripts/server.mjs puts this answer in place of Next's 500, lib/startup.ts) and Auth.js's routes (which catch
 * the error themselves, app/api/auth/[...nextauth]/route.ts). A browser loading a page gets a page in its
 * language saying so, with a link to try again; anything else the API's JSON. Both are 503 with Retry-After and
 * never carry the error's text: the log has its one line (lib/db/unavailable.ts).
 */
import "server-only";
import type { IncomingHttpHeaders } from "node:http";
import type { NextRequest } from "next/server";
import { databaseTroubleLine } from "@/lib/db/unavailable";
import { Unavailable } from "@/lib/errors";
import { noteRequestDatabaseUnavailable, requestMetDatabaseUnavailable } from "@/lib/observability/request-log";
import { PAGE_POLICY, unavailablePage, viewerOf } from "@/lib/oidc/pages";
import { SECURITY_HEADERS } from "@/lib/http/security-headers";

export type UnavailableAnswer = { status: 503; headers: Record<string, string>; body: string };

/** Whether the request is a browser loading a page (a navigation), not a script or the app's own fetch. */
function wantsPage(method: string, headers: IncomingHttpHeaders): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  if (headers["rsc"] !== undefined || headers["next-action"] !== undefined) return false;
  const accept = headers.accept;
  return typeof accept === "string" && accept.includes("text/html");
}

/** The 503 for `method` `url` (a path and query, as the request line had it) under these request headers. */
export function unavailableAnswer(method: string, url: string, headers: IncomingHttpHeaders): UnavailableAnswer {
  const unavailable = new Unavailable();
  const common: Record<string, string> = {
    "cache-control": "no-store",
    "retry-after": String(unavailable.retryAfterSeconds),
    ...Object.fromEntries(SECURITY_HEADERS.map(({ key, value }) => [key.toLowerCase(), value])),
  };
  if (wantsPage(method, headers)) {
    // Try again: the same address (a path here: "//host" and "/\\host" would be another site's).
    const retry = /^\/(?![/\\])/.test(url) ? url : "/";
    const body = unavailablePage(viewerOf(headers), retry);
    return { status: 503, headers: { ...common, "content-type": "text/html; charset=utf-8", "content-security-policy": PAGE_POLICY, "content-length": String(Buffer.byteLength(body)) }, body };
  }
  const body = JSON.stringify({ message: unavailable.message, code: 503 });
  return { status: 503, headers: { ...common, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }, body };
}

/** The same answer as a fetch Response (route handlers). */
export function unavailableResponse(request: Request): Response {
  const url = new URL(request.url);
  const headers = Object.fromEntries(request.headers.entries());
  const answer = unavailableAnswer(request.method, `${url.pathname}${url.search}`, headers);
  return new Response(request.method === "HEAD" ? null : answer.body, { status: answer.status, headers: answer.headers });
}

/**
 * Next.js's onRequestError (instrumentation.ts) for every error a page, layout or route handler let through: one
 * that is the database's (lib/db/unavailable.ts) is logged in its one line, and the request is noted, so that
 * scripts/server.mjs answers it 503 (unavailableAnswer) where Next.js would answer 500.
 */
export function noteRequestError(err: unknown): void {
  const line = databaseTroubleLine(err);
  if (!line) return;
  noteRequestDatabaseUnavailable();
  console.error(`A page could not be served: ${line}`);
}

/** What scripts/server.mjs asks of a page request's answer (published by lib/startup.ts). */
export const unavailablePages = { noteError: noteRequestError, answer: unavailableAnswer };

/**
 * A route handler that answers unavailableResponse when the database couldn't serve it: thrown out of it, or caught
 * inside it by a library that makes something else of it and noted (Auth.js: its session route would answer "no
 * session" and clear the cookie, its callback send the browser to the sign-in page with an error; lib/sign-in/nextauth.ts notes it).
 */
export function answeringDatabaseOutage(handler: (req: NextRequest) => Promise<Response>): (req: NextRequest) => Promise<Response> {
  return async (req) => {
    let response: Response;
    try {
      response = await handler(req);
    } catch (err) {
      const line = databaseTroubleLine(err);
      if (!line) throw err;
      console.error(`A request was answered 503: ${line}`);
      return unavailableResponse(req);
    }
    return requestMetDatabaseUnavailable() ? unavailableResponse(req) : response;
  };
}
