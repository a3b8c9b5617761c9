/**
 * A way back Auth.js can't use, dropped before Auth.js reads the request (review 47). Auth.js checks a `callbackUrl`
 * query parameter and its way-back cookie (`authjs.callback-url`, under any of its names) before anything else, and
 * takes one that is neither a path nor an http(s) address ("http://a:b", "javascript:…") for a fault of its own
 * configuration: a 500 ("There was a problem with the server configuration") on any /api/auth request, the sign-in
 * page's "Configuration" error, and the value written to the log as it came, newlines included. A cookie so planted
 * failed each of that browser's requests until it was cleared. Such a value counts as absent instead: Auth.js goes on
 * as without one (and writes the way-back cookie anew, over the bad one).
 */

const CALLBACK_URL_COOKIE = /^(?:__Host-|__Secure-)?authjs\.callback-url$/;

/** Auth.js's own test of a way back (a path, or an http or https URL), which it applies before its redirect callback. */
export function usableCallbackUrl(value: string, origin: string): boolean {
  try {
    return /^https?:$/.test(new URL(value, value.startsWith("/") ? origin : undefined).protocol);
  } catch {
    return false;
  }
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The request without an unusable `callbackUrl` query parameter or way-back cookie; the request itself when it has none. */
export function withoutUnusableCallbackUrl(request: Request): Request {
  const url = new URL(request.url);
  const param = url.searchParams.get("callbackUrl");
  const dropParam = param !== null && param !== "" && !usableCallbackUrl(param, url.origin);
  const cookie = request.headers.get("cookie") ?? "";
  const pairs = cookie === "" ? [] : cookie.split(/;\s*/);
  const kept = pairs.filter((pair) => {
    const at = pair.indexOf("=");
    if (at < 0 || !CALLBACK_URL_COOKIE.test(pair.slice(0, at).trim())) return true;
    const value = decoded(pair.slice(at + 1).trim());
    return value === "" || usableCallbackUrl(value, url.origin);
  });
  if (!dropParam && kept.length === pairs.length) return request;
  if (dropParam) url.searchParams.delete("callbackUrl");
  const headers = new Headers(request.headers);
  if (kept.length > 0) headers.set("cookie", kept.join("; "));
  else headers.delete("cookie");
  const body = request.method === "GET" || request.method === "HEAD" ? undefined : request.body;
  return new Request(url, { method: request.method, headers, body, duplex: "half" } as RequestInit);
}
