import { describe, expect, it } from "vitest";
import { SetEdit } from "@/lib/data/patch";
import { Invalid } from "@/lib/errors";
import { ACCESS_TEXTS, accessChangesOf, accessStateOf, resolveAccess, type AccessState } from "./access";

const everyone: AccessState = { access: "everyone", groups: [] };
const limited: AccessState = { access: "groups", groups: ["a", "b"] };
const nobody: AccessState = { access: "nobody", groups: [] };

function refusal(run: () => unknown): string[] | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof Invalid) return err.fieldErrors.allowed_groups;
    throw err;
  }
  return undefined;
}

describe("resolveAccess", () => {
  it("reads the stored flags: a limited app with no group left admits nobody", () => {
    expect(accessStateOf(false, [])).toEqual(everyone);
    expect(accessStateOf(true, ["a", "a", "b"])).toEqual(limited);
    expect(accessStateOf(true, [])).toEqual(nobody);
  });

  it.each([
    ["everyone", everyone],
    ["groups", limited],
    ["nobody", nobody],
  ] as const)("sending back what a GET answers (%s), with or without access, changes nothing", (_, stored) => {
    for (const sent of [{ access: stored.access, groups: [...stored.groups].reverse() }, { groups: stored.groups }, {}, { groups: new SetEdit([], []) }]) {
      expect(accessChangesOf(stored, resolveAccess(stored, sent))).toEqual({});
    }
  });

  it("without access, a changed list says it: groups for some, everyone for none (what [] has always meant)", () => {
    expect(resolveAccess(everyone, { groups: ["c"] })).toEqual({ access: "groups", groups: ["c"] });
    expect(resolveAccess(nobody, { groups: new SetEdit(["c"], []) })).toEqual({ access: "groups", groups: ["c"] });
    expect(resolveAccess(limited, { groups: [] })).toEqual(everyone);
    expect(resolveAccess(undefined, { groups: [] })).toEqual(everyone);
    expect(resolveAccess(undefined, { groups: ["a"] })).toEqual({ access: "groups", groups: ["a"] });
  });

  it("everyone and nobody clear the stored groups, and refuse groups sent with them", () => {
    expect(resolveAccess(limited, { access: "everyone" })).toEqual(everyone);
    expect(resolveAccess(limited, { access: "nobody", groups: [] })).toEqual(nobody);
    // The dashboard's boxes are disabled under Everyone: taking groups out is what it sends.
    expect(resolveAccess(limited, { access: "everyone", groups: new SetEdit([], ["a"]) })).toEqual(everyone);
    expect(resolveAccess(nobody, { access: "everyone" })).toEqual(everyone);
    // A GET sent back with only access changed carries the stored groups: they go, as access says.
    expect(resolveAccess(limited, { access: "everyone", groups: limited.groups })).toEqual(everyone);
    expect(resolveAccess(limited, { access: "nobody", groups: ["a"] })).toEqual(nobody);
    expect(refusal(() => resolveAccess(limited, { access: "everyone", groups: ["a", "c"] }))).toEqual([ACCESS_TEXTS.everyoneTakesNoGroups]);
    expect(refusal(() => resolveAccess(everyone, { access: "nobody", groups: new SetEdit(["c"], []) }))).toEqual([ACCESS_TEXTS.nobodyTakesNoGroups]);
    expect(refusal(() => resolveAccess(undefined, { access: "everyone", groups: ["a"] }))).toEqual([ACCESS_TEXTS.everyoneTakesNoGroups]);
  });

  it("groups needs a group, unless the change leaves things as stored", () => {
    expect(refusal(() => resolveAccess(everyone, { access: "groups" }))).toEqual([ACCESS_TEXTS.groupsNeeded]);
    expect(refusal(() => resolveAccess(limited, { access: "groups", groups: [] }))).toEqual([ACCESS_TEXTS.groupsNeeded]);
    expect(refusal(() => resolveAccess(limited, { access: "groups", groups: new SetEdit([], ["a", "b"]) }))).toEqual([ACCESS_TEXTS.groupsNeeded]);
    expect(refusal(() => resolveAccess(undefined, { access: "groups", groups: [] }))).toEqual([ACCESS_TEXTS.groupsNeeded]);
    // A nobody app's form saved without script: "Only members…" with no box ticked.
    expect(resolveAccess(nobody, { access: "groups", groups: [] })).toEqual(nobody);
    expect(resolveAccess(limited, { access: "groups", groups: new SetEdit(["c"], ["a"]) })).toEqual({ access: "groups", groups: ["b", "c"] });
  });
});

describe("accessChangesOf", () => {
  it("names what moved: the access, the groups, both, or nothing", () => {
    expect(accessChangesOf(limited, { access: "groups", groups: ["b", "a"] })).toEqual({});
    expect(accessChangesOf(nobody, everyone)).toEqual({ access: { from: "nobody", to: "everyone" } });
    expect(accessChangesOf(limited, { access: "groups", groups: ["c"] })).toEqual({ allowed_groups: { from: ["a", "b"], to: ["c"] } });
    expect(accessChangesOf(limited, nobody)).toEqual({ access: { from: "groups", to: "nobody" }, allowed_groups: { from: ["a", "b"], to: [] } });
  });
});
