/** Matching client addresses against configured ranges (CIDR or single addresses), via ipaddr.js. */
import ipaddr from "ipaddr.js";
import { parseRange } from "@/lib/net/address-range";

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
