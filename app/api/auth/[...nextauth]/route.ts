import type { NextRequest } from "next/server";
import { handlers } from "@/lib/sign-in/nextauth";
import { publicOrigin } from "@/lib/idp/api-shape";
import { withWayBackOnFailure } from "@/lib/sign-in/failed-sign-in-return";
import { withoutUnusableCallbackUrl } from "@/lib/sign-in/unusable-callback-url";
import { answeringDatabaseOutage } from "@/lib/ops/unavailable-answer";

/**
 * Next hands route handlers a URL on the server's configured hostname, while
 * Auth.js's server-side signIn() builds URLs from the Host header. An OIDC
 * redirect_uri must be the same in both steps of the flow, so the handlers
 * see the request under the origin the browser used.
 */
function withPublicOrigin(handler: (req: NextRequest) => Promise<Response>) {
  return (received: NextRequest) => {
    // A way back Auth.js would take for a fault of its configuration counts as absent (review 47).
    const req = withoutUnusableCallbackUrl(received) as NextRequest;
    const origin = publicOrigin(req.headers);
    const url = new URL(req.url);
    if (url.origin === origin) return handler(req);
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : req.body;
    // A plain Request: NextRequest would put its configured hostname back.
    const rebased = new Request(new URL(`${url.pathname}${url.search}`, origin), { method: req.method, headers: req.headers, body, duplex: "half" } as RequestInit);
    return handler(rebased as NextRequest);
  };
}

// A sign-in that failed on its way back to an app's sign-in returns to that app's sign-in page (lib/sign-in/failed-sign-in-return.ts);
// a database that can't serve is a 503, not what Auth.js makes of the error (lib/ops/unavailable-answer.ts).
export const GET = answeringDatabaseOutage(withWayBackOnFailure(withPublicOrigin(handlers.GET)));
export const POST = answeringDatabaseOutage(withWayBackOnFailure(withPublicOrigin(handlers.POST)));
