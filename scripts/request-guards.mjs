// Everything checked about a request before Next.js handles it: a method some
// route serves, a path that decodes, the body cap (scripts/body-limit.mjs) for
// every request, and for server actions the checks of scripts/action-guard.mjs.
// A method no route serves is refused first (405), then a path that doesn't
// decode (400), then an over-size declared body (413), then what the headers
// decide, then the payload.
import { actionGuard } from "./action-guard.mjs";
import { bodyLimitFor, refuse, withBodyLimit } from "./body-limit.mjs";

export const UNDECODABLE_PATH = "The address is malformed: a percent escape in its path doesn't decode";

/**
 * Whether the request's path (the query string aside) decodes. "%ff" (no UTF-8), "%" or "%zz" (no escape)
 * made Next.js answer a bare 500 while decoding a dynamic route's parameter, before any handler ran
 * (review 10): one error line and one 5xx per request, for anyone, signed in or not.
 */
export function pathDecodes(url = "/") {
  try {
    decodeURIComponent(url.split("?", 1)[0]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The methods some route serves: pages, the API, Auth.js and the OpenID provider. Any other method Node's parser
 * knows (TRACE, PROPFIND, LOCK…) made Next.js throw while building the request (review 12): a bare 500 and a stack
 * trace in the log per request, for anyone. No resource here serves one: a 405 in the API's shape, before Next.js or
 * the provider sees it. Allow names what the server serves at all (OPTIONS on a path names that path's own). A 405,
 * not RFC 9110's 501 for a method no resource supports: a scanner's TRACE is the client's doing, and a 5xx would be
 * an error line in the log and a server error in the metrics for each one.
 */
const SERVED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

export const unservedMethodMessage = (method) => `This server doesn't serve the method ${method}`;

/** A request handler wrapper for the build in `distDir` (Next.js's output folder). */
export function requestGuards(distDir) {
  const actions = actionGuard(distDir);
  return function guard(req, res, next) {
    if (!SERVED_METHODS.includes(req.method)) {
      refuse(req, res, 405, unservedMethodMessage(req.method), { allow: SERVED_METHODS.join(", ") });
      return;
    }
    if (!pathDecodes(req.url)) {
      refuse(req, res, 400, UNDECODABLE_PATH);
      return;
    }
    if (!actions.applies(req)) {
      withBodyLimit(req, res, next);
      return;
    }
    const declared = req.headers["content-length"];
    const declaredTooLarge = declared !== undefined && Number(declared) > bodyLimitFor(req.url);
    if (!declaredTooLarge && actions.refuseByHeaders(req, res)) return;
    withBodyLimit(req, res, next, actions.refuseByBody);
  };
}
