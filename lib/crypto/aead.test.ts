import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { DecryptionError, decryptField, encryptField, type FieldContext } from "./aead";

const emailOfRow1: FieldContext = { table: "users", column: "email", rowId: "row-1" };

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", master, Buffer.alloc(0), `latchkey/${purpose}/v1`, 32));
}

/**
 * Seals a value the way the module documents it, independently of the module:
 * "<keyId>.<base64url(nonce | ciphertext | tag)>" with table\0column\0rowId as
 * associated data. Existing databases hold values in exactly this form.
 */
function sealWith(master: Buffer, plaintext: string, { table, column, rowId }: FieldContext): string {
  const keyId = derive(master, "key-id").subarray(0, 4).toString("hex");
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", derive(master, "pii-aead"), nonce);
  cipher.setAAD(Buffer.from(`${table}\u0000${column}\u0000${rowId}`, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `${keyId}.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64url")}`;
}

const configuredKey = () => Buffer.from(process.env.ENCRYPTION_KEY!, "base64");

/** Flips one bit of the sealed bytes at the given offset (negative counts from the end). */
function flipByte(stored: string, offset: number): string {
  const dot = stored.indexOf(".");
  const sealed = Buffer.from(stored.slice(dot + 1), "base64url");
  sealed[offset < 0 ? sealed.length + offset : offset] ^= 0x01;
  return `${stored.slice(0, dot)}.${sealed.toString("base64url")}`;
}

describe("encryptField / decryptField", () => {
  it.each([
    ["an email", "alice@example.com"],
    ["non-ASCII text", "Zoë Ångström 山田"],
    ["an empty string", ""],
    ["a long value", "x".repeat(5000)],
  ])("round-trips %s", (_, plaintext) => {
    const stored = encryptField(plaintext, emailOfRow1);
    expect(decryptField(stored, emailOfRow1)).toBe(plaintext);
  });

  it("stores neither the plaintext nor the same ciphertext twice", () => {
    const a = encryptField("alice@example.com", emailOfRow1);
    const b = encryptField("alice@example.com", emailOfRow1);
    expect(a).not.toBe(b);
    expect(a).not.toContain("alice");
    expect(Buffer.from(a.split(".")[1], "base64url").toString("latin1")).not.toContain("alice");
  });

  it("decrypts values sealed in the documented format under the configured key", () => {
    expect(decryptField(sealWith(configuredKey(), "bob@example.com", emailOfRow1), emailOfRow1)).toBe("bob@example.com");
  });

  it.each<[string, FieldContext]>([
    ["another row", { ...emailOfRow1, rowId: "row-2" }],
    ["another column", { ...emailOfRow1, column: "name" }],
    ["another table", { ...emailOfRow1, table: "activity_events" }],
  ])("refuses a ciphertext copied onto %s", (_, elsewhere) => {
    const stored = encryptField("alice@example.com", emailOfRow1);
    expect(() => decryptField(stored, elsewhere)).toThrow(DecryptionError);
  });

  it.each<[string, FieldContext]>([
    ["another row", { ...emailOfRow1, rowId: "row-2" }],
    ["another column", { ...emailOfRow1, column: "name" }],
    ["another table", { ...emailOfRow1, table: "activity_events" }],
  ])("refuses a copy onto %s even after the value was decrypted in its place (the cache of opened values is per row)", (_, elsewhere) => {
    const stored = encryptField("alice@example.com", emailOfRow1);
    expect(decryptField(stored, emailOfRow1)).toBe("alice@example.com");
    expect(decryptField(stored, emailOfRow1)).toBe("alice@example.com");
    expect(() => decryptField(stored, elsewhere)).toThrow(DecryptionError);
  });

  it.each([
    ["the nonce", 0],
    ["the ciphertext", 12],
    ["the tag", -1],
  ])("refuses a value with a changed bit in %s", (_, offset) => {
    const stored = encryptField("alice@example.com", emailOfRow1);
    expect(() => decryptField(flipByte(stored, offset), emailOfRow1)).toThrow(DecryptionError);
  });

  it("refuses truncated and garbage values", () => {
    const stored = encryptField("alice@example.com", emailOfRow1);
    expect(() => decryptField(stored.slice(0, 20), emailOfRow1)).toThrow(DecryptionError);
    expect(() => decryptField(stored.slice(0, stored.length - 4), emailOfRow1)).toThrow(DecryptionError);
    expect(() => decryptField("no-key-id-here", emailOfRow1)).toThrow(DecryptionError);
  });

  it("names both key ids when a value was encrypted under another key", () => {
    const otherMaster = crypto.randomBytes(32);
    const otherKeyId = derive(otherMaster, "key-id").subarray(0, 4).toString("hex");
    const configuredKeyId = encryptField("x", emailOfRow1).split(".")[0];
    const foreign = sealWith(otherMaster, "alice@example.com", emailOfRow1);

    expect(() => decryptField(foreign, emailOfRow1)).toThrow(DecryptionError);
    expect(() => decryptField(foreign, emailOfRow1)).toThrow(
      `value in users.email was encrypted with key "${otherKeyId}", not the configured key "${configuredKeyId}"`,
    );
  });

  it("refuses a value from another key even when relabelled with the configured key id", () => {
    const configuredKeyId = encryptField("x", emailOfRow1).split(".")[0];
    const foreign = sealWith(crypto.randomBytes(32), "alice@example.com", emailOfRow1);
    const relabelled = `${configuredKeyId}.${foreign.split(".")[1]}`;
    expect(() => decryptField(relabelled, emailOfRow1)).toThrow(DecryptionError);
  });
});
