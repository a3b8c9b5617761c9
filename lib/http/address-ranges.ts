/** Matching client addresses against configured ranges (CIDR or single addresses), via ipaddr.js. */
import ipaddr from "ipaddr.js";
import { parseRange } from "@/lib/net/address-range";

type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Each list of ranges as parsed, by its text: the trusted proxies are matched on every request (each forwarded hop),
 * and a list is only a few entries long and changes only when the configuration does. Bounded: a list that is
 * never seen again (settings edited many times over) can't make it grow.
 */
const parsedLists = new Map<string, readonly (Network | null)[]>();
const MAX_PARSED_LISTS = 32;

function networksOf(ranges: readonly string[]): readonly (Network | null)[] {
  const key = ranges.join("\n");
  let networks = parsedLists.get(key);
  if (!networks) {
    networks = ranges.map((range) => {
      try {
        return parseRange(range);
      } catch {
        return null; // a range that doesn't parse trusts nobody
      }
    });
    if (parsedLists.size >= MAX_PARSED_LISTS) parsedLists.clear();
    parsedLists.set(key, networks);
  }
  return networks;
}

/** Whether the address is inside one of the ranges. Unparseable input is never trusted. */
export function isAddressInRanges(address: string | null, ranges: readonly string[]): boolean {
  if (!address || ranges.length === 0) return false;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // "::ffff:10.0.0.5" (IPv4 on a dual-stack socket) is compared as 10.0.0.5.
    addr = ipaddr.process(address);
  } catch {
    return false;
  }
  return networksOf(ranges).some((network) => network !== null && network[0].kind() === addr.kind() && addr.match(network[0], network[1]));
}
