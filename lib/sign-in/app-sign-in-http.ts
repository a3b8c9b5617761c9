/**
 * The OpenID provider's place in scripts/server.mjs: the paths it owns
 * (/oidc/*, /.well-known/openid-configuration, /device) go to oidc-provider's
 * Node callback, after the server's guards (forwarding-header rule, body
 * caps, request log and metrics) and before Next.js. The interaction
 * (/oidc/interaction/:uid) is Latchkey's own: ./app-sign-in.ts decides, this
 * file only speaks HTTP for it.
 *
 * lib/startup.ts publishes oidcRequestHandler on globalThis (the server can't
 * import lib/); it answers true when the request was its own.
 */
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { RequestCookies, ResponseCookies } from "next/dist/server/web/spec-extension/cookies";
import { errors } from "oidc-provider";
import { writeSystem } from "@/lib/data/unit-of-work";
import { requestMeta, secureCookieFor } from "@/lib/http/request-meta";
import { ConsumedMeanwhile, InteractionSpentMeanwhile, OidcAdapter } from "@/lib/oidc/adapter";
import { attemptLimits, countersToReadAhead } from "@/lib/oidc/attempt-limits";
import { emptyBasicSecretAsClientId } from "@/lib/oidc/basic-credentials";
import { slowDownEarlyPolls } from "@/lib/oidc/device-polling";
import { chooseAccountPage, consentPage, deviceViewerChangedPage, escapeHtml, messagePage, PAGE_POLICY, refusedPage, signOutPage, viewerFor, type AnswerTo } from "@/lib/oidc/pages";
import { interactionPathOf, interactionUidOf, isAuthorizationResume, isExactProviderPath, ownsPath, PROVIDER_ROUTES } from "@/lib/oidc/paths";
import { currentProvider, DEVICE_PATH, DISCOVERY_PATH, interactionPath, providerStatus, USER_CODE_SHAPE } from "@/lib/oidc/provider";
import { currentScope, flushDeferredWrites, newRequestScope, oncePerRequest, runInRequestScope, SignedOutMeanwhile, type SignedInForApps } from "@/lib/oidc/request-scope";
import { sessionSignIn } from "@/lib/sessions/sessions";
import { couldStepUp } from "./step-up";
import { db } from "@/lib/db/database";
import { findUserRow, signedInLabel } from "@/lib/users/records";
import { signOutSession } from "@/lib/sessions/sign-out";
import { carriesSessionCookie, sessionCookieName } from "./auth-cookies";
import { browserSession } from "./browser-session";
import { decideAppSignIn, recordSilentAppSignIn } from "./app-sign-in";
import { withAppRevocationActivity } from "./app-revocations";
import { sendHandlerError } from "@/lib/http/errors";
import { readNodeBody } from "@/lib/http/node-body";
import { webHeaders } from "@/lib/http/node-request";
import { textProblem } from "@/lib/http/well-formed-text";
import { hasUnsafeDisplayCharacters } from "@/lib/format/display-text";
import { providerSecurityHeaders } from "@/lib/http/security-headers";
import { hintedSubject } from "@/lib/oidc/id-token-hint";

const FORM_LIMIT = 4 * 1024;

export { ownsPath };

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
  res.end(body);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  send(res, status, "text/html; charset=utf-8", html, { "content-security-policy": PAGE_POLICY });
}

function unavailable(res: ServerResponse, reason: "no_public_url" | "not_set_up"): void {
  const message =
    reason === "no_public_url"
      ? "Latchkey's OpenID provider is off: set PUBLIC_URL to the address people and apps reach Latchkey at (e.g. https://id.example.com), or the public address in Settings → Email"
      : "Latchkey's OpenID provider is off until the instance is set up";
  send(res, 412, "application/json", JSON.stringify({ message, code: 412 }));
}

