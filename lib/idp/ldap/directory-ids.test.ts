/**
 * A directory can answer more than one id attribute for an entry (389 Directory Server keeps nsUniqueId, and
 * also answers entryUUID once its entryUUID plugin is turned on). A person bound by one of them must stay that
 * person: at sign-in, whatever they typed (not a second account), and in the periodic directory check (not
 * "gone", so not blocked). slapd answers entryUUID only, so these run on entries as ldapts returns them, and the
 * sign-in's binding through signInExternal with the subjects a directory sign-in passes.
 */
import type { Entry } from "ldapts";
import { beforeAll, describe, expect, it } from "vitest";
import { createAccount, createUser, META, openWayIn, startSession, userRow } from "@/test/factories";
import { openIdpSubject } from "@/lib/db/idp-subject";
import { signInExternal, type ExternalPolicy } from "../external-sign-in";
import { directorySubjects, stableIdsOf, subjectsAnsweredBy, type DirectoryUser } from "./directory";

const UUID = "5D1E3B5A-0C1F-4D6B-9E8A-3A2B1C0D9E8F";
const NSUNIQUEID = "66a0a101-1dd211b2-80c3e1a4-5f6a7b8c";
const ENTRY_UUID = `entryuuid:${UUID.toLowerCase()}`;
const NS_ID = `nsuniqueid:${NSUNIQUEID}`;

function person(entry: Partial<Entry>): DirectoryUser {
  return { dn: "uid=dora,ou=people,dc=example,dc=org", username: "Dora", email: "dora@example.org", name: "Dora", stableIds: stableIdsOf({ dn: "x", ...entry } as Entry) };
}

describe("an entry's ids", () => {
  it("lists every id attribute answered, in the preferred order, objectGUID's bytes in hex", () => {
    const guid = Buffer.from("00112233445566778899aabbccddeeff", "hex");
    expect(stableIdsOf({ dn: "x", nsUniqueId: NSUNIQUEID, entryUUID: UUID, objectGUID: guid } as unknown as Entry)).toEqual([
      ENTRY_UUID,
      "objectguid:00112233445566778899aabbccddeeff",
      NS_ID,
    ]);
    expect(stableIdsOf({ dn: "x", entryUUID: "  " } as unknown as Entry)).toEqual([]);
  });

  it("binds by the first id, and moves people bound by another of them or by username", () => {
    expect(directorySubjects(person({ nsUniqueId: NSUNIQUEID, entryUUID: UUID }))).toEqual({ subject: ENTRY_UUID, formerSubjects: [NS_ID, "dora"] });
    expect(directorySubjects(person({}))).toEqual({ subject: "dora", formerSubjects: [] });
  });
});

describe("a person bound by nsUniqueId, when the directory starts answering entryUUID too", () => {
  const entry = person({ nsUniqueId: NSUNIQUEID, entryUUID: UUID });
  let accountId: string;
  const policy: ExternalPolicy = {
    method: "ldap",
    sourceName: "Corp Directory",
    signup: "open",
    allowedDomains: [],
    allowLinking: false,
    matchByEmail: false,
    defaultRole: "user",
    defaultGroups: [],
  };

  beforeAll(async () => {
    accountId = await createAccount();
    await startSession(await createUser(accountId, { role: "owner" }));
  });

  it("signs in as the same person (whatever they typed), moved to the entry's first id", async () => {
    // Bound when the directory answered nsUniqueId only.
    await openWayIn(accountId, "ldap", "ldap-two-ids");
    const who = { idpId: "ldap-two-ids", email: entry.email, emailVerified: true, name: entry.name, username: entry.username };
    const first = await signInExternal(accountId, { ...who, subject: NS_ID }, policy, META);
    const again = await signInExternal(accountId, { ...who, ...directorySubjects(entry) }, policy, META);
    expect(again.userId).toBe(first.userId);
    expect(openIdpSubject((await userRow(again.userId))!)).toBe(ENTRY_UUID);
  });

  it("is found by the directory check by any of the entry's ids, not counted as gone", () => {
    expect(subjectsAnsweredBy(entry, new Set([NS_ID, "entryuuid:someone-else"]))).toEqual([NS_ID]);
    expect(subjectsAnsweredBy(entry, new Set(["dora"]))).toEqual(["dora"]);
  });
});
