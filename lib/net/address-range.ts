/** How Latchkey reads an address range (CIDR, or a single address), via ipaddr.js: one reading for matching and for configuration checks. */
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

/**
 * The ranges a reverse proxy in front of Latchkey can live in: loopback, private LAN, carrier-grade NAT as
 * Tailscale uses, link-local, IPv6 unique-local and link-local.
 */
export const NON_PUBLIC_RANGES: readonly string[] = ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "::1/128", "fc00::/7", "fe80::/10"];

/** Whether the entry is an address or a range parseRange reads. */
export function isAddressOrRange(entry: string): boolean {
  try {
    parseRange(entry);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the range covers every address of its family: 0.0.0.0/0, ::/0, or every IPv4 address written as
 * mapped IPv6 (::ffff:0.0.0.0/96). A mapped range shorter than /96 also holds every IPv4 address. False for input that doesn't parse.
 */
export function coversEveryAddress(range: string): boolean {
  try {
    const [net, bits] = parseRange(range);
    return bits === 0 || (net.kind() === "ipv6" && (net as ipaddr.IPv6).isIPv4MappedAddress() && bits < 96);
  } catch {
    return false;
  }
}
