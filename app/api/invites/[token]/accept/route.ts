import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { acceptInvite } from "@/lib/invites/acceptance";
import { acceptInviteSchema } from "@/lib/invites/schemas";

type Context = { params: Promise<{ token: string }> };

/** Public: accept an invite by choosing a password. Rate limited per client address. */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const { token } = await params;
  const { password } = await readJson(request, acceptInviteSchema);
  const { userId, email } = await acceptInvite(token, password, requestMeta(request.headers));
  return Response.json({ user_id: userId, email });
});
