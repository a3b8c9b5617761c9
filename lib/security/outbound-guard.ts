/**
 * Where Latchkey may connect on an owner's behalf (OIDC discovery, token
 * and userinfo calls, LDAP): never link-local or cloud metadata addresses,
 * loopback only when the owner allowed internal addresses for that provider
 * or directory, and private LAN ranges always (homelab identity providers).
 * Every address a name resolves to is checked, and the HTTP client connects
 * to the address that was checked (its DNS lookup is the check), so a name
 * that resolves differently the second time cannot slip past.
 */
import "server-only";
import dns from "node:dns";
import type { LookupAddress, LookupOptions } from "node:dns";
import net from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, fetch as undiciFetch } from "undici";

export type AddressPolicy = { allowInternal: boolean };

/** A refused destination; `code` lets callers tell it apart from a network failure. */
export class OutboundAddressRefused extends Error {
  readonly code = "EADDRREFUSEDBYPOLICY";
  constructor(readonly reason: "metadata" | "internal" | "unspecified") {
    super(
      reason === "internal"
        ? "The address is on this machine (loopback); turn on \"Allow internal addresses\" to use it"
        : "The address is link-local, a cloud metadata service or otherwise not routable, and is never contacted",
    );
    this.name = "OutboundAddressRefused";
  }
}

// Never reachable on purpose: link-local (169.254/16 holds the AWS/GCP/Azure metadata service),
// AWS's IPv6 metadata (fd00:ec2::254), Alibaba's 100.100.100.200, multicast, broadcast, reserved.
const ALWAYS_REFUSED: ReadonlyArray<readonly [string, number]> = [
  ["169.254.0.0", 16],
  ["100.100.100.200", 32],
  ["0.0.0.0", 8],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
  ["fe80::", 10],
  ["fd00:ec2::", 32],
  ["ff00::", 8],
  ["::", 128],
];
const LOOPBACK: ReadonlyArray<readonly [string, number]> = [
  ["127.0.0.0", 8],
  ["::1", 128],
];

function inAny(addr: ipaddr.IPv4 | ipaddr.IPv6, ranges: ReadonlyArray<readonly [string, number]>): boolean {
  return ranges.some(([net, bits]) => {
    const candidate = ipaddr.parse(net);
    return candidate.kind() === addr.kind() && addr.match(candidate, bits);
  });
}

const v4 = (bytes: number[]) => new ipaddr.IPv4(bytes);
const LOCAL_USE_NAT64 = ipaddr.parse("64:ff9b:1::") as ipaddr.IPv6;

/**
 * IPv6 spellings of an IPv4 destination that a translator on the path turns back into it (review 7b): NAT64's
 * well-known prefix 64:ff9b::/96 and SIIT's ::ffff:0:0:0/96 (RFC 6052, 6145: the last 32 bits), 6to4's
 * 2002::/16 (bits 16–47), and NAT64's local-use 64:ff9b:1::/48 (RFC 8215), whose network picks the prefix
 * length: every RFC 6052 layout it may use (/48, /56, /64, /96) is judged, except what reads as 0.0.0.0/8
 * (the zeros of another layout). ("::ffff:a.b.c.d", IPv4-mapped, ipaddr.process already turns into IPv4.)
 */
function embeddedIPv4(addr: ipaddr.IPv6): { addresses: ipaddr.IPv4[]; localTranslator: boolean } {
  const b = addr.toByteArray();
  if (addr.match(LOCAL_USE_NAT64, 48)) {
    // RFC 6052 §2.2: bits 64–71 (byte 8) are always skipped.
    const layouts = [
      [b[6], b[7], b[9], b[10]],
      [b[7], b[9], b[10], b[11]],
      [b[9], b[10], b[11], b[12]],
      [b[12], b[13], b[14], b[15]],
    ];
    return { addresses: layouts.map(v4).filter((a) => a.range() !== "unspecified"), localTranslator: true };
  }
  const range = addr.range();
  if (range === "rfc6052" || range === "rfc6145") return { addresses: [v4(b.slice(12, 16))], localTranslator: false };
  if (range === "6to4") return { addresses: [v4(b.slice(2, 6))], localTranslator: false };
  return { addresses: [], localTranslator: false };
}

