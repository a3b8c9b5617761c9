/** NetBird's path for accepting an invite (the segment is the invite token here). */
import { otherMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";
import { acceptInviteResponse } from "@/app/api/invites/handlers";

type Context = { params: Promise<{ id: string }> };

export const POST = apiRoute<Context>(async (request, { params }) => acceptInviteResponse(request, (await params).id));

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
