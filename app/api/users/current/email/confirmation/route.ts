import { apiActor } from "@/lib/sign-in/api-actor";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { requestEmailConfirmation } from "@/lib/users/email-change";

/** Confirm one's own, unproven address: the link goes to it; following it sets email_verified. */
export const POST = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const { message } = await requestEmailConfirmation(actor, requestMeta(request.headers));
  return Response.json({ message });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
