/**
 * oidc-provider's storage (its Adapter interface) on Latchkey's database,
 * through the data layer, in either dialect: one row per model instance in
 * oidc_models. What is stored follows the project's rules for secrets:
 *  - the provider's ids (an opaque token's id IS the token; a user code is
 *    typed by a person; an interaction uid sits in a cookie) are kept only as
 *    SHA-256 digests, so a copy of the database hands out nothing usable;
 *  - the payload (claims, scopes, session details) is sealed with
 *    lib/crypto/aead, bound to its row;
 *  - user_id and client_id stay plain ids, so a person's or an app's grants can
 *    be found and revoked without opening every row.
 * Clients are not stored here: the "Client" model reads Applications
 * (lib/oidc/clients.ts).
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, lte } from "drizzle-orm";
import type { Adapter, AdapterPayload } from "oidc-provider";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { oidcModels } from "@/lib/db/schema";
import { instanceAccountId } from "@/lib/instance/account";
import { clientMetadata } from "./clients";

/** The digest under which a provider value (token, code, user code, uid) is stored and looked up. */
export function modelDigest(value: string): string {
  return crypto.createHash("sha256").update(value, "utf8").digest("hex");
}

const sealContext = (name: string, idDigest: string) => ({ table: "oidc_models", column: "payload", rowId: `${name}:${idDigest}` });

async function accountOrFail(): Promise<string> {
  const accountId = await instanceAccountId();
  if (!accountId) throw new Error("The OpenID provider is used before the instance is set up");
  return accountId;
}

type Row = typeof oidcModels.$inferSelect;

/**
 * The stored payload. expires_at is authoritative: a row past it comes back
 * with that expiry, and the provider answers as for any expired artifact
 * (a device code polled after it expired gets expired_token, not "unknown").
 */
function open(row: Row | undefined): AdapterPayload | undefined {
  if (!row) return undefined;
  const payload = JSON.parse(decryptField(row.payloadCiphertext, sealContext(row.name, row.id))) as AdapterPayload;
  if (row.expiresAt) payload.exp = Math.min(payload.exp ?? Number.MAX_SAFE_INTEGER, Math.floor(row.expiresAt.getTime() / 1000));
  if (row.consumedAt) payload.consumed = Math.floor(row.consumedAt.getTime() / 1000);
  return payload;
}

class DatabaseAdapter implements Adapter {
  constructor(private readonly name: string) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const accountId = await accountOrFail();
    const digest = modelDigest(id);
    const values = {
      payloadCiphertext: encryptField(JSON.stringify(payload), sealContext(this.name, digest)),
      grantId: payload.grantId ?? null,
      userCode: payload.userCode ? modelDigest(payload.userCode) : null,
      uid: payload.uid ? modelDigest(payload.uid) : null,
      userId: payload.accountId ?? null,
      clientId: payload.clientId ?? null,
      expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
    };
    await writeSystem((tx) =>
      tx
        .insert(oidcModels)
        .values({ name: this.name, id: digest, accountId, ...values })
        .onConflictDoUpdate({ target: [oidcModels.name, oidcModels.id], set: values }),
    );
  }

  private async findBy(column: "id" | "userCode" | "uid", value: string): Promise<AdapterPayload | undefined> {
    const [row] = await db()
      .select()
      .from(oidcModels)
      .where(and(eq(oidcModels.name, this.name), eq(oidcModels[column], modelDigest(value))))
      .limit(1);
    return open(row);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.name === "Client") return clientMetadata(id);
    return this.findBy("id", id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findBy("userCode", userCode);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findBy("uid", uid);
  }

  async consume(id: string): Promise<void> {
    await writeSystem((tx) =>
      tx
        .update(oidcModels)
        .set({ consumedAt: new Date() })
        .where(and(eq(oidcModels.name, this.name), eq(oidcModels.id, modelDigest(id)))),
    );
  }

  async destroy(id: string): Promise<void> {
    await writeSystem((tx) => tx.delete(oidcModels).where(and(eq(oidcModels.name, this.name), eq(oidcModels.id, modelDigest(id)))));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    // Every model of the grant goes (tokens, codes), not only this adapter's kind: a grant revoked is revoked whole.
    await writeSystem((tx) => tx.delete(oidcModels).where(eq(oidcModels.grantId, grantId)));
  }
}

/** The constructor oidc-provider is given (`adapter` in its configuration). */
export const OidcAdapter = DatabaseAdapter as unknown as new (name: string) => Adapter;

/** Removes rows past their expiry (a background job; the provider ignores them already). */
export async function deleteExpiredModels(now = new Date()): Promise<number> {
  const gone = await writeSystem((tx) => tx.delete(oidcModels).where(lte(oidcModels.expiresAt, now)).returning({ id: oidcModels.id }));
  return gone.length;
}
