/**
 * The client address and user agent of a request. The address comes from the
 * socket (our server writes it into x-latchkey-peer, overwriting anything the
 * client sent). Forwarding headers are believed only when that socket peer is
 * a trusted proxy (TRUST_PROXY), and then X-Forwarded-For is read from the
 * right: proxies append, so the leftmost entries are whatever the client sent.
 * The same rule decides the request's public origin (X-Forwarded-Host/-Proto),
 * and scripts/server.mjs drops forwarding headers from untrusted peers before
 * Next.js sees them (its server-action Origin check, Auth.js, HSTS).
 */
import "server-only";
import type { IncomingHttpHeaders } from "node:http";
import { config } from "@/lib/config";
import type { RequestMeta } from "@/lib/auth/actor";
import { isAddressInRanges } from "./address-ranges";
import { NON_PUBLIC_RANGES } from "@/lib/net/address-range";
import { LOCALE_COOKIE, parseLocale } from "@/i18n/locales";
import { deviceFromCookieHeader } from "./device-cookie";

export const PEER_HEADER = "x-latchkey-peer";

function stripIpv4Mapping(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

/**
 * One X-Forwarded-For entry as an address: some proxies (Azure Application Gateway, IIS ARR) write the
 * client's port too ("198.51.100.7:51234", "[2001:db8::7]:51234"); kept, it made every connection a new
 * client to the per-address limits. Anything else is kept as written (and matches no trusted range).
 */
function hopAddress(hop: string): string {
  const address = /^\[([^\]]+)\](?::\d+)?$/.exec(hop)?.[1] ?? /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop)?.[1] ?? hop;
  return stripIpv4Mapping(address);
}

function socketPeer(headers: Headers): string | null {
  const peer = headers.get(PEER_HEADER);
  return peer ? stripIpv4Mapping(peer) : null;
}

/** Whether this request came through one of the configured reverse proxies. */
export function fromTrustedProxy(headers: Headers): boolean {
  return isAddressInRanges(socketPeer(headers), config().trustedProxies);
}

export function clientAddress(headers: Headers): string | null {
  const peer = socketPeer(headers);
  if (!fromTrustedProxy(headers)) return peer;
  const hops = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => hopAddress(h.trim()))
    .filter(Boolean);
  // The nearest hop that isn't one of our proxies is the client.
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isAddressInRanges(hops[i], config().trustedProxies)) return hops[i].slice(0, 64);
  }
  return hops[0]?.slice(0, 64) ?? peer;
}

/** clientAddress of a Node request's headers (the OpenID provider's requests), reading only the two it needs. */
export function clientAddressOfNode(requestHeaders: IncomingHttpHeaders): string | null {
  const headers = new Headers();
  for (const name of [PEER_HEADER, "x-forwarded-for"]) {
    const value = requestHeaders[name];
    if (typeof value === "string") headers.set(name, value);
  }
  return clientAddress(headers);
}

/** Headers a reverse proxy sets to say what the client asked for (Forwarded, X-Forwarded-*, X-Real-IP); only a trusted proxy may. */
export function isForwardingHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === "forwarded" || lower === "x-real-ip" || lower.startsWith("x-forwarded-");
}

/**
 * Removes the forwarding headers of a request whose socket peer is not a
 * trusted proxy (Node's incoming headers, as scripts/server.mjs has them).
 */
export function dropUntrustedForwarding(headers: Record<string, string | string[] | undefined>, peer: string | undefined): void {
  const address = peer ? stripIpv4Mapping(peer) : null;
  if (isAddressInRanges(address, config().trustedProxies)) return;
  let dropped = false;
  for (const name of Object.keys(headers)) {
    if (!isForwardingHeader(name)) continue;
    delete headers[name];
    dropped = true;
  }
  if (dropped) warnOfUnnamedProxy(address);
}

let unnamedProxyWarned = false;

