import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { resetPasswordWithToken, resetWithTokenSchema } from "@/lib/users/password-reset";
import { z } from "zod";

/** Sets the new password from a reset link's token (once, within 30 minutes); the person's sessions, access tokens and app grants end. */
export const POST = apiRoute(async (request) => {
  // The token's problems get the link's one message (not the schema's), so the body is read loosely here.
  const body = await readJson(request, z.looseObject({}));
  await resetPasswordWithToken(body, requestMeta(request.headers));
  return Response.json({ message: "Your password is set. Your sessions, access tokens and sign-ins at apps have ended. Sign in with the new password." });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");

export type ResetConfirmBody = z.input<typeof resetWithTokenSchema>;
