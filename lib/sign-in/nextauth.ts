/**
 * Auth.js (next-auth) wiring. Auth.js handles the sign-in flows and the
 * encrypted, signed session cookie; the cookie carries only our session id,
 * and lib/sign-in/session-actor.ts checks that id against the database on every
 * request. The config is built lazily, per request: nothing reads secrets at
 * build time, and the OIDC providers come from the database as they are now
 * (lib/idp/sign-in-options.ts), so adding one in Settings needs no restart.
 *
 * Providers:
 * - "credentials": the sign-in form (local password, or LDAP);
 * - "second-step": the second factor after the form's password (two-factor): a code or a passkey;
 * - "passkey": passwordless sign-in with a passkey (lib/sign-in/passkey-sign-in.ts);
 * - "trusted-header": a trusted reverse proxy's user header (/auth/proxy);
 * - one "oidc" provider per enabled identity provider, id = its row id
 *   (authorization code flow with PKCE, state and nonce).
 * Every one of them ends in a server-side session row created by lib/.
 */
import "server-only";
import { NO_REQUEST } from "@/lib/auth/actor";
import NextAuth, { CredentialsSignin } from "next-auth";
import * as oauth from "oauth4webapi";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { config } from "@/lib/config";
import { sessionSecret } from "@/lib/crypto/keys";
import { requestMeta, secureCookieFor } from "@/lib/http/request-meta";
import { ExternalSignInRefused } from "@/lib/idp/external-sign-in";
import { handleOidcSignIn, ProviderUnavailable, type OidcClaims } from "@/lib/idp/oidc";
import { signInOptions } from "@/lib/idp/sign-in-options";
import { NoProxyIdentity, signInWithTrustedHeader, type ProxyBinding } from "@/lib/idp/trusted-header";
import { parseAuthenticationResponse } from "@/lib/mfa/passkey-records";
import { PasskeySignInFailed, PasskeySignInThrottled, signInWithPasskey } from "@/lib/sign-in/passkey-sign-in";
import { CodeMissing, CodeThrottled, completeSecondStep, SecondStepExpired, SecondStepRequired, WrongCode } from "@/lib/mfa/second-step";
import { completeSecondStepWithPasskey, PasskeyNotAccepted } from "@/lib/mfa/second-step-passkey";
import { resolveSession } from "@/lib/sessions/sessions";
import { signOutSession } from "@/lib/sessions/sign-out";
import { authJsCookies } from "./auth-cookies";
import { endReplacedSession } from "./browser-session";
import { databaseTroubleLine } from "@/lib/db/unavailable";
import { noteRequestDatabaseUnavailable } from "@/lib/observability/request-log";
import { NOT_THE_PERSON, NotThePerson } from "@/lib/sessions/only-person";
import { authJsCallbackUrl } from "./interaction-callback";
import { personAskedToConfirm } from "./reauthentication";
import { toAuthProvider } from "./oidc-providers";
import { CredentialsMissing, signInWithPassword, SignInFailed, SignInRefused, SignInThrottled, SignInUnavailable } from "@/lib/sign-in/password-sign-in";
import { clearPasskeyCookie, passkeyCookieToken } from "./passkey-cookie";
import { clearSecondStepCookie, secondStepToken, setSecondStepCookie } from "./second-step-cookie";
import { markRecoveryCodeUsed } from "./recovery-code-notice";
import { decodeSessionToken, encodeSessionToken } from "./session-token";

/** two-factor: the denial code that means "password right, now the second step" (app/(public)/login). */
export const SECOND_STEP_DUE = "second_step";
/** Denial codes of a post with nothing to check: no identifier or password, no code (not an attempt; the pages say what to type). */
export const CREDENTIALS_MISSING = "credentials_missing";
export const CODE_MISSING = "code_missing";

declare module "next-auth" {
  interface User {
    sessionId?: string;
    /** Signed in by the proxy header: whom it named (lib/idp/trusted-header.ts proxyStillNames). */
    proxy?: ProxyBinding;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    sid?: string;
    proxy?: ProxyBinding;
  }
}

/** A refused sign-in; `code` says why (it reaches the sign-in page, never a secret). */
class SignInDenied extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

/** Too many failures from this address for this email: the sign-in form says how long to wait. */
export class SignInMustWait extends CredentialsSignin {
  code = "rate_limited";
  constructor(readonly retryAfterSeconds: number) {
    super();
  }
}

