import { apiActor } from "@/lib/sign-in/api-actor";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { retryDelivery } from "@/lib/mail/deliveries";

type Context = { params: Promise<{ id: string }> };

/** Queues a failed message again, due now (404 unless it is a failed message of this account). */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  await retryDelivery(actor, (await params).id, requestMeta(request.headers));
  return Response.json({ message: "Queued again" });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