/** Why one parsed address may not be contacted, or null when it may. */
function refusalOf(addr: ipaddr.IPv4 | ipaddr.IPv6, policy: AddressPolicy): OutboundAddressRefused | null {
  if (inAny(addr, ALWAYS_REFUSED)) return new OutboundAddressRefused(addr.range() === "unspecified" ? "unspecified" : "metadata");
  if (inAny(addr, LOOPBACK) && !policy.allowInternal) return new OutboundAddressRefused("internal");
  return null;
}

/** Why an address may not be contacted, or null when it may. Unparseable addresses are refused. */
export function refusalFor(address: string, policy: AddressPolicy): OutboundAddressRefused | null {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // IPv4-mapped IPv6 (::ffff:169.254.169.254) is judged as the IPv4 address it is.
    addr = ipaddr.process(address.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
  } catch {
    return new OutboundAddressRefused("unspecified");
  }
  const own = refusalOf(addr, policy);
  if (own || addr.kind() === "ipv4") return own;
  // An IPv4 destination spelled as IPv6 is judged as that IPv4 address too.
  const embedded = embeddedIPv4(addr as ipaddr.IPv6);
  const refusals = embedded.addresses.map((inner) => refusalOf(inner, policy)).filter((r) => r !== null);
  const metadata = refusals.find((r) => r.reason !== "internal");
  if (metadata) return metadata;
  // A local-use translator is a network of one's own: only with "Allow internal addresses".
  if (refusals.length > 0 || (embedded.localTranslator && !policy.allowInternal)) return new OutboundAddressRefused("internal");
  return null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A dns.lookup replacement for sockets: resolves, refuses the whole name if any address is refused. */
export function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      for (const { address } of list) {
        const refused = refusalFor(address, policy);
        if (refused) return callback(refused, []);
      }
      if (list.length === 0) return callback(Object.assign(new Error(`No address for ${hostname}`), { code: "ENOTFOUND" }), []);
      if (options.all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

/**
 * The address to connect to for a host, for clients without a lookup hook
 * (LDAP): every address the name resolves to is checked, and the caller
 * connects to the returned one. Throws OutboundAddressRefused.
 */
export async function checkedAddress(hostname: string, policy: AddressPolicy): Promise<string> {
  const host = hostname.replace(/^\[|\]$/g, "");
  const addresses = net.isIP(host) ? [{ address: host }] : await dns.promises.lookup(host, { all: true });
  for (const { address } of addresses) {
    const refused = refusalFor(address, policy);
    if (refused) throw refused;
  }
  if (addresses.length === 0) throw Object.assign(new Error(`No address for ${host}`), { code: "ENOTFOUND" });
  return addresses[0].address;
}

/**
 * The most an identity provider's answer may hold (discovery, JWKS, tokens, userinfo are a few KiB): a
 * hostile or broken provider can't make us buffer an endless body (review 7b). Past it the body errors.
 */
export const MAX_PROVIDER_RESPONSE_BYTES = 1024 * 1024;

const agents = new Map<boolean, Agent>();
function agentFor(policy: AddressPolicy): Agent {
  let agent = agents.get(policy.allowInternal);
  if (!agent) {
    agent = new Agent({ connect: { lookup: guardedLookup(policy) }, maxResponseSize: MAX_PROVIDER_RESPONSE_BYTES });
    agents.set(policy.allowInternal, agent);
  }
  return agent;
}

/**
 * fetch for calls to an identity provider: the destination is checked (literal
 * addresses up front, names in the connection's own lookup), redirects are
 * never followed, so a provider cannot send us to another host, and an answer
 * over MAX_PROVIDER_RESPONSE_BYTES fails.
 */
export function guardedFetch(policy: AddressPolicy): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError(`Refusing to fetch ${url.protocol} URLs`);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (net.isIP(host)) {
      const refused = refusalFor(host, policy);
      if (refused) throw new TypeError("fetch failed", { cause: refused });
    }
    // undici's own fetch with its Agent: the global fetch would resolve the name again itself.
    const request = input instanceof Request ? input : undefined;
    return undiciFetch(url, {
      method: init?.method ?? request?.method,
      headers: (init?.headers ?? request?.headers) as ConstructorParameters<typeof Headers>[0],
      body: (init?.body ?? null) as never,
      signal: init?.signal ?? request?.signal,
      redirect: "manual",
      dispatcher: agentFor(policy),
    }) as unknown as Response;
  }) as typeof fetch;
}
