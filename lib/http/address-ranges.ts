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
      let [net, bits] = range.includes("/") ? ipaddr.parseCIDR(range) : ([ipaddr.process(range), -1] as const);
      // "::ffff:10.0.0.0/104" is the IPv4 range 10.0.0.0/8, and addresses are compared as IPv4 (above).
      if (net.kind() === "ipv6" && (net as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
        [net, bits] = [(net as ipaddr.IPv6).toIPv4Address(), bits - 96];
      }
      if (net.kind() !== addr.kind()) continue;
      if (bits === -1 ? net.toString() === addr.toString() : addr.match(net, bits)) return true;
    } catch {
      // a range that doesn't parse trusts nobody
    }
  }
  return false;
}