/** A posted form of a few fields (the consent answer); a larger body is refused (413), never read whole. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams((await readNodeBody(req, FORM_LIMIT)).toString("utf8"));
}

async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, answering: boolean): Promise<void> {
  const provider = await currentProvider();
  if (!provider) return unavailable(res, "no_public_url");
  if (answering ? req.method !== "POST" : req.method !== "GET") {
    send(res, 405, "application/json", JSON.stringify({ message: "Method not allowed", code: 405 }), { allow: answering ? "POST" : "GET" });
    return;
  }
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (err) {
    if (!(err instanceof errors.SessionNotFound)) throw err;
    sendHtml(res, 400, messagePage(await viewerFor(req.headers), "expired"));
    return;
  }
  if (details.uid !== uid) {
    sendHtml(res, 400, messagePage(await viewerFor(req.headers), "expired"));
    return;
  }
  const form = answering ? await readForm(req) : null;
  const choice = form?.get("choice") ?? null;
  if (choice === "switch") return useAnotherAccount(req, res, uid);
  // The decision's writes (grant, activity event) and the interaction's result commit together, before the answer leaves.
  // False after answering that the sign-in expired: another request spent the interaction, or the session ended.
  const flushed = async () => {
    try {
      const scope = currentScope();
      if (scope) await flushDeferredWrites(scope, (fn) => writeSystem(fn));
      return true;
    } catch (err) {
      if (!(err instanceof InteractionSpentMeanwhile || err instanceof SignedOutMeanwhile)) throw err;
      sendHtml(res, 400, messagePage(await viewerFor(req.headers), "expired"));
      return false;
    }
  };
  const outcome = await decideAppSignIn({
    provider,
    session: await browserSession(webHeaders(req)),
    clientId: String(details.params.client_id ?? ""),
    requestedScope: String(details.params.scope ?? ""),
    reauthentication: { params: details.params, startedAt: details.iat },
    hintedSubject: hintedSubject(details.params),
    grantId: details.grantId,
    consent: choice === "allow" ? "allow" : choice === "deny" ? "deny" : undefined,
    answered: choice === "allow" || choice === "deny" || choice === "continue",
    answeredFor: form ? (form.get("shown_to") ?? "") : undefined,
    meta: requestMeta(webHeaders(req)),
  });
  if (outcome.kind === "finish") {
    // What provider.interactionResult(…, { mergeWithLastSubmission: false }) does, on the interaction this request
    // has already found and checked (interactionDetails above): it would find it a second time (a Koa context,
    // the signed cookie checked again, one more read and decryption of the same row) only to set its result.
    details.result = outcome.result;
    await details.save(details.exp - Math.floor(Date.now() / 1000));
    const returnTo = details.returnTo;
    const resume = new URL(returnTo);
    if (resume.pathname === `${PROVIDER_ROUTES.authorization}/${uid}`) return resumeHere(provider, req, res, uid, resume);
    if (!(await flushed())) return;
    send(res, 303, "text/plain", "", { location: returnTo });
    return;
  }
  if (!(await flushed())) return;
  switch (outcome.kind) {
    case "sign_in":
      send(res, 303, "text/plain", "", { location: signInLocation(uid, details.params.login_hint) });
      return;
    case "reauthenticate":
      // The sign-in page sees the live session and this interaction's request, and asks the person to confirm it's them.
      send(res, 303, "text/plain", "", { location: signInLocation(uid, undefined) });
      return;
    case "must_change_password":
      // The person comes back here after choosing their password (the page and its action keep the way back).
      send(res, 303, "text/plain", "", { location: `/change-password?${new URLSearchParams({ callbackUrl: interactionPath(uid) })}` });
      return;
    case "consent":
      sendHtml(res, 200, consentPage(await viewerFor(req.headers), answerTo(uid, outcome), outcome.appName, outcome.scopes, outcome.signedInAs));
      return;
    case "refused":
      sendHtml(res, 403, refusedPage(await viewerFor(req.headers), answerTo(uid, outcome), outcome.appName, outcome));
      return;
    case "choose_account":
      sendHtml(res, 200, chooseAccountPage(await viewerFor(req.headers), answerTo(uid, outcome), outcome.appName, outcome.signedInAs));
      return;
  }
}

/** Where the interaction's pages post their answer, and whom they were shown to. */
function answerTo(uid: string, outcome: { shownTo: string }): AnswerTo {
  return { action: `${interactionPath(uid)}/consent`, shownTo: outcome.shownTo };
}

