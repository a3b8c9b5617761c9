import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { assertSetupRequired, completeSetup, setupInputSchema } from "@/lib/setup/setup";

export const POST = apiRoute(async (request) => {
  // Once set up, every call gets 412, whatever its body.
  assertSetupRequired();
  const input = await readJson(request, setupInputSchema);
  return Response.json(await completeSetup(input, requestMeta(request.headers)));
});
