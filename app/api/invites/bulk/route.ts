import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { otherMethods } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { secretResponse } from "@/lib/http/secret-response";
import { bulkInvitesSchema, bulkUpdateInvites, toApiBulkResult } from "@/lib/invites/bulk";

/** Delete or regenerate several pending invites; each row's own result (regenerate: the new link, shown once). */
export const POST = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, bulkInvitesSchema);
  const results = await bulkUpdateInvites(actor, input, requestMeta(request.headers));
  return secretResponse({ results: results.map(toApiBulkResult) });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
