/**
 * A directory can answer more than one id attribute for an entry (389 Directory Server keeps nsUniqueId, and
 * also answers entryUUID once its entryUUID plugin is turned on). A person bound by one of them must stay that
 * person: at sign-in (not a new account), and in the periodic directory check (not "gone", so not blocked).
 * slapd answers entryUUID only, so these run on entries as ldapts returns them.
 */
import type { Entry } from "ldapts";
import { describe, expect, it } from "vitest";
import { directorySubject, stableIdsOf, subjectsAnsweredBy, type DirectoryUser } from "./directory";

const UUID = "5D1E3B5A-0C1F-4D6B-9E8A-3A2B1C0D9E8F";
const NSUNIQUEID = "66a0a101-1dd211b2-80c3e1a4-5f6a7b8c";

function person(entry: Partial<Entry>): DirectoryUser {
  return { dn: "uid=dora,ou=people,dc=example,dc=org", username: "Dora", email: null, name: null, stableIds: stableIdsOf({ dn: "x", ...entry } as Entry) };
}

describe("an entry's ids", () => {
  it("lists every id attribute answered, in the preferred order, objectGUID's bytes in hex", () => {
    const guid = Buffer.from("00112233445566778899aabbccddeeff", "hex");
    expect(stableIdsOf({ dn: "x", nsUniqueId: NSUNIQUEID, entryUUID: UUID, objectGUID: guid } as unknown as Entry)).toEqual([
      `entryuuid:${UUID.toLowerCase()}`,
      "objectguid:00112233445566778899aabbccddeeff",
      `nsuniqueid:${NSUNIQUEID}`,
    ]);
    expect(stableIdsOf({ dn: "x", entryUUID: "  " } as unknown as Entry)).toEqual([]);
  });
});

describe("a person bound by nsUniqueId, when the directory starts answering entryUUID too", () => {
  const entry = person({ nsUniqueId: NSUNIQUEID, entryUUID: UUID });
  const bound = `nsuniqueid:${NSUNIQUEID}`;

  it("signs in as the same person: the subject stays the one they are bound by", () => {
    expect(directorySubject(entry, bound)).toBe(bound);
  });

  it("is found by the directory check, not counted as gone", () => {
    expect(subjectsAnsweredBy(entry, new Set([bound, "entryuuid:someone-else"]))).toEqual([bound]);
  });

  it("someone not bound yet, or bound by username, is bound by the entry's first id", () => {
    expect(directorySubject(entry, null)).toBe(`entryuuid:${UUID.toLowerCase()}`);
    expect(directorySubject(entry, "dora")).toBe(`entryuuid:${UUID.toLowerCase()}`);
    expect(subjectsAnsweredBy(entry, new Set(["dora"]))).toEqual(["dora"]);
  });

  it("an id the entry no longer carries binds to the entry's own id instead (a username reused: a new person)", () => {
    expect(directorySubject(entry, "entryuuid:an-old-entry")).toBe(`entryuuid:${UUID.toLowerCase()}`);
  });

  it("a directory that keeps no ids binds by the lower-cased username", () => {
    expect(directorySubject(person({}), null)).toBe("dora");
  });
});
