// A page that failed because the database can't serve (instrumentation.ts notes it in the request's context,
// lib/ops/unavailable-answer.ts): where Next.js would answer 500 (its error page), the answer is a 503 with
// Retry-After, a page in the person's language with a link to try again. Pages can't set their own status.

/**
 * Wraps `res` so that an answer about to start as a 500 while `store.databaseUnavailable` is set becomes
 * `answer(req.method, req.url, req.headers)` instead, and Next's own writes after it are dropped.
 * The decision is taken before any of Next's bytes go out, whichever way the head would be written: an explicit
 * writeHead, or implicitly by the first write, end or flushHeaders (Node's _implicitHeader). Applied before
 * compression wraps the response, so the body is sent as it is.
 */
export function answerOutageFor(req, res, store, answer) {
  const { writeHead, write, end } = res;
  let replaced = false;
  // Whether this answer is replaced; replaces it when its head is about to go out as a 500 for a database error.
  const replacing = (status) => {
    if (replaced) return true;
    if (res.headersSent || status !== 500 || store.databaseUnavailable !== true) return false;
    replaced = true;
    const outage = answer(req.method, req.url, req.headers);
    for (const name of res.getHeaderNames()) if (name !== "x-request-id" && name !== "set-cookie") res.removeHeader(name);
    writeHead.call(res, outage.status, outage.headers);
    end.call(res, req.method === "HEAD" ? undefined : outage.body);
    return true;
  };
  const dropped = (args) => {
    args.find((a) => typeof a === "function")?.();
  };
  res.writeHead = function (status, ...rest) {
    if (replacing(status)) return this;
    return writeHead.call(this, status, ...rest);
  };
  res.write = function (...args) {
    if (!replacing(this.statusCode)) return write.apply(this, args);
    dropped(args);
    return true;
  };
  res.end = function (...args) {
    if (!replacing(this.statusCode)) return end.apply(this, args);
    dropped(args);
    return this;
  };
}