/**
 * "Use another account" on the page that says the person has no access to the app: their Latchkey session ends (as
 * "Sign out" ends it: the row, recorded, and the cookie), then the sign-in page, on its way back to this same
 * interaction, which decides again for whoever signs in. The interaction's own cookie (checked above) is what shows
 * that this browser started it, so no other site can sign the person out through it.
 */
async function useAnotherAccount(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
  const session = await requestSession(req);
  if (session) await signOutSession(session, requestMeta(webHeaders(req)));
  const query = new URLSearchParams({ callbackUrl: interactionPath(uid), signed_out: "1" });
  res.setHeader("set-cookie", sessionCookieClearing(req));
  send(res, 303, "text/plain", "", { location: `/login?${query}` });
}

const LOGIN_HINT_MAX = 320;

/**
 * Where a browser signs in to return to interaction `uid`: /login, its identifier field filled in with the app's
 * login_hint when it is one line of text (the person sees it and may change it: it decides nothing).
 */
function signInLocation(uid: string, loginHint: unknown): string {
  const query = new URLSearchParams({ callbackUrl: interactionPath(uid) });
  const hint = typeof loginHint === "string" ? loginHint.trim() : "";
  if (hint && hint.length <= LOGIN_HINT_MAX && textProblem(hint) === undefined && !hasUnsafeDisplayCharacters(hint)) query.set("email", hint);
  return `/login?${query}`;
}

/** The request's live Latchkey session, or null: resolved as the interaction resolves it, once per request. */
async function requestSession(req: IncomingMessage) {
  if (!carriesSessionCookie(req.headers.cookie)) return null;
  return oncePerRequest("browser-session", () => providerRequestSession(req));
}

/**
 * The user id of the request's live Latchkey session, or null (the guessing limits exempt only those from
 * counting an authorization request, and charge their /device misses to the person).
 */
async function liveSession(req: IncomingMessage): Promise<string | null> {
  return (await requestSession(req))?.userId ?? null;
}

/**
 * The request's live Latchkey session's user id (and how to read when and how it was signed in to) when it may sign in to
 * apps as it is, or null: a person who must first choose a new password is sent to do so by the interaction, so a
 * silent sign-in can't pass them.
 */
