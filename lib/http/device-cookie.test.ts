import { describe, expect, it } from "vitest";
import { DEVICE_COOKIE, deviceFromCookieHeader, newDeviceId } from "./device-cookie";

describe("device cookie", () => {
  it("mints 128-bit ids it reads back, distinct each time", () => {
    const a = newDeviceId();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newDeviceId()).not.toBe(a);
    expect(deviceFromCookieHeader(`theme=dark; ${DEVICE_COOKIE}=${a}; other=1`)).toBe(a);
  });

  it("ignores a missing, malformed or look-alike cookie", () => {
    expect(deviceFromCookieHeader(null)).toBeNull();
    expect(deviceFromCookieHeader(`${DEVICE_COOKIE}=short`)).toBeNull();
    expect(deviceFromCookieHeader(`${DEVICE_COOKIE}=${"A".repeat(21)}%00`)).toBeNull();
    expect(deviceFromCookieHeader(`x-${DEVICE_COOKIE}=${"A".repeat(22)}`)).toBeNull();
  });
});
