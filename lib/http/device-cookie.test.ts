import { describe, expect, it } from "vitest";
import { DEVICE_COOKIE, deviceCookieName, deviceFromCookieHeader, newDeviceId } from "./device-cookie";

describe("device cookie", () => {
  it("mints 128-bit ids it reads back, distinct each time", () => {
    const a = newDeviceId();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newDeviceId()).not.toBe(a);
    expect(deviceFromCookieHeader(`theme=dark; ${DEVICE_COOKIE}=${a}; other=1`, false)).toBe(a);
  });

  it("ignores a missing, malformed or look-alike cookie", () => {
    expect(deviceFromCookieHeader(null, false)).toBeNull();
    expect(deviceFromCookieHeader(`${DEVICE_COOKIE}=short`, false)).toBeNull();
    expect(deviceFromCookieHeader(`${DEVICE_COOKIE}=${"A".repeat(21)}%00`, false)).toBeNull();
    expect(deviceFromCookieHeader(`x-${DEVICE_COOKIE}=${"A".repeat(22)}`, false)).toBeNull();
  });

  it("under https is read only under its __Host- name: one a sibling subdomain planted is no device id", () => {
    const mine = newDeviceId();
    const planted = newDeviceId();
    expect(deviceCookieName(true)).toBe(`__Host-${DEVICE_COOKIE}`);
    expect(deviceCookieName(false)).toBe(DEVICE_COOKIE);
    expect(deviceFromCookieHeader(`${DEVICE_COOKIE}=${planted}; __Secure-${DEVICE_COOKIE}=${planted}`, true)).toBeNull();
    expect(deviceFromCookieHeader(`${DEVICE_COOKIE}=${planted}; __Host-${DEVICE_COOKIE}=${mine}`, true)).toBe(mine);
    // Over plain http the __Host- name is not ours (no browser sets it there).
    expect(deviceFromCookieHeader(`__Host-${DEVICE_COOKIE}=${mine}`, false)).toBeNull();
  });
});
