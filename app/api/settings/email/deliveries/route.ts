import { apiActor } from "@/lib/sign-in/api-actor";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { toApiDelivery } from "@/lib/mail/api-shape";
import { listDeliveries } from "@/lib/mail/deliveries";

/** The newest 50 messages: recipient, subject, state, tries, the server's last answer (never a body). */
export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  return Response.json((await listDeliveries(actor)).map(toApiDelivery));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
