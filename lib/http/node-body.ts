/**
 * Reading a request's body from the Node request, for the handlers answered before Next.js (the sign-in form's
 * POST: lib/sign-in/credentials-http.ts; an app sign-in's consent answer: lib/sign-in/app-sign-in-http.ts). At most
 * `limit` bytes: a declared Content-Length over it is refused unread and a body growing past it while streaming is
 * cut off (lib/errors' BodyTooLarge, 413); a body that stops before its end is BodyCutShort (400). raw-body does
 * the reading, as it does for oidc-provider's own bodies (lib/oidc/basic-credentials.ts reads with it directly,
 * with the provider's limit and charset). The Web `Request` twin is ./body.ts's readBytes.
 */
import "server-only";
import type { IncomingMessage } from "node:http";
import getRawBody from "raw-body";
import { BodyCutShort, BodyTooLarge } from "@/lib/errors";

export async function readNodeBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(req, { length: req.headers["content-length"], limit });
  } catch (err) {
    throw (err as { type?: string }).type === "entity.too.large" ? new BodyTooLarge(limit) : new BodyCutShort();
  }
}
