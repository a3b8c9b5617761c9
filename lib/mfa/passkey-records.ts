/**
 * Passkey rows and the rules every ceremony shares: the name a person gives
 * a passkey (sealed, personal data), the sealed public key, the shape of the
 * browser's answers (parsed before the library sees them, with size bounds),
 * and checking an assertion against a stored credential with user
 * verification required and the signature counter moved on atomically.
 */
import "server-only";
import type { AuthenticationResponseJSON, AuthenticatorTransport } from "@simplewebauthn/server";
import { webauthnServer } from "./webauthn-library";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import type { Db, Tx } from "@/lib/db/database";
import { mfaPasskeys } from "@/lib/db/schema";
import type { RelyingParty } from "./webauthn";
import { PASSKEY_NAME_MAX } from "./limits";

export type PasskeyRow = typeof mfaPasskeys.$inferSelect;

/** A person can register this many passkeys (phones, laptops, security keys); more is a mistake or abuse. */
export const MAX_PASSKEYS = 20;

export const passkeyNameSchema = z
  .string({ error: "Name the passkey" })
  .transform((v) => v.normalize("NFC").replace(/\s+/g, " ").trim())
  .pipe(z.string().min(1, "Name the passkey (for example, the device it is on)").max(PASSKEY_NAME_MAX, `At most ${PASSKEY_NAME_MAX} characters`));

/**
 * A passkey's name as a form sends it: renaming one, and adding one, where it is checked before the browser is
 * asked to make the passkey (a refused name would otherwise come back only after the device's dialog).
 */
export const passkeyNameInputSchema = z.object({ name: passkeyNameSchema });

const b64url = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]*={0,2}$/, "not base64url");
const TRANSPORTS = ["ble", "hybrid", "internal", "nfc", "usb"] as const;

/** The browser's answer to navigator.credentials.create, as @simplewebauthn/browser sends it. */
export const registrationResponseSchema = z.object({
  id: b64url(1366),
  rawId: b64url(1366),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: b64url(8192),
    attestationObject: b64url(65536),
    transports: z.array(z.string().max(32)).max(10).optional(),
    authenticatorData: b64url(65536).optional(),
    publicKey: b64url(8192).optional(),
    publicKeyAlgorithm: z.number().optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.looseObject({}).default({}),
});

/** The browser's answer to navigator.credentials.get. */
export const authenticationResponseSchema = z.object({
  id: b64url(1366),
  rawId: b64url(1366),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: b64url(8192),
    authenticatorData: b64url(8192),
    signature: b64url(2048),
    userHandle: b64url(512).optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.looseObject({}).default({}),
});

/** A browser's answer from a form field (JSON text), or null when it isn't one. */
export function parseAuthenticationResponse(text: unknown): AuthenticationResponseJSON | null {
  if (typeof text !== "string" || text.length > 32_768) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = authenticationResponseSchema.safeParse(value);
  return parsed.success ? (parsed.data as AuthenticationResponseJSON) : null;
}

export function knownTransports(list: readonly string[] | undefined): AuthenticatorTransport[] {
  return (list ?? []).filter((t): t is AuthenticatorTransport => (TRANSPORTS as readonly string[]).includes(t));
}

const field = (id: string, column: "name" | "public_key") => ({ table: "mfa_passkeys", column, rowId: id });

export function sealPasskeyName(id: string, name: string): string {
  return encryptField(name, field(id, "name"));
}
export function openPasskeyName(row: PasskeyRow): string {
  return decryptField(row.nameCiphertext, field(row.id, "name"));
}
export function sealPublicKey(id: string, publicKey: Uint8Array): string {
  return encryptField(Buffer.from(publicKey).toString("base64url"), field(id, "public_key"));
}
function openPublicKey(row: PasskeyRow): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(decryptField(row.publicKeyCiphertext, field(row.id, "public_key")), "base64url"));
}

export async function passkeyRowsOf(q: Db | Tx, userId: string): Promise<PasskeyRow[]> {
  return q.select().from(mfaPasskeys).where(eq(mfaPasskeys.userId, userId)).orderBy(mfaPasskeys.createdAt);
}

export async function passkeyByCredentialId(q: Db | Tx, credentialId: string): Promise<PasskeyRow | undefined> {
  const [row] = await q.select().from(mfaPasskeys).where(eq(mfaPasskeys.credentialId, credentialId)).limit(1);
  return row;
}

export type PasskeyView = { id: string; name: string; createdAt: Date; lastUsedAt: Date | null };

export function toPasskeyView(row: PasskeyRow): PasskeyView {
  return { id: row.id, name: openPasskeyName(row), createdAt: row.createdAt, lastUsedAt: row.lastUsedAt };
}

/**
 * Whether the answer proves possession of this passkey with the person
 * verified (PIN or biometrics), for the challenge check given. On success the
 * counter moves on and the last use is noted, only if no other request moved
 * it meanwhile: a replayed or cloned assertion can't pass twice.
 */
export async function verifyAssertion(
  tx: Tx,
  rp: RelyingParty,
  row: PasskeyRow,
  response: AuthenticationResponseJSON,
  expectedChallenge: (challenge: string) => boolean,
  now: Date,
): Promise<boolean> {
  let newCounter: number;
  try {
    const { verifyAuthenticationResponse } = await webauthnServer();
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: { id: row.credentialId, publicKey: openPublicKey(row), counter: row.counter, transports: knownTransports(row.transports) },
    });
    if (!result.verified || !result.authenticationInfo.userVerified) return false;
    newCounter = result.authenticationInfo.newCounter;
  } catch {
    // The library throws for every malformed or mismatched answer (wrong origin, challenge, signature, counter).
    return false;
  }
  const updated = await tx
    .update(mfaPasskeys)
    .set({ counter: newCounter, lastUsedAt: now })
    .where(and(eq(mfaPasskeys.id, row.id), eq(mfaPasskeys.counter, row.counter)))
    .returning({ id: mfaPasskeys.id });
  return updated.length === 1;
}
