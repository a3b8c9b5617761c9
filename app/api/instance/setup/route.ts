import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { secretResponse } from "@/lib/http/secret-response";
import { assertSetupRequired, completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { otherMethods } from "@/lib/http/methods";

export const POST = apiRoute(async (request) => {
  // Once set up, every call gets 412, whatever its body.
  await assertSetupRequired();
  const input = await readJson(request, setupInputSchema);
  // May carry the owner's first access token.
  return secretResponse(await completeSetup(input, requestMeta(request.headers)));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