async function signedInForApps(req: IncomingMessage): Promise<SignedInForApps | null> {
  const session = await requestSession(req);
  if (!session || session.mustChangePassword) return null;
  return {
    userId: session.userId,
    signIn: () => sessionSignIn(session.accountId, session.sessionId),
    couldStepUp: (signIn) => couldStepUp(signIn, session.userId),
    label: async () => signedInLabel(await findUserRow(db(), session.accountId, session.userId)),
    session,
  };
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
const callbacks = new WeakMap<object, NodeHandler>();
type CurrentProvider = NonNullable<Awaited<ReturnType<typeof currentProvider>>>;
type ProviderContext = Parameters<Parameters<CurrentProvider["use"]>[0]>[0];

/**
 * The signed resume cookie of interaction `uid` ("name=value; name.sig=…"), as the provider itself sets it on
 * the authorization request: made with the provider's own Koa cookies and keys, into a throwaway response.
 */
function resumeCookie(provider: CurrentProvider, uid: string): string {
  let made: string[] = [];
  const capture = {
    getHeader: () => made,
    setHeader: (_name: string, value: string[]) => void (made = value),
  } as unknown as ServerResponse;
  const name = (provider as unknown as { cookieName(type: string): string }).cookieName("resume");
  provider.app.createContext({ headers: {}, socket: {} } as IncomingMessage, capture).cookies.set(name, uid, { signed: true, httpOnly: false });
  return made.map((line) => line.split(";", 1)[0]).join("; ");
}

/**
 * The interaction's decision is handed to the provider, and the authorization request resumes in this
 * same request, instead of a 303 to /oidc/auth/:uid that the browser would follow at once: one request
 * and one transaction fewer per sign-in (the decision's writes and the resume's — the provider session,
 * the code, the spent interaction — commit together in withDeferredWrites, before the answer leaves).
 * The provider wants its resume cookie (set for /oidc/auth/:uid only, so the browser doesn't send it
 * here) as proof that this browser started the interaction; the browser proved that here already with
 * the interaction's own signed cookie (interactionDetails found interaction `uid` by it), so the same
 * cookie is presented to the provider on the browser's behalf. Everything else the resume checks (the
 * interaction's result, the provider session it started in, its expiry) is checked as on a redirect.
 */
async function resumeHere(provider: CurrentProvider, req: IncomingMessage, res: ServerResponse, uid: string, resume: URL): Promise<void> {
  const { url, method } = req;
  const cookie = req.headers.cookie;
  req.url = `${resume.pathname}${resume.search}`;
  req.method = "GET";
  req.headers.cookie = cookie ? `${resumeCookie(provider, uid)}; ${cookie}` : resumeCookie(provider, uid);
  try {
    await providerCallback(provider)(req, res);
  } finally {
    // The request log and metrics name the path the browser asked for.
    Object.assign(req, { url, method });
    req.headers.cookie = cookie;
  }
}

/**
 * The provider answers outside Next.js, so next.config.ts's headers don't
 * reach it: none of its pages (enter a device code, approve a device, sign
 * out, errors) may be framed by another site — a framed "Approve" would hand
 * an attacker's device the person's tokens (clickjacking). Only framing is
 * restricted here: the form_post response mode needs its inline script. Our
 * own pages (lib/oidc/pages.ts) come with their stricter policy, which stays.
 */
function withUnframeablePages(provider: CurrentProvider): void {
  provider.use(async (ctx, next) => {
    await next();
    // X-Frame-Options and the other headers every provider answer carries: oidcRequestHandler.
    if (ctx.response.get("Content-Security-Policy") !== PAGE_POLICY) ctx.set("Content-Security-Policy", "frame-ancestors 'none'");
  });
}

/**
 * A browser with no Latchkey session cookie at all is sent from the authorization request straight to
 * /login, with the interaction as the way back: the interaction would only send it there (no session,
 * no one to decide for), one request later. The provider's answer is otherwise unchanged: its
 * interaction cookie keeps the interaction's path (/oidc/interaction/:uid), where the browser returns
 * after signing in. Any session cookie, even an expired one, still goes through the interaction.
 */
function withDirectSignIn(provider: CurrentProvider): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== "authorization" || ctx.status !== 303) return;
    const location = ctx.response.get("Location");
    const uid = interactionUidOf(location);
    if (!uid || carriesSessionCookie(ctx.req.headers.cookie)) return;
    ctx.set("Location", signInLocation(uid, ctx.oidc.params?.login_hint));
  });
}

/**
 * The device page's form comes back with a one-time value the provider kept in its own session when it showed
 * the form (against request forgery). A POST without the provider's session cookie (a script, or a browser that
 * dropped the cookie) can't carry it: oidc-provider answered it with a 500 (it tries to extend a session it
 * never stored) and logged an error. It is sent to the page instead, where a fresh form starts; no code is looked up.
 */
function withDeviceFormFromItsPage(provider: CurrentProvider): void {
  // The provider's own session cookie ("_session" unless configured); its typings don't declare cookieName.
  const sessionCookie = (provider as unknown as { cookieName(type: "session"): string }).cookieName("session");
  provider.use(async (ctx, next) => {
    if (ctx.method !== "POST" || ctx.path !== DEVICE_PATH) return next();
    // Or its ".legacy" twin: the provider sets that one too (without SameSite=None, which a browser refuses on
    // a cookie that isn't Secure), and reads it when the first is missing.
    const cookies = new RequestCookies(webHeaders(ctx.req));
    if (cookies.has(sessionCookie) || cookies.has(`${sessionCookie}.legacy`)) return next();
    ctx.status = 303;
    ctx.set("Location", DEVICE_PATH);
  });
}

