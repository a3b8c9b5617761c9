import { decode as authDecode, encode as authEncode } from "next-auth/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeSessionToken, encodeSessionToken } from "./session-token";

const SECRET = "a-test-secret-of-enough-length-0123456789";
const SALT = "authjs.session-token";

describe("session token", () => {
  it("reads what Auth.js wrote, and Auth.js reads what it writes", async () => {
    const token = { sid: "session-id-1", sub: "user-1" };
    const fromAuthJs = await authEncode({ token, secret: SECRET, salt: SALT, maxAge: 60 });
    expect(await decodeSessionToken({ token: fromAuthJs, secret: SECRET, salt: SALT })).toMatchObject(token);
    const ours = await encodeSessionToken({ token, secret: SECRET, salt: SALT, maxAge: 60 });
    const read = await authDecode({ token: ours, secret: SECRET, salt: SALT });
    expect(read).toMatchObject(token);
    expect(typeof read?.jti).toBe("string");
    expect((read?.exp as number) - (read?.iat as number)).toBe(60);
  });

  it("reads a token under any of the secrets it is given (rotation), with the key cached per secret", async () => {
    const ours = await encodeSessionToken({ token: { sid: "s" }, secret: SECRET, salt: SALT });
    expect(await decodeSessionToken({ token: ours, secret: ["a-newer-secret-of-enough-length-987654", SECRET], salt: SALT })).toMatchObject({ sid: "s" });
    expect(await decodeSessionToken({ token: ours, secret: SECRET, salt: SALT })).toMatchObject({ sid: "s" });
  });

  it("refuses a token made under another secret or another cookie name, and an expired one", async () => {
    const ours = await encodeSessionToken({ token: { sid: "s" }, secret: SECRET, salt: SALT });
    await expect(decodeSessionToken({ token: ours, secret: "another-secret-of-enough-length-42424242", salt: SALT })).rejects.toThrow();
    await expect(decodeSessionToken({ token: ours, secret: SECRET, salt: "__Secure-authjs.session-token" })).rejects.toThrow();
    const expired = await encodeSessionToken({ token: { sid: "s" }, secret: SECRET, salt: SALT, maxAge: -60 });
    await expect(decodeSessionToken({ token: expired, secret: SECRET, salt: SALT })).rejects.toThrow();
  });

  it("refuses a tampered token", async () => {
    const ours = await encodeSessionToken({ token: { sid: "s" }, secret: SECRET, salt: SALT });
    const parts = ours.split(".");
    parts[3] = parts[3].slice(0, -2) + (parts[3].endsWith("A") ? "BB" : "AA");
    await expect(decodeSessionToken({ token: parts.join("."), secret: SECRET, salt: SALT })).rejects.toThrow();
  });

  describe("a token read before", () => {
    afterEach(() => {
      vi.restoreAllMocks();
      vi.useRealTimers();
    });

    it("is answered without decrypting it again, as a copy of its own", async () => {
      const ours = await encodeSessionToken({ token: { sid: "remembered" }, secret: SECRET, salt: SALT, maxAge: 60 });
      const first = await decodeSessionToken({ token: ours, secret: SECRET, salt: SALT });
      const decrypt = vi.spyOn(crypto.subtle, "decrypt");
      first!.sid = "changed by a caller";
      const again = await decodeSessionToken({ token: ours, secret: SECRET, salt: SALT });
      expect(again).toMatchObject({ sid: "remembered" });
      expect(decrypt).not.toHaveBeenCalled();
      // Under another cookie name or secret it is another token: decrypted, and refused.
      await expect(decodeSessionToken({ token: ours, secret: SECRET, salt: "__Secure-authjs.session-token" })).rejects.toThrow();
      await expect(decodeSessionToken({ token: ours, secret: "another-secret-of-enough-length-42424242", salt: SALT })).rejects.toThrow();
      // A token not read before is decrypted (the spy sees WebCrypto's calls).
      const fresh = await encodeSessionToken({ token: { sid: "fresh" }, secret: SECRET, salt: SALT, maxAge: 60 });
      expect(await decodeSessionToken({ token: fresh, secret: SECRET, salt: SALT })).toMatchObject({ sid: "fresh" });
      expect(decrypt).toHaveBeenCalledTimes(1);
    });

    it("still expires: refused once its exp is more than 15 s past", async () => {
      const ours = await encodeSessionToken({ token: { sid: "short" }, secret: SECRET, salt: SALT, maxAge: 60 });
      expect(await decodeSessionToken({ token: ours, secret: SECRET, salt: SALT })).toMatchObject({ sid: "short" });
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + 70_000);
      expect(await decodeSessionToken({ token: ours, secret: SECRET, salt: SALT })).toMatchObject({ sid: "short" });
      vi.setSystemTime(Date.now() + 10_000);
      await expect(decodeSessionToken({ token: ours, secret: SECRET, salt: SALT })).rejects.toThrow();
    });
  });
});
