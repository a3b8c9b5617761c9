/**
 * The client address and user agent of a request. The address comes from the
 * socket (our server writes it into x-latchkey-peer, overwriting anything the
 * client sent); X-Forwarded-For is believed only with TRUST_PROXY on.
 */
import "server-only";
import { config } from "@/lib/config";
import type { RequestMeta } from "@/lib/auth/actor";

export const PEER_HEADER = "x-latchkey-peer";

function stripIpv4Mapping(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

export function clientAddress(headers: Headers): string | null {
  const peer = headers.get(PEER_HEADER);
  if (config().trustProxy) {
    const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return stripIpv4Mapping(forwarded).slice(0, 64);
  }
  return peer ? stripIpv4Mapping(peer) : null;
}

export function requestMeta(headers: Headers): RequestMeta {
  return { ip: clientAddress(headers), userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}