/**
 * Approve on the device page connects the device as whoever is signed in when it is pressed. The page named who that
 * was (its Approve posts whom it was shown to: lib/oidc/pages.ts deviceApproveAction); someone else signed in since,
 * in another tab, or signed out: nothing is approved, and the page says who is signed in now, with the way to show
 * the same request again for them. Only the page's own Approve carries `shown_to`; the provider's form alone (a
 * script posting the code with the form's one-time value) is answered as before.
 */
function withDeviceApprovalByWhomItWasShownTo(provider: CurrentProvider): void {
  provider.use(async (ctx, next) => {
    if (ctx.method !== "POST" || ctx.path !== DEVICE_PATH || !("shown_to" in ctx.query)) return next();
    const live = await signedInForApps(ctx.req);
    if (ctx.query.shown_to === (live?.userId ?? "")) return next();
    const userCode = typeof ctx.query.user_code === "string" && USER_CODE_SHAPE.test(ctx.query.user_code) ? ctx.query.user_code : "";
    ctx.status = 409;
    ctx.type = "html";
    ctx.body = deviceViewerChangedPage(await viewerFor(ctx.req.headers), userCode, live ? await live.label() : "");
    ctx.set("Content-Security-Policy", PAGE_POLICY);
  });
}

/**
 * A code the authorization request issued by itself (no interaction: a silent sign-in, prompt=none) is recorded as
 * a sign-in to the app, with the request's other writes (the code itself) in its one unit of work.
 */
function withSilentSignInActivity(provider: CurrentProvider): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== "authorization") return;
    const code = ctx.oidc.entities.AuthorizationCode as { accountId?: string; clientId?: string; scope?: string } | undefined;
    if (!code?.accountId || !code.clientId) return;
    await recordSilentAppSignIn(code.clientId, code.accountId, code.scope ?? "", providerRequestMeta(ctx.req));
  });
}

/**
 * RP-initiated logout ends the single sign-on session too: when the person
 * confirms "Sign out" on the provider's page, their Latchkey session ends
 * (the row, so the cookie is worthless) and its cookie is cleared.
 *
 * The provider shows that page only when its own session holds a person; without one (the browser never signed in
 * to an app here, or that session ended) it answers a form that submits itself. A browser with a live Latchkey
 * session gets the page instead (review 14): the self-submitting form signed the person out of Latchkey for any
 * site that sent the browser to /oidc/session/end.
 */
function withSingleLogout(provider: CurrentProvider): NodeHandler {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === "end_session") return await askBeforeSigningOut(ctx);
    if (ctx.oidc?.route !== "end_session_confirm" || ctx.status !== 303 || !ctx.oidc.params?.logout) return;
    // oidc-provider's own logout of its session when the interaction signed someone else in (a person asked to
    // confirm it's them signed in as another: an auto-submitted form, then back to the authorization's resume): the
    // Latchkey session is already the new person's, and stays.
    // Only the provider's own resume (its origin, not an app's post-logout address whose path looks like it).
    const then = new URL(ctx.response.get("Location"), provider.issuer);
    if (then.origin === new URL(provider.issuer).origin && isAuthorizationResume(then.pathname)) return;
    const session = await providerRequestSession(ctx.req);
    if (session) await signOutSession(session, providerRequestMeta(ctx.req));
    for (const cookie of sessionCookieClearing(ctx.req)) ctx.append("Set-Cookie", cookie);
  });
  return provider.callback() as NodeHandler;
}

/**
 * The Set-Cookie lines that clear the Latchkey session cookie, under the name the browser holds it (./auth-cookies.ts)
 * and with what a "__Host-" cookie's clearing needs (Secure, Path=/, no Domain), written as Next.js writes cookies:
 * Koa's would refuse Secure on a pinned http issuer.
 */
function sessionCookieClearing(req: IncomingMessage): string[] {
  const secure = secureBeforePinning(req);
  const cleared = new Headers();
  new ResponseCookies(cleared).set(sessionCookieName(secure), "", { path: "/", maxAge: 0, expires: new Date(0), httpOnly: true, sameSite: "lax", secure });
  return cleared.getSetCookie();
}

