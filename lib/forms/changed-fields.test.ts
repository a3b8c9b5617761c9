import { describe, expect, it } from "vitest";
import { SetEdit, patched, resolveSet } from "@/lib/data/patch";
import { changedEntries, changedIn, markChanges, setIn, snapshotOf } from "./changed-fields";

function data(entries: [string, string][]): FormData {
  const d = new FormData();
  for (const [k, v] of entries) d.append(k, v);
  return d;
}

describe("changed fields", () => {
  const loaded = snapshotOf(data([["name", "Ann"], ["role", "admin"], ["enabled", "on"], ["auto_groups", "g1"], ["auto_groups", "g2"]]));

  it("names only what the person changed, including an unticked box and a changed group set", () => {
    const submitted = data([["name", "Ann B"], ["role", "admin"], ["auto_groups", "g2"], ["auto_groups", "g1"]]);
    markChanges(submitted, loaded);
    const changed = changedIn(submitted);
    expect(changed("name")).toBe(true);
    expect(changed("enabled")).toBe(true);
    expect(changed("role")).toBe(false);
    expect(changed("auto_groups")).toBe(false);
  });

  it("treats every field as changed when the browser did not track changes", () => {
    const changed = changedIn(data([["name", "Ann"]]));
    expect(changed("role")).toBe(true);
  });

  it("cannot be fooled by a submitted change list without the tracking marker", () => {
    const submitted = data([["__changed", "name"]]);
    expect(changedIn(submitted)("role")).toBe(true);
  });

  it("gives only the changed entries of an input, a list edited as several fields by any of them", () => {
    const submitted = data([["name", "Ann"], ["role", "user"], ["enabled", "on"], ["auto_groups", "g1"], ["auto_groups", "g2"]]);
    markChanges(submitted, loaded);
    const input = { name: "Ann", role: "user", enabled: true, groups: ["g1", "g2"] };
    expect(changedEntries(submitted, input, { groups: ["auto_groups"] })).toEqual({ role: "user" });
    expect(changedEntries(data([["name", "Ann"]]), input)).toEqual(input);
  });

  it("sends a changed list as what was added and taken out since it loaded, applied to what is stored now", () => {
    const submitted = data([["name", "Ann"], ["role", "admin"], ["enabled", "on"], ["auto_groups", "g2"], ["auto_groups", "g3"]]);
    markChanges(submitted, loaded);
    const edit = setIn(submitted, "auto_groups");
    expect(edit).toEqual(new SetEdit(["g3"], ["g1"]));
    // Someone else added g4 meanwhile: it stays.
    expect(resolveSet(["g1", "g2", "g4"], edit)).toEqual(["g2", "g4", "g3"]);
    // Without JavaScript the submitted list is the whole list.
    expect(setIn(data([["auto_groups", "g2"]]), "auto_groups")).toEqual(["g2"]);
  });
});

describe("a patch over what is stored", () => {
  it("changes the fields named, keeps the others, and applies a set edit to the stored list", () => {
    const stored = { name: "Directory", role: "auditor", groups: ["a", "b"] };
    expect(patched(stored, { name: "Renamed", role: undefined, groups: new SetEdit(["c"], ["a"]) })).toEqual({ name: "Renamed", role: "auditor", groups: ["b", "c"] });
    expect(patched(stored, { groups: ["z"] })).toEqual({ ...stored, groups: ["z"] });
  });
});
