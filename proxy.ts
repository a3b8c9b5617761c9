/**
 * Content-Security-Policy with a fresh nonce per page request.
 *
 * Why nonces: the App Router bootstraps with inline scripts, so a static CSP
 * would need 'unsafe-inline' for scripts, which lets any injected script run.
 * With a nonce (and 'strict-dynamic' for the chunks those scripts load), only
 * scripts Next.js rendered for this response run. Next.js reads the policy
 * from the request header set here and puts the nonce on its own scripts;
 * every page is rendered per request anyway (they all depend on the session).
 * 'unsafe-eval' is allowed only in development (React's dev tooling needs it).
 * Styles allow 'unsafe-inline' (style attributes), which can't run code.
 * The other security headers, the same for every response including static
 * files, are in next.config.ts. Also gives a browser its device cookie, and moves a one-time link's token out
 * of the address into a cookie (lib/http/link-cookie.ts).
 */
import { NextResponse, type NextRequest } from "next/server";
import { DEVICE_COOKIE_MAX_AGE_SECONDS, deviceCookieName, deviceFromCookieHeader, newDeviceId } from "@/lib/http/device-cookie";
import { linkTokenExchange } from "@/lib/http/link-cookie";
import { isSignInPath, SECURITY_HEADERS, STRICT_TRANSPORT_SECURITY } from "@/lib/http/security-headers";

const dev = process.env.NODE_ENV === "development";
// An https PUBLIC_URL (validated at start, lib/config.ts) means people reach us over TLS, even when the TLS
// proxy isn't trusted to say so (lib/http/request-meta.ts publicUrlIsHttps; read here from the environment,
// as this file loads no server module).
const publicUrlIsHttps = process.env.PUBLIC_URL?.startsWith("https:") ?? false;

/**
 * signIn (SIGN_IN_PATHS, lib/http/security-headers.ts): no form-action there. An app's sign-in passes through these
 * pages, and a form they post without JavaScript (sent before the page has hydrated, on a slow or busy browser)
 * is answered by redirects that end at the app's own address (/oidc/interaction, then the app's redirect URI); browsers
 * check form-action against every redirect of a form's submission, so 'self' stopped the person at the last step,
 * after the server had done it (a password changed, a code spent). The provider's own pages (lib/oidc/pages.ts)
 * send none for the same reason. Every other page keeps 'self'.
 */
function pagePolicy(nonce: string, https: boolean, signIn: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    ...(signIn ? [] : ["form-action 'self'"]),
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  // The first X-Forwarded-Proto value (the proxy nearest the client), as lib/http/request-meta.ts publicOrigin reads
  // it, so the device cookie is written under the name requestMeta reads (scripts/server.mjs keeps the header only
  // from a TRUST_PROXY peer).
  const forwardedProto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  const https = publicUrlIsHttps || request.nextUrl.protocol === "https:" || forwardedProto === "https";
  const policy = pagePolicy(nonce, https, isSignInPath(request.nextUrl.pathname));
  const link = linkTokenExchange(request.method, request.nextUrl, https);
  let response: NextResponse;
  if (link) {
    // A one-time link's first request: its token goes into a cookie, the browser to the address without it, and
    // nothing keeps this answer. Next.js wants an absolute Location here and sends it relative (same origin).
    response = new NextResponse(null, { status: 303, headers: { location: new URL(link.location, request.nextUrl).href, "cache-control": "no-store" } });
    for (const { key, value } of SECURITY_HEADERS) response.headers.set(key, value);
    response.headers.set("referrer-policy", "no-referrer");
    response.cookies.set(link.cookie.name, link.cookie.value, link.cookie.options);
  } else {
    const headers = new Headers(request.headers);
    headers.set("x-nonce", nonce);
    headers.set("content-security-policy", policy);
    response = NextResponse.next({ request: { headers } });
  }
  response.headers.set("content-security-policy", policy);
  // next.config.ts sends HSTS when a trusted proxy says https; a page also sends it under an https PUBLIC_URL.
  if (https) response.headers.set(STRICT_TRANSPORT_SECURITY.key, STRICT_TRANSPORT_SECURITY.value);
  // A browser without a (well-formed) device cookie gets one, before it can sign in (lib/http/device-cookie.ts).
  // Under https "__Host-" named, as lib/http/request-meta.ts requestMeta reads it.
  if (!deviceFromCookieHeader(request.headers.get("cookie"), https)) {
    response.cookies.set(deviceCookieName(https), newDeviceId(), { httpOnly: true, sameSite: "lax", secure: https, path: "/", maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS });
  }
  return response;
}

export const config = {
  // Pages only. The API's fixed policy and every other header are static, in next.config.ts,
  // so API requests (the hot path for automation) don't pay for running the proxy.
  matcher: [{ source: "/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)" }],
};
