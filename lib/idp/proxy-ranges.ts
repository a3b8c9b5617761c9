/**
 * Which address ranges may be trusted to send the proxy's user header: only
 * ranges a reverse proxy in front of Latchkey can live in (loopback, private
 * LAN, carrier-grade NAT as Tailscale uses, IPv6 unique-local and link-local).
 * A range that reaches into public addresses would let anyone on the internet
 * who can reach the server name themselves in the header.
 */
import ipaddr from "ipaddr.js";
import type { MessageRef } from "@/lib/errors";
import { NON_PUBLIC_RANGES, parseRange } from "@/lib/net/address-range";

/**
 * A reason the range may not be trusted (with its catalog entry), or null when it holds only
 * non-public addresses. Unparseable input gets null (the syntax check reports it).
 */
export function publicRangeProblem(range: string): { message: string; ref: MessageRef } | null {
  let net: ipaddr.IPv4 | ipaddr.IPv6;
  let bits: number;
  try {
    // ::ffff:10.0.0.0/104 is the IPv4 range 10.0.0.0/8 (as matching reads it).
    [net, bits] = parseRange(range);
  } catch {
    return null;
  }
  if (bits === 0) {
    return {
      message: `${range} covers every address: anyone who can reach Latchkey could send the user header. List only your proxy's addresses.`,
      ref: { key: "rangeCoversEverything", params: { range } },
    };
  }
  const contained = NON_PUBLIC_RANGES.some((container) => {
    const [base, baseBits] = ipaddr.parseCIDR(container);
    return base.kind() === net.kind() && bits >= baseBits && net.match(base, baseBits);
  });
  if (contained) return null;
  return {
    message: `${range} includes public internet addresses: only a proxy on your own network (loopback, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7) may be trusted to name the user`,
    ref: { key: "rangePublic", params: { range } },
  };
}
