// Caps the request body of every request before Next.js sees it, so no route
// (API, Auth.js, server action, page) can be made to buffer an unbounded body.
//
// - A declared Content-Length over the cap is answered 413 at once, unread.
// - A chunked body (no length up front) is held back here, counted as it
//   arrives, and handed to Next.js only once it is complete and within the cap;
//   past the cap the request is answered 413 and the connection closed, so at
//   most `cap` bytes of it are ever held in memory, for at most
//   HELD_BODY_TIMEOUT_MS (then 408), and all such bodies together at most
//   HELD_BODIES_BUDGET (past it: 503 with Retry-After).
// Routes keep their own, smaller limits (lib/http/body.ts caps JSON at 64 KiB
// with the API's error); these caps are the backstop above them.
// A guard may also ask to see the whole (capped) body before Next.js does
// (scripts/action-guard.mjs checks server-action payloads this way).

/** API routes: above lib/http/body.ts's 64 KiB JSON limit, so that limit answers first with its own message. */
export const API_BODY_LIMIT = 1024 * 1024;
/** Auth.js forms carry an email, a password and a CSRF token. */
export const AUTH_BODY_LIMIT = 64 * 1024;
/** Pages and server actions: equal to experimental.serverActions.bodySizeLimit in next.config.ts (keep the two in step). */
export const PAGE_BODY_LIMIT = 64 * 1024;

/**
 * A body held here must arrive within this time (1 MiB takes a few seconds on a slow mobile link): a
 * caller opening many connections, sending just under the cap on each and then trickling or nothing, would
 * otherwise pin cap × connections until Node's request timeout (5 minutes). Past it: 408, connection closed.
 */
export const HELD_BODY_TIMEOUT_MS = 30_000;
/**
 * The most bytes of unfinished bodies held here at once, across all requests: the backstop for many
 * uploads arriving at once within the time. Past it a new body is refused with 503 and Retry-After. High
 * enough that filling it for long takes a sustained upload of tens of megabits a second.
 */
export const HELD_BODIES_BUDGET = 64 * 1024 * 1024;
/** The bytes held now, the budget and the time (tests lower them). One process, one count. */
export const heldBodies = { budget: HELD_BODIES_BUDGET, timeoutMs: HELD_BODY_TIMEOUT_MS, bytes: 0 };
const BUSY_MESSAGE = "The server is busy receiving other requests. Try again shortly.";
const SLOW_MESSAGE = "The request body took too long to arrive";

/** How long a refused client gets to read the answer before its connection is closed under it. */
const CLOSE_GRACE_MS = 1000;

/** The body cap for a request, by the kind of route it goes to. */
export function bodyLimitFor(url = "/") {
  const pathname = url.split("?", 1)[0];
  if (pathname === "/api/auth" || pathname.startsWith("/api/auth/")) return AUTH_BODY_LIMIT;
  if (pathname === "/api" || pathname.startsWith("/api/")) return API_BODY_LIMIT;
  return PAGE_BODY_LIMIT;
}

/**
 * Answers a request itself with the API's error shape ({"message","code"}), or `asText` the message alone,
 * logs one line, and closes the connection without reading the rest of the body.
 */
export function refuse(req, res, status, message, headers = {}, { asText = false } = {}) {
  const body = asText ? message : JSON.stringify({ message, code: status });
  res.writeHead(status, {
    ...headers,
    // Exactly "text/plain": the one answer Next.js hands a page's script as the thrown error's message.
    "content-type": asText ? "text/plain" : "application/json",
    "content-length": Buffer.byteLength(body),
    connection: "close",
  });
  // A lingering close (as nginx does): after the answer, Node would close the socket at once while
  // the client may still be sending, and the client's kernel would drop the unread answer on the
  // reset. Instead only our side is shut; Node discards what still arrives, and a client that is
  // still sending after a grace period has its connection destroyed.
  const socket = req.socket;
  socket.destroySoon = function lingeringClose() {
    if (this.writable) this.end();
  };
  res.end(body);
  const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
  console.warn(`Refused ${req.method} ${req.url?.split("?", 1)[0]}: ${message} (${status})`);
}

/**
 * A page's server action call gets the message as plain text, so its form can say what happened
 * (lib/forms/unanswered-submission.ts reads it by this opening: keep the two in step); anything else the
 * API's JSON.
 */
function tooLarge(req, res, limit) {
  const asText = req.headers["next-action"] !== undefined;
  refuse(req, res, 413, `Request body is too large (limit ${limit / 1024} KiB)`, {}, { asText });
}

/**
 * Calls `next(req, res)` once the request's body is known to be within its
 * cap, or answers 413 itself. Bodies are counted where the HTTP parser hands
 * them to the request stream (its push), before anything buffers them.
 *
 * `inspect`, when given, receives the complete body first and may refuse the
 * request (it answers it and returns true); then Next.js never sees it.
 */
export function withBodyLimit(req, res, next, inspect) {
  const limit = bodyLimitFor(req.url);
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    tooLarge(req, res, limit);
    return;
  }
  if (req.headers["transfer-encoding"] === undefined && (inspect === undefined || declared === undefined)) {
    // No body, or one of a declared length within the cap (the parser reads no more than declared).
    next(req, res);
    return;
  }
  const push = req.push;
  const held = [];
  let size = 0;
  // This request's share of heldBodies.bytes: given back once, when its body is handed on, refused or abandoned.
  let share = 0;
  const giveBack = () => {
    clearTimeout(timer);
    heldBodies.bytes -= share;
    share = 0;
  };
  const timer = setTimeout(() => {
    held.length = 0;
    giveBack();
    req.push = () => false;
    refuse(req, res, 408, SLOW_MESSAGE);
  }, heldBodies.timeoutMs);
  timer.unref();
  req.once("close", giveBack);
  req.push = function countingPush(chunk, encoding) {
    if (chunk === null) {
      req.push = () => false;
      clearTimeout(timer);
      setImmediate(async () => {
        try {
          if (inspect && (await inspect(req, res, Buffer.concat(held)))) return;
        } catch (err) {
          console.error("Request guard failed:", err);
          refuse(req, res, 500, "Internal server error");
          return;
        }
        req.push = push;
        for (const c of held) push.call(req, c);
        held.length = 0;
        giveBack();
        push.call(req, null);
        next(req, res);
      });
      return false;
    }
    const bytes = typeof chunk === "string" ? Buffer.byteLength(chunk, encoding) : chunk.byteLength;
    size += bytes;
    const overBudget = size <= limit && heldBodies.bytes + bytes > heldBodies.budget;
    if (size > limit || overBudget) {
      held.length = 0;
      giveBack();
      // Drop whatever else arrives, and tell the parser to stop reading the socket.
      req.push = () => false;
      if (overBudget) refuse(req, res, 503, BUSY_MESSAGE, { "retry-after": "5" });
      else tooLarge(req, res, limit);
      return false;
    }
    heldBodies.bytes += bytes;
    share += bytes;
    held.push(typeof chunk === "string" ? Buffer.from(chunk, encoding) : chunk);
    return true;
  };
}
