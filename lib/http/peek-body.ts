/**
 * A small request body read ahead of its real reader and put back, so that reader (oidc-provider's own body
 * parser, on the token endpoint: lib/sign-in/app-sign-in-http.ts) reads the very same bytes from the same
 * stream, with its own size limit and its own answers for a malformed, oversized or short body. The bytes
 * are taken with the stream's read() and returned with unshift() in the same turn of the event loop, which
 * Node documents for this use ("un-consume" data pulled out optimistically so it can be passed on): the
 * stream is never ended in between, so the next reader sees it as if it was untouched.
 *
 * Only a body that declares its length (Content-Length, no Transfer-Encoding or Content-Encoding) of at
 * most `max` bytes is read ahead; anything else gives null and is left alone. A body that stops short (the
 * client hung up) gives null too, with what arrived put back. Nothing here answers the request.
 */
import type { IncomingMessage } from "node:http";

export function peekBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const declared = req.headers["content-length"];
  const length = declared === undefined || !/^[0-9]{1,9}$/.test(declared) ? NaN : Number(declared);
  if (!(length > 0 && length <= max) || req.headers["transfer-encoding"] !== undefined || req.headers["content-encoding"] !== undefined) return Promise.resolve(null);
  // Someone reads it already (flowing), or it is over: not ours to take.
  if (!req.readable || req.readableFlowing === true || req.readableEnded) return Promise.resolve(null);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const done = (body: Buffer | null) => {
      req.off("readable", onReadable);
      req.off("close", stopped);
      req.off("end", stopped);
      // Back at the front of the stream, before it can emit its end: the next reader gets every byte.
      if (chunks.length > 0 && !req.destroyed && !req.readableEnded) req.unshift(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      resolve(body);
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while (got < length && (chunk = req.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        got += chunk.length;
      }
      if (got >= length) done(got === length ? Buffer.concat(chunks) : null);
      else if (req.readableLength === 0 && req.readableEnded) done(null);
    };
    const stopped = () => done(null);
    req.on("readable", onReadable);
    req.once("close", stopped);
    req.once("end", stopped);
  });
}
