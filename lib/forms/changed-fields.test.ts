import { describe, expect, it } from "vitest";
import { changedIn, markChanges, snapshotOf } from "./changed-fields";

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
});
