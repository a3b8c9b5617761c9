import { describe, expect, it } from "vitest";
import { isAddressInRanges } from "./address-ranges";

describe("isAddressInRanges", () => {
  it("matches ranges and single addresses, IPv4-mapped IPv6 as IPv4, and nothing unparseable", () => {
    expect(isAddressInRanges("10.1.2.3", ["10.1.0.0/16"])).toBe(true);
    expect(isAddressInRanges("::ffff:10.1.2.3", ["10.1.0.0/16"])).toBe(true);
    expect(isAddressInRanges("10.2.0.1", ["10.1.0.0/16"])).toBe(false);
    expect(isAddressInRanges("127.0.0.1", ["127.0.0.1"])).toBe(true);
    expect(isAddressInRanges("127.0.0.2", ["127.0.0.1"])).toBe(false);
    expect(isAddressInRanges("fd00::5", ["fd00::/8"])).toBe(true);
    expect(isAddressInRanges("fd00::5", ["10.0.0.0/8"])).toBe(false);
    expect(isAddressInRanges("not an address", ["0.0.0.0/0"])).toBe(false);
    expect(isAddressInRanges(null, ["0.0.0.0/0"])).toBe(false);
  });

  it("matches a range written as IPv4-mapped IPv6 (as the trusted ranges' check reads it) against IPv4 clients", () => {
    expect(isAddressInRanges("10.1.2.3", ["::ffff:10.0.0.0/104"])).toBe(true);
    expect(isAddressInRanges("::ffff:10.1.2.3", ["::ffff:10.1.0.0/112"])).toBe(true);
    expect(isAddressInRanges("10.2.0.1", ["::ffff:10.1.0.0/112"])).toBe(false);
    expect(isAddressInRanges("fd00::5", ["::ffff:10.0.0.0/104"])).toBe(false);
  });
});


describe("isAddressInRanges with lists seen before", () => {
  it("reads a list again when its entries change, and trusts nobody for an entry that doesn't parse", () => {
    const ranges = ["10.1.0.0/16"];
    expect(isAddressInRanges("10.1.2.3", ranges)).toBe(true);
    ranges[0] = "192.168.0.0/16";
    expect(isAddressInRanges("10.1.2.3", ranges)).toBe(false);
    expect(isAddressInRanges("192.168.4.4", ranges)).toBe(true);
    expect(isAddressInRanges("10.1.2.3", ["not a range", "10.1.0.0/16"])).toBe(true);
    expect(isAddressInRanges("10.1.2.3", ["not a range"])).toBe(false);
    for (let i = 0; i < 100; i += 1) expect(isAddressInRanges("10.9.9.9", [`10.${i}.0.0/16`])).toBe(i === 9);
    expect(isAddressInRanges("10.1.2.3", [])).toBe(false);
  });
});