/**
 * Forwarding headers from a loopback or private address that TRUST_PROXY doesn't name: most likely a reverse
 * proxy the operator forgot to name (review 25). Then every client has the proxy's address, and the limits
 * per address are one for everybody: a stranger's 50 wrong sign-ins (SIGNIN_IP_FREE_ATTEMPTS) make every
 * person's sign-in wait. Said once per process in the log; from a public address (a client sending its own
 * headers) nothing is said.
 */
function warnOfUnnamedProxy(address: string | null): void {
  if (unnamedProxyWarned || !isAddressInRanges(address, NON_PUBLIC_RANGES)) return;
  unnamedProxyWarned = true;
  console.warn(
    `Forwarding headers (X-Forwarded-For, Forwarded…) came from ${address}, which TRUST_PROXY doesn't name, and were ignored. ` +
      "If a reverse proxy runs there, every client has its address: one client's failed sign-ins then make everyone wait, " +
      "and sessions and the activity log show the proxy. Name it in TRUST_PROXY (true for a proxy on this machine).",
  );
}

function firstValue(header: string | null): string | undefined {
  return header?.split(",")[0]?.trim() || undefined;
}

/**
 * The origin people reach this instance at: the Host header, or what a trusted
 * proxy says in X-Forwarded-Host/-Proto. Provider redirect URLs, Auth.js's
 * URLs and the API's same-origin check all use this.
 */
export function publicOrigin(headers: Headers): string {
  const trusted = fromTrustedProxy(headers);
  const host = (trusted && firstValue(headers.get("x-forwarded-host"))) || headers.get("host") || "localhost";
  const proto = trusted ? firstValue(headers.get("x-forwarded-proto")) : undefined;
  return `${proto === "https" ? "https" : "http"}://${host}`;
}

/**
 * PUBLIC_URL names an https address: people reach this instance over TLS, whatever scheme a request
 * arrived with. A TLS proxy not named in TRUST_PROXY (or one that sends no X-Forwarded-Proto) makes every
 * request look like plain http; the cookies that sign someone in must be Secure all the same, or the
 * browser hands them to any http:// address of the host, where a network attacker reads them.
 */
export function publicUrlIsHttps(): boolean {
  return config().publicUrl?.startsWith("https:") ?? false;
}

/**
 * Whether a cookie set in answer to this request is Secure (and, for the sign-in cookies, "__Host-" named:
 * ./host-cookie.ts): PUBLIC_URL is https, or the request came over https. Every writer and reader of those
 * cookies asks this, so they agree on the name. The public address stored in Settings → Email does not count:
 * proxy.ts (the device cookie) can't read the database, and the dashboard's cookie read (every page, action and
 * the API's cookie calls) reads no settings today; a per-process copy without a version read would let replicas
 * disagree on the name (docs/security.md).
 */
export function secureCookieFor(headers: Headers): boolean {
  return publicUrlIsHttps() || publicOrigin(headers).startsWith("https:");
}

/**
 * A stored public address (Settings → Email) that is https while this request's cookies are not Secure: people
 * are told to reach the instance over TLS, but Latchkey can't tell (no https PUBLIC_URL, no trusted proxy saying
 * https), so its sign-in cookies go out plain. The email settings page says so.
 */
export function storedHttpsLeavesCookiesPlain(storedPublicUrl: string | null, headers: Headers): boolean {
  return (storedPublicUrl?.startsWith("https:") ?? false) && !secureCookieFor(headers);
}

/** The language chosen on this browser (the cookie the language switch sets), if any. */
function chosenLocale(cookieHeader: string | null) {
  const match = cookieHeader?.match(new RegExp(`(?:^|;\\s*)${LOCALE_COOKIE}=([^;]*)`));
  return parseLocale(match?.[1]?.trim()) ?? null;
}

/** `secure`: which device cookie name to read, when the caller decided it before the headers were changed (the OpenID provider's requests). */
export function requestMeta(headers: Headers, secure = secureCookieFor(headers)): RequestMeta {
  const cookie = headers.get("cookie");
  return { ip: clientAddress(headers), userAgent: headers.get("user-agent")?.slice(0, 512) ?? null, device: deviceFromCookieHeader(cookie, secure), locale: chosenLocale(cookie) };
}
