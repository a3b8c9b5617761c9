import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { emailChangeSchema, requestEmailChange } from "@/lib/users/email-change";

/** Change one's own email: a confirmation link goes to the new address (it takes effect when opened); the old one gets a notice. */
export const POST = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, emailChangeSchema);
  const { message } = await requestEmailChange(actor, input, requestMeta(request.headers));
  return Response.json({ message });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
