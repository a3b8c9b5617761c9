/** Matching client addresses against configured ranges (CIDR or single addresses), via ipaddr.js. */
import ipaddr from "ipaddr.js";

/** Whether the address is inside one of the ranges. Unparseable input is never trusted. */
export function isAddressInRanges(address: string | null, ranges: readonly string[]): boolean {
  if (!address) return false;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // "::ffff:10.0.0.5" (IPv4 on a dual-stack socket) is compared as 10.0.0.5.
    addr = ipaddr.process(address);
  } catch {
    return false;
  }
  for (const range of ranges) {
    try {
      const [net, bits] = range.includes("/") ? ipaddr.parseCIDR(range) : ([ipaddr.process(range), -1] as const);
      const candidate = net.kind() === "ipv4" ? ipaddr.process(net.toString()) : net;
      if (candidate.kind() !== addr.kind()) continue;
      if (bits === -1 ? candidate.toString() === addr.toString() : addr.match(candidate, bits)) return true;
    } catch {
      // a range that doesn't parse trusts nobody
    }
  }
  return false;
}
