/**
 * The client address and user agent of a request. The address comes from the
 * socket (our server writes it into x-latchkey-peer, overwriting anything the
 * client sent). Forwarding headers are believed only when that socket peer is
 * a trusted proxy (TRUST_PROXY), and then X-Forwarded-For is read from the
 * right: proxies append, so the leftmost entries are whatever the client sent.
 */
import "server-only";
import { config } from "@/lib/config";
import type { RequestMeta } from "@/lib/auth/actor";
import { isAddressInRanges } from "./address-ranges";

export const PEER_HEADER = "x-latchkey-peer";

function stripIpv4Mapping(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

function socketPeer(headers: Headers): string | null {
  const peer = headers.get(PEER_HEADER);
  return peer ? stripIpv4Mapping(peer) : null;
}

/** Whether this request came through one of the configured reverse proxies. */
export function fromTrustedProxy(headers: Headers): boolean {
  return isAddressInRanges(socketPeer(headers), config().trustedProxies);
}

export function clientAddress(headers: Headers): string | null {
  const peer = socketPeer(headers);
  if (!fromTrustedProxy(headers)) return peer;
  const hops = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => stripIpv4Mapping(h.trim()))
    .filter(Boolean);
  // The nearest hop that isn't one of our proxies is the client.
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isAddressInRanges(hops[i], config().trustedProxies)) return hops[i].slice(0, 64);
  }
  return hops[0]?.slice(0, 64) ?? peer;
}

export function requestMeta(headers: Headers): RequestMeta {
  return { ip: clientAddress(headers), userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}
