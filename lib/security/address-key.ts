/**
 * The key every per-address limit counts a client under (the sign-in throttle's address-wide delay and its
 * (identifier, address) pairs, the reset, invite, setup, passkey-challenge and OpenID limits): one rule, here.
 * An IPv4 address is its own key, and an IPv4-mapped IPv6 address ("::ffff:198.51.100.7") is that IPv4
 * address. Any other IPv6 address counts as its /64: a single host or home is routinely handed a whole /64
 * and may pick a fresh address from it per request, so keyed by the full address it would escape every
 * address-wide limit (review 8a). A value that isn't an address (none known: "unknown") is kept as it is.
 * Only the limits' keys are grouped; sessions and the activity log keep the full address.
 */
import "server-only";
import crypto from "node:crypto";
import ipaddr from "ipaddr.js";
import { keyRing } from "@/lib/crypto/keys";

/** IPv6 clients are grouped by this prefix length. */
export const IPV6_PREFIX_BITS = 64;

/**
 * A client address as ipaddr.js reads it (brackets around an IPv6 literal dropped; process(): an IPv4-mapped IPv6
 * address comes back as the IPv4 address), or null when it isn't one.
 */
function parsedAddress(address: string | null | undefined): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!address) return null;
  try {
    return ipaddr.process(address.replace(/^\[|\]$/g, ""));
  } catch {
    return null;
  }
}

export function rateLimitAddress(address: string | null | undefined): string {
  if (!address) return "unknown";
  const parsed = parsedAddress(address);
  if (!parsed) return address;
  if (parsed.kind() === "ipv4") return parsed.toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toNormalizedString()}/${IPV6_PREFIX_BITS}`);
  return `${network.toString()}/${IPV6_PREFIX_BITS}`;
}

/**
 * Whether two client addresses are one network, for the device confirmation's warning (lib/oidc/provider.ts): the
 * same key as above, or both this machine's loopback. A CLI tried against a local Latchkey asks from 127.0.0.1 while
 * the browser on the same machine comes over ::1; by their keys alone those were two networks.
 */
export function onSameNetwork(a: string | null | undefined, b: string | null | undefined): boolean {
  return rateLimitAddress(a) === rateLimitAddress(b) || (isLoopback(a) && isLoopback(b));
}

function isLoopback(address: string | null | undefined): boolean {
  return parsedAddress(address)?.range() === "loopback";
}

/**
 * The rate_limits key of a per-address limit: rateLimitAddress's key under an HMAC (the sign-in throttle's key,
 * lib/security/sign-in-throttle.ts), so the table holds no client address in the clear (review 17). Equal
 * addresses (or /64s) still share a counter; a key rotation starts the counters afresh (they last minutes).
 */
export function addressLimitKey(address: string | null | undefined): string {
  return `address:${crypto.createHmac("sha256", keyRing().throttleKey).update(rateLimitAddress(address), "utf8").digest("base64url")}`;
}
