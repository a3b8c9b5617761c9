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

/** Why an address may not be contacted, or null when it may. Unparseable addresses are refused. */
export function refusalFor(address: string, policy: AddressPolicy): OutboundAddressRefused | null {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // IPv4-mapped IPv6 (::ffff:169.254.169.254) is judged as the IPv4 address it is.
    addr = ipaddr.process(address.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
  } catch {
    return new OutboundAddressRefused("unspecified");
  }
  if (inAny(addr, ALWAYS_REFUSED)) return new OutboundAddressRefused(addr.range() === "unspecified" ? "unspecified" : "metadata");
  if (inAny(addr, LOOPBACK) && !policy.allowInternal) return new OutboundAddressRefused("internal");
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

const agents = new Map<boolean, Agent>();
function agentFor(policy: AddressPolicy): Agent {
  let agent = agents.get(policy.allowInternal);
  if (!agent) {
    agent = new Agent({ connect: { lookup: guardedLookup(policy) } });
    agents.set(policy.allowInternal, agent);
  }
  return agent;
}

/**
 * fetch for calls to an identity provider: the destination is checked (literal
 * addresses up front, names in the connection's own lookup) and redirects are
 * never followed, so a provider cannot send us to another host.
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
