import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { forgotPasswordSchema, requestPasswordReset } from "@/lib/users/password-reset";

/** "Forgot password?": 200 with the same answer, in the same time, whatever the email. */
export const POST = apiRoute(async (request) => {
  const { email } = await readJson(request, forgotPasswordSchema);
  return Response.json(await requestPasswordReset(email, requestMeta(request.headers)));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
