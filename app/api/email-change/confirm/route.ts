import { z } from "zod";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { confirmEmailChange } from "@/lib/users/email-change";

/** The new address's link: the email changes now (single use). */
export const POST = apiRoute(async (request) => {
  const body = await readJson(request, z.looseObject({}));
  const { email } = await confirmEmailChange(body, requestMeta(request.headers));
  return Response.json({ message: `Your email is now ${email}.` });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
