import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";

export const POST = apiRoute(async (request) => {
  const input = await readJson(request, setupInputSchema);
  return Response.json(await completeSetup(input, requestMeta(request.headers)));
});
