/**
 * Fixtures for the search index's tests: sealed users rows, the search as a
 * caller does it (candidates, confirmed by decrypting only them), and the
 * brute-force reference (decrypt every row, filter).
 */
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { matchesSearch } from "@/lib/crypto/search-terms";
import { findCandidates, indexEntity } from "@/lib/data/search-index";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { accounts, users, type UserRow } from "@/lib/db/schema";
import { openIdentity, sealEmail, sealName } from "@/lib/users/records";

export type Person = { id: string; name: string; email: string };

export async function newAccount(): Promise<string> {
  const id = crypto.randomUUID();
  await writeSystem((tx) => tx.insert(accounts).values({ id }));
  return id;
}

/** Users rows (sealed like the real ones), indexed in the same transaction unless told not to. */
export async function addPeople(accountId: string, people: Array<{ name: string; email: string }>, options: { index?: boolean } = {}) {
  const made: Person[] = people.map((p) => ({ ...p, id: crypto.randomUUID() }));
  await writeSystem(async (tx) => {
    for (const p of made) {
      await tx.insert(users).values({ id: p.id, accountId, ...sealEmail(p.id, p.email, null), ...sealName(p.id, p.name), role: "user" });
      if (options.index !== false) await indexEntity(tx, { accountId, scope: "users", entityId: p.id, fields: [p.name, p.email] });
    }
  });
  return made;
}

export async function accountRows(accountId: string): Promise<UserRow[]> {
  return db().select().from(users).where(eq(users.accountId, accountId));
}

/** The search as a caller does it: candidates from the index, confirmed by decrypting only them when not exact. */
export async function search(accountId: string, query: string): Promise<string[]> {
  const found = await findCandidates(db(), { accountId, scope: "users", query });
  if (!found) return (await accountRows(accountId)).map((r) => r.id).sort();
  if (found.exact) return [...found.entityIds].sort();
  const candidates = new Set(found.entityIds);
  const confirmed = (await accountRows(accountId))
    .filter((r) => candidates.has(r.id))
    .filter((r) => {
      const { name, email } = openIdentity(r);
      return matchesSearch(query, [name, email]);
    });
  return confirmed.map((r) => r.id).sort();
}

/** The reference: decrypt every row of the account and filter. */
export async function bruteForce(accountId: string, query: string): Promise<string[]> {
  return (await accountRows(accountId))
    .filter((r) => {
      const { name, email } = openIdentity(r);
      return matchesSearch(query, [name, email]);
    })
    .map((r) => r.id)
    .sort();
}

/** A small deterministic PRNG, so a failure can be replayed. */
export function prng(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

export const SYLLABLES = ["an", "na", "jo", "sé", "ö", "mar", "ia", "Ann", "ÉL", "le", "ß", "ﬁ", "ç", "zh", "ou", "Ø", "x", "qu", "e\u0301", "ñ", "li", "n"];
const DOMAINS = ["example.com", "Exämple.org", "mail.co", "ann.net"];

export function randomPeople(n: number, random: () => number): Array<{ name: string; email: string }> {
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const word = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(SYLLABLES)).join("");
  const cap = (w: string) => (random() < 0.5 ? w.charAt(0).toUpperCase() + w.slice(1) : w);
  return Array.from({ length: n }, (_, i) => {
    const words = Array.from({ length: 1 + Math.floor(random() * 3) }, () => cap(word()));
    const name = random() < 0.05 ? "x".repeat(150) + words.join(" ") : words.join(random() < 0.2 ? "  " : " ");
    const email = `${words.join(".").toLowerCase()}${i}@${pick(DOMAINS)}`;
    return { name, email };
  });
}
