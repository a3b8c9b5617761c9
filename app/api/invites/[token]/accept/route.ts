import { otherMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";
import { acceptInviteResponse } from "../../handlers";

type Context = { params: Promise<{ token: string }> };

/** Public: accept an invite by choosing a password. Rate limited per client address. */
export const POST = apiRoute<Context>(async (request, { params }) => acceptInviteResponse(request, (await params).token));

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