/**
 * The provider's sign-out answered with its self-submitting form (no person in its session): a browser whose Latchkey
 * session is live gets the confirmation page instead, with the same one-time value, so only the person's "Sign out"
 * ends that session.
 */
async function askBeforeSigningOut(ctx: ProviderContext): Promise<void> {
  const secret = (ctx.oidc.session?.state as { secret?: unknown } | undefined)?.secret;
  if (ctx.status !== 200 || ctx.oidc.session?.accountId || typeof secret !== "string") return;
  if (!(await providerRequestSession(ctx.req))) return;
  const action = (ctx.oidc as unknown as { urlFor(route: "end_session_confirm"): string }).urlFor("end_session_confirm");
  const form = `<form id="op.logoutForm" method="post" action="${escapeHtml(action)}"><input type="hidden" name="xsrf" value="${escapeHtml(secret)}"/></form>`;
  ctx.type = "html";
  ctx.body = signOutPage(await viewerFor(ctx.req.headers), form);
  ctx.set("Content-Security-Policy", PAGE_POLICY);
}

/**
 * The token endpoint's writes (consume the old refresh token, save the new tokens), and those of the
 * authorization request's return from the interaction (the session, the code, the spent interaction),
 * are deferred in the request's scope (lib/oidc/request-scope.ts) and applied here in one unit of
 * work, after the provider has answered and before the answer leaves: if they fail, the app gets a
 * server_error, never tokens (or a code) that weren't stored.
 */
function withDeferredWrites(provider: CurrentProvider): void {
  provider.use(async (ctx, next) => {
    const scope = currentScope();
    try {
      await next();
    } finally {
      if (scope?.deferred) {
        try {
          await flushDeferredWrites(scope, (fn) => writeSystem(fn));
        } catch (err) {
          // Never a redirect carrying a code that wasn't stored.
          ctx.remove("Location");
          ctx.remove("Cache-Control");
          ctx.set("Cache-Control", "no-store");
          if (err instanceof ConsumedMeanwhile) {
            // A second use of one code or refresh token, at the same moment as the first: reuse.
            if (err.grantId) await new OidcAdapter("Grant").revokeByGrantId(err.grantId);
            ctx.status = 400;
            ctx.body = { error: "invalid_grant", error_description: "grant request is invalid" };
          } else if (err instanceof InteractionSpentMeanwhile || err instanceof SignedOutMeanwhile) {
            // Another request resumed from the same interaction first (Allow pressed twice), or the session this sign-in
            // was decided on ended meanwhile: nothing was stored, and the browser is told the sign-in expired.
            ctx.status = 400;
            ctx.type = "html";
            ctx.body = messagePage(await viewerFor(ctx.req.headers), "expired");
            ctx.set("Content-Security-Policy", PAGE_POLICY);
          } else {
            console.error("OpenID provider: storing the token endpoint's changes failed:", err);
            ctx.status = 500;
            ctx.body = { error: "server_error", error_description: "The tokens could not be stored. Try again." };
          }
        }
      }
    }
  });
}


/** Requests whose writes are held for one unit of work at the end (see withDeferredWrites and interaction). */
function defersWrites(method: string | undefined, pathname: string): boolean {
  if (method === "POST" && pathname === PROVIDER_ROUTES.token) return true;
  // The authorization request: the interaction it starts and, for a browser with a provider session, the session's renewal.
  if ((method === "GET" || method === "POST") && pathname === PROVIDER_ROUTES.authorization) return true;
  if (method === "GET" && isAuthorizationResume(pathname)) return true;
  return interactionPathOf(pathname) !== null;
}

async function serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  const status = await providerStatus();
  if (!status.available) return unavailable(res, status.reason);
  const page = interactionPathOf(pathname);
  if (page) return interaction(req, res, page.uid, page.consent);
  const provider = await currentProvider();
  if (!provider) return unavailable(res, "no_public_url");
  pinToIssuer(req, provider.issuer);
  await providerCallback(provider)(req, res);
}

