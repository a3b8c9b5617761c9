/**
 * "Test" for the proxy header (Settings → Proxy header and POST /api/settings/trusted-header/test): what the
 * owner's own request carries, as the sign-in would read it. Whether its network peer (never X-Forwarded-For) is in
 * the trusted ranges, whether the configured user header is there, and whom it would sign in as, by the sign-in's
 * own rules (./external-sign-in.ts previewExternalSignIn), without signing in. The answer is for the settings as
 * saved, on or off: it says what turning them on would do for this request.
 */
import "server-only";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/policy";
import { db } from "@/lib/db/database";
import { isAddressInRanges } from "@/lib/http/address-ranges";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { previewExternalSignIn, type SignInPreview } from "./external-sign-in";
import { loadSignInSettings } from "./records";
import { headerIdentity, headerPolicy, proxyIdentity, sentHeader } from "./trusted-header";

export type ProxyHeaderCheck = {
  /** Whether header sign-in is on now. */
  enabled: boolean;
  /** The request's network peer, as the sign-in sees it. */
  peer: string | null;
  trustedPeer: boolean;
  userHeader: string;
  /** Whether the request carries the user header with a value (one the sign-in may still refuse: signsInAs null). */
  headerPresent: boolean;
  /**
   * Whom the header would sign in as; null when the peer is untrusted, the header isn't there, or its value names
   * nobody (sent twice, or holding a control or invisible character: ./trusted-header.ts proxyIdentity).
   */
  signsInAs: SignInPreview | null;
};

export async function checkProxyHeader(actor: Actor, headers: Headers, meta: RequestMeta): Promise<ProxyHeaderCheck> {
  assertCan(actor, "settings:sign_in", "Only the owner can test the proxy header");
  const settings = await loadSignInSettings(db(), actor.accountId);
  const peer = headers.get(PEER_HEADER);
  // As the sign-in reads the request once header sign-in is on (the answer doesn't depend on the switch).
  const who = proxyIdentity(headers, { ...settings, headerEnabled: true });
  return {
    enabled: settings.headerEnabled,
    peer: peer ? peer.replace(/^::ffff:/, "") : null,
    trustedPeer: settings.headerTrustedRanges.length > 0 && isAddressInRanges(peer, settings.headerTrustedRanges),
    userHeader: settings.headerUser,
    headerPresent: Boolean(sentHeader(headers, settings.headerUser)),
    signsInAs: who ? await previewExternalSignIn(actor.accountId, headerIdentity(who), headerPolicy(settings), meta) : null,
  };
}
