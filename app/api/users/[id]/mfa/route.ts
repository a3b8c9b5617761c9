import { apiActor } from "@/lib/sign-in/api-actor";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { resetTwoFactor } from "@/lib/mfa/admin";
import { readJson } from "@/lib/http/body";
import { factorProofSchema } from "@/lib/mfa/proof-schema";

type Context = { params: Promise<{ id: string }> };

/**
 * Reset two-factor sign-in: every factor and recovery code goes, and the user's sessions end. An admin signed in
 * with a session cookie adds the proof it's them in the body: "password" (or "code" from their authenticator app when
 * they have no password); an access token isn't asked (lib/mfa/admin.ts resetNeedsProof), and needs no body.
 */
export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const proof = await readJson(request, factorProofSchema);
  const { sessionsEnded } = await resetTwoFactor(actor, (await params).id, requestMeta(request.headers), proof);
  return Response.json({ sessions_ended: sessionsEnded });
});

export const { GET, POST, PUT, PATCH, OPTIONS } = otherMethods("DELETE");
