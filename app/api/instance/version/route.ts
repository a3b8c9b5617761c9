/**
 * NetBird's version endpoint, for clients that check it: this server's
 * version. We never look for newer releases (no outbound calls), so no update
 * is ever reported as available.
 */
import { apiActor } from "@/lib/sign-in/api-actor";
import { otherMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";
import { instanceVersion } from "@/lib/instance/version";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async (request) => {
  await apiActor(request);
  return Response.json({ management_current_version: instanceVersion(), management_update_available: false });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
