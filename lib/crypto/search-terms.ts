/**
 * The keyed terms of the searchable encrypted index (lib/data/search-index.ts),
 * and the one definition of what a search matches. Indexing, querying and the
 * callers' confirmation all use this file, so they cannot drift apart.
 *
 * What matches (after normalising both sides: NFKC, lower-case, runs of
 * whitespace folded to one space, trimmed):
 * - a query of 3 or more characters matches a field that contains it;
 * - a query of 1 or 2 characters matches a field that starts with it, or has a
 *   word (a run of letters, digits and marks) that starts with it. "Contains
 *   'a'" matches nearly everyone and would need a term per letter of every
 *   field (the most revealing terms there are, see docs/security.md); a short
 *   query is someone typing the start of a name, so it finds starts of words:
 *   "an" finds "Ann Smith" and "ann.smith@…", "sm" finds "Ann Smith".
 *
 * Terms of a field: each of its trigrams, plus the 1- and 2-character
 * prefixes of the field and of each word. A query of 3 characters is exactly
 * one trigram and a query of 1–2 exactly one prefix term, so for those the
 * index alone decides ("exact"). A longer query becomes the set of its
 * trigrams: a field holding them all usually contains the query but need not
 * ("anna" vs "annual nnaples"), so those candidates are confirmed by the
 * caller, which decrypts only them and calls matchesSearch.
 *
 * A term is the first 48 bits of HMAC-SHA-256 under a key used for nothing
 * else, over the account, the scope, the kind of term and the text, so the
 * same name in two accounts or two scopes gives unrelated terms. 48 bits keep
 * terms distinct in practice (a false match needs two of an account's terms
 * to agree on 48 bits: about 1 in 10^10 per query at 50,000 distinct terms)
 * while storing 6 bytes instead of 32; why not fewer, see docs/security.md.
 */
import "server-only";
import crypto from "node:crypto";
import { keyRing } from "./keys";

/** Bits kept of each HMAC: a JavaScript number holds them exactly, and SQL stores them as an integer. */
export const SEARCH_TERM_BITS = 48;
/** A long query uses at most this many of its trigrams to find candidates (confirmation checks the whole query). */
export const MAX_QUERY_TERMS = 8;

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** The form both fields and queries are compared in. */
export function normaliseSearchText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/gu, " ").trim();
}

function prefixes(text: string, into: Set<string>): void {
  const chars = Array.from(text);
  if (chars.length >= 1) into.add(`p\u0000${chars[0]}`);
  if (chars.length >= 2) into.add(`p\u0000${chars[0]}${chars[1]}`);
}

/** The grams of one field (already normalised), tagged with their kind: t = trigram, p = prefix. */
function fieldGrams(normalised: string, into: Set<string>): void {
  if (normalised === "") return;
  prefixes(normalised, into);
  for (const word of normalised.match(WORD) ?? []) prefixes(word, into);
  const chars = Array.from(normalised);
  for (let i = 0; i + 3 <= chars.length; i++) into.add(`t\u0000${chars[i]}${chars[i + 1]}${chars[i + 2]}`);
}

function termOf(accountId: string, scope: string, gram: string): number {
  const digest = crypto
    .createHmac("sha256", keyRing().searchIndexKey)
    .update(`${accountId}\u0000${scope}\u0000${gram}`, "utf8")
    .digest();
  return digest.readUIntBE(0, SEARCH_TERM_BITS / 8);
}

/** Every term of an entity's fields (null fields skipped), each once. */
export function entityTerms(accountId: string, scope: string, fields: ReadonlyArray<string | null | undefined>): number[] {
  const grams = new Set<string>();
  for (const field of fields) if (field) fieldGrams(normaliseSearchText(field), grams);
  return [...new Set([...grams].map((gram) => termOf(accountId, scope, gram)))];
}

export type QueryTerms = {
  /** What an entity must hold, all of them, to be a candidate. */
  terms: number[];
  /** True when holding the terms is the match itself (no confirmation needed). */
  exact: boolean;
};

/** The terms a query looks up; null for a query that is empty once normalised (it matches everything). */
export function queryTerms(accountId: string, scope: string, query: string): QueryTerms | null {
  const chars = Array.from(normaliseSearchText(query));
  if (chars.length === 0) return null;
  if (chars.length <= 2) return { terms: [termOf(accountId, scope, `p\u0000${chars.join("")}`)], exact: true };
  const grams: string[] = [];
  for (let i = 0; i + 3 <= chars.length; i++) {
    const gram = `t\u0000${chars[i]}${chars[i + 1]}${chars[i + 2]}`;
    if (!grams.includes(gram)) grams.push(gram);
  }
  // Spread over the query (first and last included), so a long query's candidates are still few.
  const picked =
    grams.length <= MAX_QUERY_TERMS
      ? grams
      : Array.from({ length: MAX_QUERY_TERMS }, (_, i) => grams[Math.round((i * (grams.length - 1)) / (MAX_QUERY_TERMS - 1))]);
  return { terms: [...new Set(picked.map((gram) => termOf(accountId, scope, gram)))], exact: chars.length === 3 };
}

/** Whether one of the fields matches the query (the definition above; an empty query matches). */
export function matchesSearch(query: string, fields: ReadonlyArray<string | null | undefined>): boolean {
  const q = normaliseSearchText(query);
  if (q === "") return true;
  const short = Array.from(q).length <= 2;
  return fields.some((field) => {
    if (!field) return false;
    const f = normaliseSearchText(field);
    if (!short) return f.includes(q);
    return f.startsWith(q) || (f.match(WORD) ?? []).some((word) => word.startsWith(q));
  });
}
