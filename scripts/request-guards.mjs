// Everything checked about a request before Next.js handles it: a path that
// decodes, the body cap (scripts/body-limit.mjs) for every request, and for
// server actions the checks of scripts/action-guard.mjs. A path that doesn't
// decode is refused first (400), then an over-size declared body (413), then
// what the headers decide, then the payload.
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

/** A request handler wrapper for the build in `distDir` (Next.js's output folder). */
export function requestGuards(distDir) {
  const actions = actionGuard(distDir);
  return function guard(req, res, next) {
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
