import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { secretResponse } from "@/lib/http/secret-response";
import { toApiUser } from "@/lib/users/api-shape";
import { createUser } from "@/lib/users/lifecycle";
import { usersListResponse } from "@/lib/users/api-list";
import { createUserRequestSchema } from "@/lib/users/schemas";
import { otherMethods } from "@/lib/http/methods";

// Per request, never prerendered (as /api/health): Next.js skips its static-generation bookkeeping.
export const dynamic = "force-dynamic";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  return usersListResponse(actor, new URL(request.url));
});

export const POST = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, createUserRequestSchema);
  const { user, password } = await createUser(actor, input, requestMeta(request.headers));
  // The generated password exists in this response only.
  return secretResponse({ ...toApiUser(user, actor), ...(password ? { password } : {}) });
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
