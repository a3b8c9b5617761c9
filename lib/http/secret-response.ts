/**
 * A JSON response that carries a secret shown once (a generated password, an
 * access token, an invite link): no cache may keep it.
 */
export function secretResponse(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("cache-control", "no-store");
  return Response.json(body, { ...init, headers });
}
