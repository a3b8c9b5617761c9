// Everything checked about a request before Next.js handles it: the body cap
// (scripts/body-limit.mjs) for every request, and for server actions the
// checks of scripts/action-guard.mjs. An over-size declared body is refused
// first (413), then what the headers decide, then the payload.
import { actionGuard } from "./action-guard.mjs";
import { bodyLimitFor, withBodyLimit } from "./body-limit.mjs";

/** A request handler wrapper for the build in `distDir` (Next.js's output folder). */
export function requestGuards(distDir) {
  const actions = actionGuard(distDir);
  return function guard(req, res, next) {
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
