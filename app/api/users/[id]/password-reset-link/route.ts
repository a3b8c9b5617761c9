import { apiActor } from "@/lib/sign-in/api-actor";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { sendPasswordResetLink } from "@/lib/users/password-reset";

type Context = { params: Promise<{ id: string }> };

/** An admin's "Send reset link": the person gets a single-use link by email (412 without mail or an email address). */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { message } = await sendPasswordResetLink(actor, (await params).id, requestMeta(request.headers));
  return Response.json({ message });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
