import { afterEach, describe, expect, it, vi } from "vitest";

async function metaWith(trustProxy: string | undefined) {
  vi.resetModules();
  if (trustProxy === undefined) delete process.env.TRUST_PROXY;
  else process.env.TRUST_PROXY = trustProxy;
  return import("./request-meta");
}

const headers = (peer: string, forwarded?: string) =>
  new Headers({ "x-latchkey-peer": peer, ...(forwarded ? { "x-forwarded-for": forwarded } : {}) });

afterEach(() => {
  delete process.env.TRUST_PROXY;
});

describe("clientAddress", () => {
  it("uses the socket peer and ignores X-Forwarded-For by default", async () => {
    const { clientAddress } = await metaWith(undefined);
    expect(clientAddress(headers("::ffff:203.0.113.9", "198.51.100.1"))).toBe("203.0.113.9");
  });

  it("ignores X-Forwarded-For from a peer that isn't a trusted proxy", async () => {
    const { clientAddress } = await metaWith("10.0.0.2");
    expect(clientAddress(headers("203.0.113.9", "198.51.100.1"))).toBe("203.0.113.9");
  });

  it("reads the nearest untrusted hop, so a client-sent X-Forwarded-For prefix changes nothing", async () => {
    const { clientAddress } = await metaWith("10.0.0.0/8");
    // The client sent "1.1.1.1"; the outer proxy appended the real client, the inner proxy the outer one.
    expect(clientAddress(headers("10.0.0.2", "1.1.1.1, 198.51.100.7, 10.0.0.9"))).toBe("198.51.100.7");
  });

  it("drops the port a proxy writes after the client's address: a new connection is not a new client", async () => {
    // Azure Application Gateway and IIS ARR write "address:port". Kept whole, the per-address limits counted
    // every source port apart, and a client reconnecting per attempt escaped them all.
    const { clientAddress } = await metaWith("10.0.0.0/8");
    expect(clientAddress(headers("10.0.0.2", "198.51.100.7:51234"))).toBe("198.51.100.7");
    expect(clientAddress(headers("10.0.0.2", "[2001:db8::7]:51234"))).toBe("2001:db8::7");
    expect(clientAddress(headers("10.0.0.2", "[::ffff:198.51.100.7]:51234"))).toBe("198.51.100.7");
    // A trusted hop written with its port is still trusted, and skipped.
    expect(clientAddress(headers("10.0.0.2", "198.51.100.7:443, 10.0.0.9:8080"))).toBe("198.51.100.7");
    expect(clientAddress(headers("10.0.0.2", "2001:db8::7"))).toBe("2001:db8::7");
  });

  it("true trusts a proxy on loopback only", async () => {
    const { clientAddress, fromTrustedProxy } = await metaWith("true");
    expect(clientAddress(headers("127.0.0.1", "198.51.100.7"))).toBe("198.51.100.7");
    expect(fromTrustedProxy(headers("192.0.2.1"))).toBe(false);
    expect(clientAddress(headers("192.0.2.1", "198.51.100.7"))).toBe("192.0.2.1");
  });
});

describe("publicOrigin", () => {
  const forwarded = (peer: string) =>
    new Headers({ "x-latchkey-peer": peer, host: "latchkey.internal:3000", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" });

  it("is the Host header over plain HTTP when the peer isn't a trusted proxy, whatever it forwards", async () => {
    const { publicOrigin } = await metaWith("10.0.0.2");
    expect(publicOrigin(forwarded("203.0.113.9"))).toBe("http://latchkey.internal:3000");
  });

  it("believes X-Forwarded-Host and -Proto from a trusted proxy", async () => {
    const { publicOrigin } = await metaWith("10.0.0.2");
    expect(publicOrigin(forwarded("10.0.0.2"))).toBe("https://evil.example");
  });
});

describe("dropUntrustedForwarding", () => {
  const incoming = () => ({
    host: "latchkey.example",
    forwarded: "host=evil.example;proto=https",
    "x-forwarded-host": "evil.example",
    "x-forwarded-proto": "https",
    "x-forwarded-for": "198.51.100.1",
    "x-real-ip": "198.51.100.1",
    cookie: "a=b",
  });

  it("removes every forwarding header a client sent itself, and nothing else", async () => {
    const { dropUntrustedForwarding } = await metaWith("10.0.0.2");
    const headers: Record<string, string> = incoming();
    dropUntrustedForwarding(headers, "::ffff:203.0.113.9");
    expect(headers).toEqual({ host: "latchkey.example", cookie: "a=b" });
  });

  it("keeps them from a trusted proxy", async () => {
    const { dropUntrustedForwarding } = await metaWith("10.0.0.2");
    const headers: Record<string, string> = incoming();
    dropUntrustedForwarding(headers, "::ffff:10.0.0.2");
    expect(headers).toEqual(incoming());
  });
});

describe("storedHttpsLeavesCookiesPlain (the email settings page's warning)", () => {
  afterEach(() => {
    delete process.env.PUBLIC_URL;
  });

  const request = (peer: string, proto?: string) => new Headers({ "x-latchkey-peer": peer, host: "team.example.com", ...(proto ? { "x-forwarded-proto": proto } : {}) });

  it("warns when the stored address is https and Latchkey can't tell the request came over https", async () => {
    const { storedHttpsLeavesCookiesPlain, secureCookieFor } = await metaWith(undefined);
    expect(secureCookieFor(request("203.0.113.9", "https"))).toBe(false);
    expect(storedHttpsLeavesCookiesPlain("https://team.example.com", request("203.0.113.9", "https"))).toBe(true);
  });

  it("is quiet for an http or no stored address, an https PUBLIC_URL, or a trusted proxy saying https", async () => {
    const { storedHttpsLeavesCookiesPlain } = await metaWith("10.0.0.0/8");
    expect(storedHttpsLeavesCookiesPlain(null, request("203.0.113.9"))).toBe(false);
    expect(storedHttpsLeavesCookiesPlain("http://team.example.com", request("203.0.113.9"))).toBe(false);
    expect(storedHttpsLeavesCookiesPlain("https://team.example.com", request("10.0.0.2", "https"))).toBe(false);
    process.env.PUBLIC_URL = "https://team.example.com";
    const withPublicUrl = await metaWith(undefined);
    expect(withPublicUrl.storedHttpsLeavesCookiesPlain("https://team.example.com", request("203.0.113.9"))).toBe(false);
  });
});
