import { decode as authDecode, encode as authEncode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
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
});
