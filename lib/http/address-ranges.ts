/** Matching client addresses against configured ranges (CIDR or single addresses), via ipaddr.js. */
import ipaddr from "ipaddr.js";

/**
 * A range (CIDR, or a single address as its full-length range) as the network and prefix length it covers;
 * IPv4 written as IPv4-mapped IPv6 ("::ffff:10.0.0.0/104", "::ffff:10.0.0.5") is read as the IPv4 range
 * (10.0.0.0/8, 10.0.0.5/32), as clients on a dual-stack socket are compared as IPv4. Throws when it doesn't parse.
 */
export function parseRange(range: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  const [net, bits] = range.includes("/") ? ipaddr.parseCIDR(range) : ([ipaddr.process(range), -1] as const);
  const length = bits === -1 ? (net.kind() === "ipv4" ? 32 : 128) : bits;
  if (net.kind() === "ipv6" && (net as ipaddr.IPv6).isIPv4MappedAddress() && length >= 96) return [(net as ipaddr.IPv6).toIPv4Address(), length - 96];
  return [net, length];
}

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
      const [net, bits] = parseRange(range);
      if (net.kind() === addr.kind() && addr.match(net, bits)) return true;
    } catch {
      // a range that doesn't parse trusts nobody
    }
  }
  return false;
}
