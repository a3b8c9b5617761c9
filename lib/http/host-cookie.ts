/**
 * The name of a cookie that signs someone in, or binds a sign-in step to a browser, as this request
 * must write and read it: "__Host-"-prefixed whenever the cookie is Secure (an https PUBLIC_URL, or a
 * request that came over https: ./request-meta.ts secureCookieFor), the plain name over plain http.
 *
 * Why "__Host-" and not "__Secure-": a browser takes a "__Host-" cookie only from a secure answer of
 * this very host, with Path=/ and no Domain, so no sibling (grafana.example.com setting
 * `Domain=.example.com`) and no plain-http answer can plant one. A "__Secure-" or plain one can be
 * planted that way (session fixation, login CSRF); under https a reader takes only the "__Host-" name,
 * so a planted cookie of another name is no cookie at all. Writers must set Secure and Path=/ and no
 * Domain, or the browser drops the cookie.
 *
 * No imports: proxy.ts (the device cookie) loads it too.
 */
export const HOST_PREFIX = "__Host-";

export function hostCookieName(name: string, secure: boolean): string {
  return secure ? `${HOST_PREFIX}${name}` : name;
}
