/**
 * An app's authorization waiting on Latchkey (the provider's interaction, /oidc/interaction/:uid), read by
 * the pages on its way back: the sign-in page's "confirm it's you" mode (lib/sign-in/reauthentication.ts)
 * and the return of a sign-in that failed (lib/sign-in/failed-sign-in-return.ts).
 */
import "server-only";
import type { AdapterPayload } from "oidc-provider";
import { OidcAdapter } from "./adapter";

/**
 * How far past its expiry the provider still takes an interaction, and anything else it checks the time of
 * (oidc-provider's clockTolerance, set to this in ./provider.ts).
 */
export const PROVIDER_CLOCK_TOLERANCE_SECONDS = 15;

/**
 * Interaction `uid` while it lives (begun, and not expired at `now` as the provider counts it: within its clock
 * tolerance it still resumes the request); null once it has expired, or when there is none. Counting it ended any
 * sooner would send a browser the provider would still serve elsewhere (a failed sign-in's way back to the dashboard).
 */
export async function liveInteraction(uid: string, now = Date.now()): Promise<(AdapterPayload & { iat: number }) | null> {
  const interaction = (await new OidcAdapter("Interaction").find(uid)) as AdapterPayload | undefined;
  if (!interaction || interaction.iat === undefined || ((interaction.exp ?? 0) + PROVIDER_CLOCK_TOLERANCE_SECONDS) * 1000 <= now) return null;
  return interaction as AdapterPayload & { iat: number };
}
