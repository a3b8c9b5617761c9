/**
 * The sign-in form's POST (`POST /api/auth/callback/credentials`), answered by
 * Auth.js's own `handlers.POST` from scripts/server.mjs's hook (lib/startup.ts),
 * after the server's guards (forwarding-header rule, body cap, request log and
 * metrics) and before Next.js: Next.js's router and route handling cost about as
 * much main-thread time per sign-in as lib/ does (docs/benchmarks.md, round 11).
 *
 * What Next.js's route (app/api/auth/[...nextauth]/route.ts) gave this request,
 * it gets here, the same:
 * - Auth.js sees the request under publicOrigin() (never a forwarded header from
 *   an untrusted peer); as a NextRequest when AUTH_URL is set (next-auth reads `nextUrl`
 *   then, and the route crashed on its plain Request whenever the origins differed);
 * - the security headers next.config.ts adds to /api/* (lib/http/security-headers.ts,
 *   the one list both use);
 * - cookies set through `next/headers` in the sign-in (the pending second step's,
 *   ./second-step-cookie.ts) go through a request-scoped sink (./cookie-sink.ts) and
 *   are written by Next.js's own cookie serializer;
 * - proxy.ts does not run for /api/* (its matcher), so there is no page policy or
 *   device cookie to give here: the device cookie comes with the sign-in page;
 * - a refused sign-in whose callbackUrl is an app's sign-in goes back to that sign-in's page
 *   (./failed-sign-in-return.ts): the route's own wrapper, on the built route and on `next dev`'s copy.
 * Auth.js's protocol handling (CSRF check, callback URL, session cookie) is unchanged.
 * Every other Auth.js path and method stays a Next.js route.
 *
 * In production the POST called is the built route's own (scripts/server.mjs loads it as
 * Next.js does), so Auth.js and the sign-in's lib/ modules are in memory once, shared with
 * Next.js's routes, not copied into the instrumentation bundle; under `next dev` (no built
 * route) this bundle's own copy, imported on the first sign-in.
 */
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { NextRequest } from "next/server";
import { publicOrigin } from "@/lib/http/request-meta";
import { sendHandlerError } from "@/lib/http/errors";
import { readNodeBody } from "@/lib/http/node-body";
import { apiSecurityHeaders } from "@/lib/http/security-headers";
import { newCookieSink, withCookieSink } from "./cookie-sink";
import { withWayBackOnFailure } from "./failed-sign-in-return";
import { webHeaders } from "@/lib/http/node-request";

/** scripts/body-limit.mjs's AUTH_BODY_LIMIT, which the server's guard has already applied; a backstop here. */
const BODY_LIMIT = 64 * 1024;

type AuthPost = (request: NextRequest) => Promise<Response>;
type BuiltAuthRoute = () => { POST: AuthPost };

let authPost: Promise<AuthPost> | undefined;

/** Auth.js's `handlers.POST`, as app/api/auth/[...nextauth]/route.ts exports it (with a refused sign-in's way back to an app: withWayBackOnFailure). */
function authJsPost(): Promise<AuthPost> {
  authPost ??= (async () => {
    const builtRoute = (globalThis as Record<symbol, unknown>)[Symbol.for("latchkey.builtAuthRoute")] as BuiltAuthRoute | undefined;
    if (builtRoute) return builtRoute().POST;
    const { handlers } = await import("./nextauth");
    return withWayBackOnFailure(handlers.POST);
  })();
  return authPost;
}

function authUrlSet(): boolean {
  return Boolean(process.env.AUTH_URL ?? process.env.NEXTAUTH_URL);
}

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = webHeaders(req);
  const url = new URL(req.url ?? "/", publicOrigin(headers));
  const body = await readNodeBody(req, BODY_LIMIT);
  const init = { method: "POST", headers, body: body.length > 0 ? (body as Uint8Array<ArrayBuffer>) : undefined };
  // A NextRequest only when next-auth needs one (with AUTH_URL it reads `nextUrl`, then puts AUTH_URL's origin in):
  // NextRequest's URL turns a loopback host (127.0.0.1, [::1]) into "localhost", which the route never did.
  const request = authUrlSet() ? new NextRequest(url, init) : (new Request(url, init) as NextRequest);
  const post = await authJsPost();
  const sink = newCookieSink(headers);
  const response = await withCookieSink(sink, () => post(request));
  const payload = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;

  // As Next.js does: the configured headers first, then the route's own.
  for (const { key, value } of apiSecurityHeaders(url.pathname, req.headers["x-forwarded-proto"])) res.setHeader(key, value);
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = [...response.headers.getSetCookie(), ...sink.outgoing.getSetCookie()];
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  res.statusCode = response.status;
  res.end(payload);
}

/** The handler lib/startup.ts calls for a request it has found to be the credentials callback. */
export function credentialsCallbackHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  return answer(req, res).catch((err: unknown) => sendHandlerError(res, err, "Sign-in request"));
}
