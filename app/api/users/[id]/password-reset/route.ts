import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { secretResponse } from "@/lib/http/secret-response";
import { resetPasswordSchema, resetUserPassword } from "@/lib/users/access-control";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string }> };

/** Admin reset: {"password"} to set one, {} to have one generated (returned once). */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const input = await readJson(request, resetPasswordSchema);
  const { password } = await resetUserPassword(actor, (await params).id, input, requestMeta(request.headers));
  return secretResponse(password ? { password } : {});
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
