/**
 * Reading and writing a user's two-factor rows: the sealed TOTP secret, and
 * the summary other parts show (API "mfa" object, user page, Team → Users).
 * Never returns a secret outside this folder.
 */
import "server-only";
import { eq, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import type { Db, Tx } from "@/lib/db/database";
import { idSetValue, inIdSet, perDatabase, perTransaction, type PreparedRows } from "@/lib/db/prepared";
import { rows } from "@/lib/db/raw";
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

/**
 * The sign-in factors that outlive a password change, a reset or "sign out everywhere": recorded with
 * each (the activity event's details), so that one someone else added is seen there. They are kept, not
 * deleted: the person may sign in with nothing else, and Profile lists each with when it was added.
 */
export async function factorsKept(q: Db | Tx, userId: string): Promise<{ passkeys_kept: number; authenticator_app_kept: boolean }> {
  const summary = await mfaSummary(q, userId);
  return { passkeys_kept: summary.passkeys, authenticator_app_kept: summary.totp };
}

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
  // Every password sign-in asks (lib/mfa/second-step.ts): the statement is kept per database or unit-of-work tx.
  return summariesOf(await oneSummary(q).execute({ id: userId })).get(userId) ?? NO_FACTORS;
}

const oneSummary = perTransaction(
  (q) =>
    q
      .select({
        kind: sql<SummaryRow["kind"]>`kind`,
        user_id: sql<string>`user_id`,
        n: sql<SummaryRow["n"]>`n`,
        last_used_at: sql<SummaryRow["last_used_at"]>`last_used_at`,
      })
      .from(sql`(${summariesSql((column) => sql`${column} = ${sql.placeholder("id")}`)}) AS f`)
      .prepare() as unknown as PreparedRows<SummaryRow>,
);

type SummaryRow = { kind: "t" | "p" | "c"; user_id: string; n: number | string; last_used_at: number | string | null };

/** The three kinds in one query (every user list asks this for its page): t = app, p = passkeys, c = recovery codes. */
function summariesSql(among: (column: SQLWrapper) => SQL): SQL {
  return sql`SELECT 't' AS kind, ${mfaTotp.userId} AS user_id, 1 AS n, ${mfaTotp.lastUsedAt} AS last_used_at FROM ${mfaTotp}
          WHERE ${among(mfaTotp.userId)} AND ${mfaTotp.confirmedAt} IS NOT NULL
        UNION ALL
        SELECT 'p', ${mfaPasskeys.userId}, CAST(count(*) AS INTEGER), max(${mfaPasskeys.lastUsedAt}) FROM ${mfaPasskeys}
          WHERE ${among(mfaPasskeys.userId)} GROUP BY ${mfaPasskeys.userId}
        UNION ALL
        SELECT 'c', ${mfaRecoveryCodes.userId}, CAST(count(*) AS INTEGER), NULL FROM ${mfaRecoveryCodes}
          WHERE ${among(mfaRecoveryCodes.userId)} AND ${mfaRecoveryCodes.usedAt} IS NULL GROUP BY ${mfaRecoveryCodes.userId}`;
}

function summariesOf(found: SummaryRow[]): Map<string, MfaSummary> {
  const out = new Map<string, MfaSummary>();
  const at = (v: number | string | null) => (v === null ? null : new Date(Number(v)));
  for (const r of found) {
    const summary = out.get(r.user_id) ?? NO_FACTORS;
    if (r.kind === "t") out.set(r.user_id, { ...summary, totp: true, totpLastUsedAt: at(r.last_used_at) });
    else if (r.kind === "p") out.set(r.user_id, { ...summary, passkeys: Number(r.n), passkeysLastUsedAt: at(r.last_used_at) });
    else out.set(r.user_id, { ...summary, recoveryCodesLeft: Number(r.n) });
  }
  return out;
}

/** Summaries of several users in one query. */
export async function mfaSummaries(q: Db | Tx, userIds: string[]): Promise<Map<string, MfaSummary>> {
  if (userIds.length === 0) return new Map();
  const ids = sql.join(userIds.map((id) => sql`${id}`), sql`, `);
  return summariesOf(await rows<SummaryRow>(q, summariesSql((column) => sql`${column} IN (${ids})`)));
}

// The same query prepared once per database, the page's ids bound as one value (lib/db/prepared.ts).
const pageSummaries = perDatabase(
  (d) =>
    d
      .select({
        kind: sql<SummaryRow["kind"]>`kind`,
        user_id: sql<string>`user_id`,
        n: sql<SummaryRow["n"]>`n`,
        last_used_at: sql<SummaryRow["last_used_at"]>`last_used_at`,
      })
      .from(sql`(${summariesSql((column) => inIdSet(column, "ids"))}) AS f`)
      .prepare() as unknown as PreparedRows<SummaryRow>,
);

/** mfaSummaries of a list's page (committed data): every user list runs this, so its statement is kept. */
export async function mfaSummariesOfPage(userIds: readonly string[]): Promise<Map<string, MfaSummary>> {
  if (userIds.length === 0) return new Map();
  return summariesOf(await pageSummaries().execute({ ids: idSetValue(userIds) }));
}

