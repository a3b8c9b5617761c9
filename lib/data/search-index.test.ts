import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";
import { searchEntries } from "@/lib/db/schema";
import { addPeople, bruteForce, newAccount, prng, randomPeople, search } from "@/test/search-fixtures";
import { findCandidates, indexEntity, removeEntity } from "./search-index";
import { writeSystem } from "./unit-of-work";

describe("the searchable encrypted index", () => {
  it("stores no plaintext: entries hold ids, terms are integers below 2^48", async () => {
    const accountId = await newAccount();
    await addPeople(accountId, [
      { name: "Plaintextina Quockerwodger", email: "plaintextina@leak.example" },
      { name: "Ann Smith", email: "ann.smith@leak.example" },
    ]);
    const entries = await rows<Record<string, unknown>>(db(), sql`SELECT * FROM search_entries`);
    const scopes = await rows<Record<string, unknown>>(db(), sql`SELECT * FROM search_scopes`);
    const terms = await rows<Record<string, unknown>>(db(), sql`SELECT * FROM search_terms UNION ALL SELECT * FROM search_recent_terms`);
    expect(terms.length).toBeGreaterThan(20);
    for (const t of terms) {
      expect(Object.keys(t).sort()).toEqual(["entry_id", "scope_id", "term"]);
      expect(Number.isSafeInteger(t.term)).toBe(true);
      expect(t.term as number).toBeLessThan(2 ** 48);
    }
    const stored = JSON.stringify([scopes, entries, terms]).toLowerCase();
    for (const fragment of ["plain", "quock", "ann", "smith", "leak", "example"]) expect(stored).not.toContain(fragment);
  });

  it("finds by fragment, case, accents and Unicode form; short queries find starts of words", async () => {
    const accountId = await newAccount();
    const [ann, joanna, jose, fiona] = await addPeople(accountId, [
      { name: "Ann Smith", email: "ann.smith@example.com" },
      { name: "Joanna Ödegaard", email: "jo@corp.example" },
      { name: "José Núñez", email: "jose@corp.example" },
      { name: "ﬁona Blake", email: "fb@corp.example" },
    ]);
    expect(await search(accountId, "ANN")).toEqual([ann.id, joanna.id].sort());
    expect(await search(accountId, "an")).toEqual([ann.id]); // "Joanna" has "an" inside a word only
    expect(await search(accountId, "sm")).toEqual([ann.id]);
    expect(await search(accountId, "ödeg")).toEqual([joanna.id]);
    expect(await search(accountId, "Jose\u0301")).toEqual([jose.id]); // decomposed é finds composed é
    expect(await search(accountId, "fiona")).toEqual([fiona.id]); // the ligature folds under NFKC
    expect(await search(accountId, "ann   smith")).toEqual([ann.id]); // whitespace folds
    expect(await search(accountId, "corp.example")).toEqual([joanna.id, jose.id, fiona.id].sort());
    expect(await search(accountId, "smith ann")).toEqual([]);
  });

  it("gives exactly what decrypting every row and filtering gives, on random names and queries", async () => {
    const random = prng(20261201);
    const accountId = await newAccount();
    const people = await addPeople(accountId, randomPeople(300, random));
    const queries = new Set<string>(["a", "É", "x".repeat(200), "zzz", "ann", "Ann.", " n ", "ß", "ss", "example.com", "@"]);
    for (let i = 0; i < 80; i++) {
      const person = people[Math.floor(random() * people.length)];
      const source = random() < 0.5 ? person.name : person.email;
      const chars = Array.from(source);
      const length = 1 + Math.floor(random() * Math.min(chars.length, 24));
      const start = Math.floor(random() * (chars.length - length + 1));
      let query = chars.slice(start, start + length).join("");
      if (random() < 0.3) query = query.toUpperCase();
      if (random() < 0.2) query = query.normalize("NFD");
      queries.add(query);
    }
    for (const query of queries) {
      const expected = await bruteForce(accountId, query);
      expect({ query, found: await search(accountId, query) }).toEqual({ query, found: expected });
      // An exact answer needs no confirmation: no candidate is a false match.
      const raw = await findCandidates(db(), { accountId, scope: "users", query });
      if (raw?.exact) expect({ query, raw: [...raw.entityIds].sort() }).toEqual({ query, raw: expected });
    }
  });

  it("re-indexes a changed name, and forgets a removed entity", async () => {
    const accountId = await newAccount();
    const [zeb] = await addPeople(accountId, [{ name: "Zebulon Quarry", email: "zq@example.com" }]);
    expect(await search(accountId, "zebu")).toEqual([zeb.id]);
    await writeSystem((tx) => indexEntity(tx, { accountId, scope: "users", entityId: zeb.id, fields: ["Xavier Quarry", "zq@example.com"] }));
    expect(await search(accountId, "zebu")).toEqual([]);
    expect((await findCandidates(db(), { accountId, scope: "users", query: "zebu" }))?.entityIds).toEqual([]);
    expect(await findCandidates(db(), { accountId, scope: "users", query: "xav" })).toEqual({ entityIds: [zeb.id], exact: true });

    await writeSystem((tx) => removeEntity(tx, { accountId, scope: "users", entityId: zeb.id }));
    expect(await findCandidates(db(), { accountId, scope: "users", query: "xav" })).toEqual({ entityIds: [], exact: true });
    const left = await db().select().from(searchEntries).where(eq(searchEntries.entityId, zeb.id));
    expect(left).toEqual([]);
    const orphans = await rows(
      db(),
      sql`SELECT term FROM search_terms WHERE entry_id NOT IN (SELECT id FROM search_entries) UNION ALL SELECT term FROM search_recent_terms WHERE entry_id NOT IN (SELECT id FROM search_entries)`,
    );
    expect(orphans).toEqual([]);
  });

  it("never matches another account's or another scope's entities", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const same = { name: "Twin Person", email: "twin@example.com" };
    const [inA] = await addPeople(a, [same]);
    const [inB] = await addPeople(b, [same]);
    await writeSystem((tx) => indexEntity(tx, { accountId: a, scope: "parties", entityId: "party-1", fields: ["Twin Person"] }));
    for (const query of ["tw", "twin", "twin person", "example.com"]) {
      expect((await findCandidates(db(), { accountId: a, scope: "users", query }))?.entityIds).toEqual([inA.id]);
      expect((await findCandidates(db(), { accountId: b, scope: "users", query }))?.entityIds).toEqual([inB.id]);
    }
    expect((await findCandidates(db(), { accountId: a, scope: "parties", query: "twin" }))?.entityIds).toEqual(["party-1"]);
    expect((await findCandidates(db(), { accountId: b, scope: "parties", query: "twin" }))?.entityIds).toEqual([]);
  });

  it("treats a query that is only whitespace as no search, and honours a limit", async () => {
    const accountId = await newAccount();
    await addPeople(accountId, [
      { name: "Limit One", email: "l1@example.com" },
      { name: "Limit Two", email: "l2@example.com" },
      { name: "Limit Three", email: "l3@example.com" },
    ]);
    expect(await findCandidates(db(), { accountId, scope: "users", query: "   " })).toBeNull();
    expect((await findCandidates(db(), { accountId, scope: "users", query: "limit", limit: 2 }))?.entityIds).toHaveLength(2);
  });
});