/**
 * oidc-provider builds the addresses it publishes (discovery's endpoints, the device flow's
 * verification_uri) from the request's host and scheme. They must come from the issuer (PUBLIC_URL),
 * as the issuer does: a request with another Host would otherwise get a discovery document pointing
 * at that host, and a cache or proxy keyed on the path would hand it to every app (client secrets
 * then go to whoever named the host). So the provider sees the issuer's host and scheme, whatever
 * the client sent.
 */
function pinToIssuer(req: IncomingMessage, issuer: string): void {
  // The session cookie's name follows the scheme the request came with, as on the dashboard: decided first.
  cookiesSecure.set(req, secureCookieFor(webHeaders(req)));
  const { host, protocol } = new URL(issuer);
  req.headers.host = host;
  delete req.headers["x-forwarded-host"];
  req.headers["x-forwarded-proto"] = protocol.slice(0, -1);
}

/** Whether the session cookie is Secure ("__Host-" named) for a provider request, as its scheme said before pinToIssuer. */
const cookiesSecure = new WeakMap<IncomingMessage, boolean>();

function secureBeforePinning(req: IncomingMessage): boolean {
  return cookiesSecure.get(req) ?? secureCookieFor(webHeaders(req));
}

/** The Latchkey session of a provider request (in the provider's middleware, after pinToIssuer). */
function providerRequestSession(req: IncomingMessage) {
  return browserSession(webHeaders(req), secureBeforePinning(req));
}

/** The request's address, browser and device cookie for the activity log, the device cookie named as before pinToIssuer. */
function providerRequestMeta(req: IncomingMessage) {
  return requestMeta(webHeaders(req), secureBeforePinning(req));
}

/** The provider's Node callback with Latchkey's middleware around its own, made once per provider. */
function providerCallback(provider: CurrentProvider): NodeHandler {
  let callback = callbacks.get(provider);
  if (!callback) {
    // In this order, outermost first: an empty Basic secret read as the client_id, deferred writes, guessing limits,
    // device polls too early, the device form's own session, a device approved by whom its page was shown to,
    // unframeable pages, app revocations, silent sign-ins' activity, direct sign-in, single logout.
    provider.use(emptyBasicSecretAsClientId());
    withDeferredWrites(provider);
    provider.use(attemptLimits(liveSession));
    provider.use(slowDownEarlyPolls());
    withDeviceFormFromItsPage(provider);
    withDeviceApprovalByWhomItWasShownTo(provider);
    withUnframeablePages(provider);
    withAppRevocationActivity(provider, (ctx) => providerRequestMeta(ctx.req));
    withSilentSignInActivity(provider);
    withDirectSignIn(provider);
    callback = withSingleLogout(provider);
    callbacks.set(provider, callback);
  }
  return callback;
}

/** scripts/server.mjs calls this for every request: true when it is the provider's (answered here). */
export function oidcRequestHandler(req: IncomingMessage, res: ServerResponse): boolean {
  const pathname = (req.url ?? "/").split("?", 1)[0];
  if (!ownsPath(pathname)) return false;
  // Before anything answers (and before pinToIssuer sets the issuer's scheme): the request's own X-Forwarded-Proto,
  // which scripts/server.mjs keeps only from a TRUST_PROXY peer, decides HSTS, as next.config.ts's rule does.
  for (const { key, value } of providerSecurityHeaders(req.headers["x-forwarded-proto"])) res.setHeader(key, value);
  if (!isExactProviderPath(pathname)) {
    send(res, 404, "application/json", JSON.stringify({ error: "not_found", error_description: "No such endpoint" }));
    return true;
  }
  // One scope per request: lookups shared within it, and the token endpoint's writes deferred into one unit of work.
  // An app's request reads its guessing limits' counters with the cache versions (one round trip: lib/oidc/request-start.ts).
  const scope = newRequestScope(defersWrites(req.method, pathname), countersToReadAhead(req.method, pathname, req.headers));
  scope.signedInForApps = () => signedInForApps(req);
  runInRequestScope(scope, () => serve(req, res, pathname)).catch((err: unknown) => sendHandlerError(res, err, "OpenID provider request"));
  return true;
}
