import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { sendTestEmail } from "@/lib/mail/deliveries";
import { testMailSchema } from "@/lib/mail/schemas";

/** Sends a test message now; 200 with the server's answer, accepted or not. */
export const POST = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, testMailSchema);
  return Response.json(await sendTestEmail(actor, input));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
