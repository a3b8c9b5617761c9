import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { changeOwnPassword, changePasswordSchema } from "@/lib/users/password";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string }> };

export const PUT = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request, { allowPendingPasswordChange: true });
  const { id } = await params;
  const input = await readJson(request, changePasswordSchema);
  await changeOwnPassword(actor, id, input, requestMeta(request.headers));
  return Response.json({ message: "Password changed" });
});

export const { GET, POST, PATCH, DELETE, OPTIONS } = otherMethods("PUT");
