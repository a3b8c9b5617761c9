/**
 * The cookies of a request answered before Next.js (lib/sign-in/credentials-http.ts),
 * where `next/headers` has no request: the request's headers and a sink for the
 * cookies the answer must set, for the length of the request (AsyncLocalStorage).
 * The cookies are Next.js's own `ResponseCookies`, so a cookie set here is written
 * exactly as `cookies().set(…)` writes it inside Next.js.
 */
import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { RequestCookies, ResponseCookies } from "next/dist/server/web/spec-extension/cookies";

export type CookieSink = {
  /** The request's headers (as the handler passed them to Auth.js). */
  readonly requestHeaders: Headers;
  readonly requestCookies: RequestCookies;
  /** What the answer sets: `outgoing.getSetCookie()` is appended to the response. */
  readonly responseCookies: ResponseCookies;
  readonly outgoing: Headers;
};

// On globalThis: Next.js bundles instrumentation and routes separately; the store must be one.
const holder = globalThis as unknown as { latchkeyCookieSink?: AsyncLocalStorage<CookieSink> };
const storage = (holder.latchkeyCookieSink ??= new AsyncLocalStorage<CookieSink>());

export function newCookieSink(requestHeaders: Headers): CookieSink {
  const outgoing = new Headers();
  return { requestHeaders, requestCookies: new RequestCookies(requestHeaders), responseCookies: new ResponseCookies(outgoing), outgoing };
}

export function withCookieSink<T>(sink: CookieSink, work: () => Promise<T>): Promise<T> {
  return storage.run(sink, work);
}

/** The sink of the request being answered before Next.js, if this is one. */
export function currentCookieSink(): CookieSink | undefined {
  return storage.getStore();
}