/** The code a sign-in form shows a message for (see app/(public)/login/messages.ts). */
function denialCode(err: SignInFailed): string {
  if (err instanceof SignInRefused) return `refused_${err.reason}`;
  if (err instanceof SignInUnavailable) return "directory_unavailable";
  return "invalid_credentials";
}

/**
 * The person a credentials sign-in must be, when it arrives on an app's "confirm it's you" page (its way back, read as
 * Auth.js reads it, is the interaction asking the browser's signed-in person: ./reauthentication.ts); every provider
 * passes it to its sign-in, which refuses anyone else (lib/sessions/only-person.ts). Undefined when nobody is asked.
 */
async function onlyPersonFor(credentials: Partial<Record<string, unknown>>, req: Request): Promise<string | undefined> {
  return (await personAskedToConfirm(req.headers, authJsCallbackUrl(credentials.callbackUrl, req.url, req.headers))) ?? undefined;
}

/**
 * Auth.js errors that mean a bad request, not a fault of the server: a post without its CSRF token, an unknown
 * Auth.js path, a provider's callback that no sign-in of this browser started (its state, PKCE or nonce cookie
 * missing or not matching: a forged or replayed link, a stale tab) and a provider's error answer (the person
 * cancelled there; a token endpoint's refusal, such as a wrong client secret, says which in the line). Review 12:
 * the callback's were a stack trace per request, for anyone who knew a provider's id.
 */
const REFUSED_REQUEST_TYPES = new Set<string>(["MissingCSRF", "UnknownAction", "InvalidCheck", "OAuthCallbackError"]);

/**
 * Review 47: a provider's answer, or the callback's parameters, that failed oauth4webapi's checks (another audience,
 * an expired token, another nonce or issuer, a state this browser's sign-in didn't send, a token endpoint's error)
 * reaches the logger as a CallbackRouteError whose details hold the ID token's claims (the person's email, name and
 * subject) and the browser's expected state. Said as the check's own words (oauth4webapi's fixed texts) and, for a
 * token endpoint's refusal, its error code: nothing the answer carried.
 */
function refusedProviderAnswer(error: Error): string | null {
  if ((error as { type?: unknown }).type !== "CallbackRouteError") return null;
  const err = (error as { cause?: { err?: unknown } }).cause?.err;
  if (err instanceof oauth.ResponseBodyError) return `${err.message}${/^[a-z_]{1,64}$/i.test(err.error) ? ` (${err.error})` : ""}`;
  const checked = err instanceof oauth.OperationProcessingError || err instanceof oauth.AuthorizationResponseError || err instanceof oauth.UnsupportedOperationError;
  return checked ? err.message : null;
}

