import { otherMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";
import { inviteInfoResponse } from "../handlers";

type Context = { params: Promise<{ token: string }> };

/** Public: what an invite link is for. Rate limited per client address. */
export const GET = apiRoute<Context>(async (request, { params }) => inviteInfoResponse(request, (await params).token));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
