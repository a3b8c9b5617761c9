/**
 * Reading and writing a user's two-factor rows: the sealed TOTP secret, and
 * the summary other parts show (API "mfa" object, user page, Team → Users).
 * Never returns a secret outside this folder.
 */
import "server-only";
import { and, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import type { Db, Tx } from "@/lib/db/database";
import { mfaPasskeys, mfaRecoveryCodes, mfaTotp } from "@/lib/db/schema";

export type TotpRow = typeof mfaTotp.$inferSelect;

/** What anyone allowed to see a user may know about their second factors: types, counts, last use; never secrets. */
export type MfaSummary = {
  totp: boolean;
  totpLastUsedAt: Date | null;
  passkeys: number;
  passkeysLastUsedAt: Date | null;
  recoveryCodesLeft: number;
};

export const NO_FACTORS: MfaSummary = { totp: false, totpLastUsedAt: null, passkeys: 0, passkeysLastUsedAt: null, recoveryCodesLeft: 0 };

export function hasFactor(summary: MfaSummary): boolean {
  return summary.totp || summary.passkeys > 0;
}

const context = (userId: string) => ({ table: "mfa_totp", column: "secret", rowId: userId });

export function sealTotpSecret(userId: string, secret: string): string {
  return encryptField(secret, context(userId));
}

export function openTotpSecret(row: TotpRow): string {
  return decryptField(row.secretCiphertext, context(row.userId));
}

export async function totpRow(q: Db | Tx, userId: string): Promise<TotpRow | undefined> {
  const [row] = await q.select().from(mfaTotp).where(eq(mfaTotp.userId, userId)).limit(1);
  return row;
}

export async function mfaSummary(q: Db | Tx, userId: string): Promise<MfaSummary> {
  return (await mfaSummaries(q, [userId])).get(userId) ?? NO_FACTORS;
}

/** Summaries of several users in three queries (a page of Team → Users). */
export async function mfaSummaries(q: Db | Tx, userIds: string[]): Promise<Map<string, MfaSummary>> {
  const out = new Map<string, MfaSummary>();
  if (userIds.length === 0) return out;
  const totps = await q
    .select({ userId: mfaTotp.userId, lastUsedAt: mfaTotp.lastUsedAt })
    .from(mfaTotp)
    .where(and(inArray(mfaTotp.userId, userIds), isNotNull(mfaTotp.confirmedAt)));
  const codes = await q
    .select({ userId: mfaRecoveryCodes.userId, n: sql<number>`CAST(count(*) AS INTEGER)` })
    .from(mfaRecoveryCodes)
    .where(and(inArray(mfaRecoveryCodes.userId, userIds), isNull(mfaRecoveryCodes.usedAt)))
    .groupBy(mfaRecoveryCodes.userId);
  const passkeys = await q
    .select({ userId: mfaPasskeys.userId, n: sql<number>`CAST(count(*) AS INTEGER)`, lastUsedAt: sql<number | string | null>`max(${mfaPasskeys.lastUsedAt})` })
    .from(mfaPasskeys)
    .where(inArray(mfaPasskeys.userId, userIds))
    .groupBy(mfaPasskeys.userId);
  for (const t of totps) out.set(t.userId, { ...NO_FACTORS, totp: true, totpLastUsedAt: t.lastUsedAt });
  for (const p of passkeys) {
    const lastUsedAt = p.lastUsedAt === null ? null : new Date(Number(p.lastUsedAt));
    out.set(p.userId, { ...(out.get(p.userId) ?? NO_FACTORS), passkeys: Number(p.n), passkeysLastUsedAt: lastUsedAt });
  }
  for (const c of codes) out.set(c.userId, { ...(out.get(c.userId) ?? NO_FACTORS), recoveryCodesLeft: Number(c.n) });
  return out;
}

/** A subquery-friendly condition: users of the account with a confirmed second factor (an app or a passkey). */
export function usersWithFactor(accountId: string) {
  return sql`(SELECT ${mfaTotp.userId} FROM ${mfaTotp} WHERE ${mfaTotp.accountId} = ${accountId} AND ${mfaTotp.confirmedAt} IS NOT NULL UNION SELECT ${mfaPasskeys.userId} FROM ${mfaPasskeys} WHERE ${mfaPasskeys.accountId} = ${accountId})`;
}