export const { handlers, auth, signIn, signOut } = NextAuth(async (request) => {
  const options = await signInOptions();
  // Secure (and "__Host-" named, ./auth-cookies.ts) with an https PUBLIC_URL or a request that came over https
  // (lib/http/request-meta.ts secureCookieFor), the one rule every reader of these cookies asks too; Auth.js's own
  // guess (the request URL's scheme) is not used. No request: a server action's signIn/signOut, whose headers
  // next/headers has.
  const secure = secureCookieFor(request?.headers ?? (await headers()));
  return {
    secret: sessionSecret(),
    // Self-hosted: the app is reached under whatever host the operator gives it.
    trustHost: true,
    session: { strategy: "jwt", maxAge: config().sessionMaxAgeSeconds },
    useSecureCookies: secure,
    cookies: authJsCookies(secure),
    // Auth.js's token format, with the derived key kept instead of derived per call (./session-token.ts).
    jwt: { encode: encodeSessionToken, decode: decodeSessionToken },
    pages: { signIn: "/login", error: "/login" },
    logger: {
      // Refused sign-ins are expected outcomes (recorded in the activity log), not server errors.
      error(error) {
        if (error instanceof CredentialsSignin) return;
        // Refused requests (a form post without its CSRF token, an unknown Auth.js path) are the
        // client's fault: one line each, no stack trace.
        const type = (error as { type?: unknown }).type;
        if (typeof type === "string" && REFUSED_REQUEST_TYPES.has(type)) {
          // Auth.js's message up to its "Read more" link: which check failed, or what the provider said.
          console.warn(`Auth.js refused a request: ${type}: ${error.message.replace(/\s*Read more at \S+$/, "")}`);
          return;
        }
        const refusedAnswer = refusedProviderAnswer(error);
        if (refusedAnswer) {
          console.warn(`Auth.js refused a provider's answer: ${refusedAnswer.replace(/[\x00-\x1f\x7f]+/g, " ")}`);
          return;
        }
        const cause = (error as { cause?: { err?: unknown } }).cause?.err;
        if (cause instanceof ExternalSignInRefused) return;
        // The database couldn't serve (lib/db/unavailable.ts): one line, and the route answers 503 rather than what
        // Auth.js made of it (no session and a cleared cookie, a failed sign-in): lib/ops/unavailable-answer.ts.
        const trouble = databaseTroubleLine(cause);
        if (trouble) {
          noteRequestDatabaseUnavailable();
          console.error(`A request was answered 503: ${trouble}`);
          return;
        }
        console.error(error);
      },
    },
    providers: [
      Credentials({
        id: "credentials",
        credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const identifier = typeof credentials.email === "string" ? credentials.email.slice(0, 254) : "";
          const password = typeof credentials.password === "string" ? credentials.password.slice(0, 1024) : "";
          try {
            const signedIn = await signInWithPassword(identifier, password, requestMeta(req.headers), undefined, undefined, await onlyPersonFor(credentials, req));
            return { id: signedIn.userId, sessionId: signedIn.sessionId };
          } catch (err) {
            if (err instanceof CredentialsMissing) throw new SignInDenied(CREDENTIALS_MISSING);
            if (err instanceof NotThePerson) throw new SignInDenied(NOT_THE_PERSON);
            if (err instanceof SignInFailed) throw new SignInDenied(denialCode(err));
            if (err instanceof SignInThrottled) throw new SignInMustWait(err.retryAfterSeconds);
            // two-factor: no session yet; the browser gets the pending step's cookie and goes to /login/two-factor.
            if (err instanceof SecondStepRequired) {
              await setSecondStepCookie(err.token);
              throw new SignInDenied(SECOND_STEP_DUE);
            }
            throw err;
          }
        },
      }),
      // two-factor: the second step, for the browser holding a pending step's cookie (lib/mfa/second-step.ts).
      Credentials({
        id: "second-step",
        credentials: { code: { label: "Code" }, passkey: { label: "Passkey" } },
        async authorize(credentials, req) {
          const code = typeof credentials.code === "string" ? credentials.code.slice(0, 64) : "";
          const token = await secondStepToken();
          if (!token) throw new SignInDenied("second_step_expired");
          try {
            // A passkey's answer (JSON from the browser) when the person chose "Use a passkey", else the code.
            const passkey = credentials.passkey === undefined ? null : parseAuthenticationResponse(credentials.passkey);
            if (credentials.passkey !== undefined && !passkey) throw new SignInDenied("passkey_not_accepted");
            const meta = requestMeta(req.headers);
            const onlyPerson = await onlyPersonFor(credentials, req);
            const signedIn = passkey
              ? await completeSecondStepWithPasskey(token, passkey, meta, undefined, undefined, onlyPerson)
              : await completeSecondStep(token, code, meta, undefined, undefined, onlyPerson);
            await clearSecondStepCookie();
            if (signedIn.usedRecoveryCode) await markRecoveryCodeUsed(signedIn.sessionId);
            return { id: signedIn.userId, sessionId: signedIn.sessionId };
          } catch (err) {
            if (err instanceof SignInDenied) throw err;
            if (err instanceof NotThePerson) throw new SignInDenied(NOT_THE_PERSON);
            if (err instanceof PasskeyNotAccepted) throw new SignInDenied("passkey_not_accepted");
            if (err instanceof WrongCode) throw new SignInDenied("wrong_code");
            if (err instanceof CodeMissing) throw new SignInDenied(CODE_MISSING);
            if (err instanceof CodeThrottled) throw new SignInMustWait(err.retryAfterSeconds);
            if (err instanceof SecondStepExpired) {
              await clearSecondStepCookie();
              throw new SignInDenied("second_step_expired");
            }
            throw err;
          }
        },
      }),
      // Passwordless: the browser's passkey answer, for the challenge bound to its passkey cookie.
      Credentials({
        id: "passkey",
        credentials: { response: { label: "Passkey" } },
        async authorize(credentials, req) {
          const binding = await passkeyCookieToken();
          await clearPasskeyCookie();
          const response = parseAuthenticationResponse(credentials.response);
          if (!binding || !response) throw new SignInDenied("passkey_failed");
          try {
            const signedIn = await signInWithPasskey(binding, response, requestMeta(req.headers), undefined, undefined, await onlyPersonFor(credentials, req));
            return { id: signedIn.userId, sessionId: signedIn.sessionId };
          } catch (err) {
            if (err instanceof NotThePerson) throw new SignInDenied(NOT_THE_PERSON);
            if (err instanceof PasskeySignInFailed) throw new SignInDenied("passkey_failed");
            if (err instanceof PasskeySignInThrottled) throw new SignInMustWait(err.retryAfterSeconds);
            throw err;
          }
        },
      }),
      Credentials({
        id: "trusted-header",
        name: "Trusted proxy header",
        credentials: {},
        async authorize(credentials, req) {
          try {
            const signedIn = await signInWithTrustedHeader(req.headers, requestMeta(req.headers), await onlyPersonFor(credentials, req));
            return { id: signedIn.userId, sessionId: signedIn.sessionId, proxy: signedIn.proxy };
          } catch (err) {
            if (err instanceof NoProxyIdentity) throw new SignInDenied("proxy_header_missing");
            if (err instanceof ExternalSignInRefused) throw new SignInDenied(`refused_${err.reason}`);
            throw err;
          }
        },
      }),
      ...options.providers.map(toAuthProvider),
    ],
    events: {
      // Auth.js's own sign-out (POST /api/auth/signout) ends the session row too, not only the cookie, so a
      // copy of the cookie is worthless afterwards. The dashboard's "Sign out" has ended it already: no-op.
      async signOut(message) {
        const sid = "token" in message ? message.token?.sid : undefined;
        if (typeof sid === "string") await signOutSession({ sessionId: sid }, request ? requestMeta(request.headers) : NO_REQUEST);
      },
    },
    callbacks: {
      // Auth.js's own rule (a path here, or an address of this origin; anything else: the start page), except that a
      // value that isn't a URL at all ("http://a:b", in the query or the way-back cookie of any /api/auth request)
      // goes to the start page too: Auth.js's rule threw on it, a 500 with a stack in the log (review 47).
      redirect({ url, baseUrl }) {
        if (url.startsWith("/")) return `${baseUrl}${url}`;
        return URL.canParse(url) && new URL(url).origin === baseUrl ? url : baseUrl;
      },
      async signIn({ user, account, profile }) {
        if (account?.type !== "oidc") return true; // the credentials providers did their work in authorize()
        // The callback route always has the request: the session row records where the person came from.
        const meta = request ? requestMeta(request.headers) : NO_REQUEST;
        try {
          // On the "confirm it's you" page the provider must vouch for the person asked, not sign anyone else in.
          const onlyPerson = request ? await personAskedToConfirm(request.headers) : null;
          const signedIn = await handleOidcSignIn(account.provider, (profile ?? {}) as OidcClaims, meta, onlyPerson ?? undefined);
          // Auth.js hands this same user object to the jwt callback below.
          user.id = signedIn.userId;
          user.sessionId = signedIn.sessionId;
          return true;
        } catch (err) {
          const params = new URLSearchParams({ provider: account.provider });
          if (err instanceof ExternalSignInRefused) params.set("error", `refused_${err.reason}`);
          else if (err instanceof ProviderUnavailable) params.set("error", "provider_disabled");
          else throw err;
          return `/login?${params}`;
        }
      },
      async jwt({ token, user }) {
        // Only the session id goes into the cookie (and, signed in by the proxy header, a digest of whom it
        // named): no name, email or role. The browser's previous session, if it still had one, ends.
        if (user?.sessionId) {
          await endReplacedSession(request?.headers ?? (await headers()), user.sessionId, secure);
          return { sid: user.sessionId, sub: user.id, ...(user.proxy ? { proxy: user.proxy } : {}) };
        }
        // A cookie whose session row is gone, expired, or whose user is blocked
        // or deleted is no session: null makes Auth.js answer "no session" and
        // clear the cookie instead of re-issuing it with a fresh expiry.
        if (!token.sid || !(await resolveSession(token.sid))) return null;
        return token;
      },
      session({ session }) {
        // What /api/auth/session answers: only the expiry. The session id is
        // a bearer credential and never leaves the server in a body; the
        // server-side auth() still sees the token (next-auth passes it as
        // `user` when this callback sets none), see lib/sign-in/session-actor.ts.
        return { expires: session.expires } as typeof session;
      },
    },
  };
});
