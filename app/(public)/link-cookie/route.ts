import { isLinkKind } from "@/lib/http/link-cookie";
import { forgetLinkToken } from "@/lib/http/link-token";

/**
 * DELETE /link-cookie?kind=invite: a link page that showed its link can no longer be used (or a form that just used
 * it and shows its success in place) has the kind's cookie cleared (lib/http/link-cookie.ts). A page can't set
 * cookies, and a server action that does makes Next.js render the page again, which would replace the success it
 * shows with "invalid link". Only the caller's own cookie is cleared; another site can't send a DELETE (it would
 * need a CORS preflight, which nothing here answers).
 */
export async function DELETE(request: Request): Promise<Response> {
  const kind = new URL(request.url).searchParams.get("kind");
  if (!isLinkKind(kind)) return new Response(null, { status: 404, headers: { "cache-control": "no-store" } });
  await forgetLinkToken(kind);
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
}
