import { describe, expect, it } from "vitest";
import { onSameNetwork, rateLimitAddress } from "./address-key";

describe("rateLimitAddress", () => {
  it("keeps an IPv4 address as it is", () => {
    expect(rateLimitAddress("198.51.100.7")).toBe("198.51.100.7");
  });

  it("reads an IPv4-mapped IPv6 address as its IPv4 address", () => {
    expect(rateLimitAddress("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(rateLimitAddress("::ffff:c633:6407")).toBe("198.51.100.7");
  });

  it("groups IPv6 addresses by their /64, however they are spelled", () => {
    const key = rateLimitAddress("2001:db8:1:2::1");
    expect(key).toBe("2001:db8:1:2::/64");
    for (const same of ["2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0DB8:0001:0002:0:0:0:abcd", "[2001:db8:1:2::9]", "2001:db8:1:2::1%eth0"]) {
      expect(rateLimitAddress(same), same).toBe(key);
    }
    expect(rateLimitAddress("2001:db8:1:3::1")).not.toBe(key);
    expect(rateLimitAddress("::1")).toBe("::/64");
  });

  it("keeps what isn't an address, and names a missing one", () => {
    expect(rateLimitAddress(null)).toBe("unknown");
    expect(rateLimitAddress(undefined)).toBe("unknown");
    expect(rateLimitAddress("unknown")).toBe("unknown");
    expect(rateLimitAddress("not an address")).toBe("not an address");
  });
});

describe("onSameNetwork", () => {
  it("is the limits' key, and also this machine's loopback whichever family each side used", () => {
    expect(onSameNetwork("203.0.113.7", "203.0.113.7")).toBe(true);
    expect(onSameNetwork("2001:db8:1:2::1", "2001:db8:1:2::9")).toBe(true);
    expect(onSameNetwork("203.0.113.7", "198.51.100.2")).toBe(false);
    for (const [a, b] of [["127.0.0.1", "::1"], ["::ffff:127.0.0.1", "[::1]"], ["127.0.0.2", "127.0.0.1"]]) expect(onSameNetwork(a, b), `${a} ${b}`).toBe(true);
    // Loopback on one side only is another network (a browser elsewhere, a device on the server itself).
    expect(onSameNetwork("127.0.0.1", "198.51.100.2")).toBe(false);
    expect(onSameNetwork("::1", "2001:db8::1")).toBe(false);
    expect(onSameNetwork("127.0.0.1", null)).toBe(false);
  });
});

describe("addressLimitKey", () => {
  it("keys a per-address limit without the address: equal for one address or /64, apart for others", async () => {
    const { addressLimitKey } = await import("./address-key");
    expect(addressLimitKey("198.51.100.7")).not.toContain("198.51.100.7");
    expect(addressLimitKey("::ffff:198.51.100.7")).toBe(addressLimitKey("198.51.100.7"));
    expect(addressLimitKey("2001:db8:1:2::1")).toBe(addressLimitKey("2001:db8:1:2::ffff"));
    expect(addressLimitKey("2001:db8:1:2::1")).not.toBe(addressLimitKey("2001:db8:1:3::1"));
    expect(addressLimitKey("198.51.100.8")).not.toBe(addressLimitKey("198.51.100.7"));
  });
});
