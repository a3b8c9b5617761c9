import { describe, expect, it } from "vitest";
import { ldapInputSchema } from "./schemas";

const base = { url: "ldaps://127.0.0.1:636", bind_dn: "cn=reader,dc=example,dc=com", bind_password: "secret", search_base: "dc=example,dc=com", allow_internal_addresses: true };

describe("LDAP group mappings", () => {
  it("refuses an entry with a field the mapping doesn't have, naming it, instead of dropping it", () => {
    const parsed = ldapInputSchema.safeParse({ ...base, group_mapping: [{ ldap_grup: "engineers", ldap_group: "engineers", group_id: "g1" }] });
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues.find((i) => i.path[0] === "group_mapping");
    expect(issue?.message).toBe("Unknown field in a group mapping: ldap_grup");
  });

  it("takes a well-formed entry, and says what an entry is when it isn't an object", () => {
    expect(ldapInputSchema.safeParse({ ...base, group_mapping: [{ ldap_group: "engineers", group_id: "g1" }] }).success).toBe(true);
    const parsed = ldapInputSchema.safeParse({ ...base, group_mapping: ["engineers"] });
    expect(parsed.error!.issues.find((i) => i.path[0] === "group_mapping")?.message).toBe("group_mapping must be a list of {ldap_group, group_id}");
  });
});
