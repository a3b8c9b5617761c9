import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Actor } from "./actor";
import { allSettingsTabHrefs, hiddenNavigation, settingsTabs } from "./navigation";

const settingsDir = path.resolve(__dirname, "../../app/(dashboard)/settings");

/** Settings sections on disk: a folder holding a page.tsx, directly or in a route group such as (list). */
function settingsSections(): string[] {
  const hasPage = (dir: string): boolean =>
    fs.readdirSync(dir, { withFileTypes: true }).some((e) => (e.isFile() && e.name === "page.tsx") || (e.isDirectory() && /^\(.*\)$/.test(e.name) && hasPage(path.join(dir, e.name))));
  return fs
    .readdirSync(settingsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("(") && hasPage(path.join(settingsDir, e.name)))
    .map((e) => `/settings/${e.name}`);
}

const actor = (role: Actor["role"]): Actor => ({ kind: "session", sessionId: "s", accountId: "a", userId: "u", role, mustChangePassword: false });

describe("settings tabs", () => {
  it("every settings page has a tab, and every tab a page", () => {
    expect([...allSettingsTabHrefs()].sort()).toEqual(settingsSections().sort());
  });

  it("the owner sees every tab; a plain user none, and no Settings link", () => {
    expect(settingsTabs(actor("owner")).map((t) => t.href)).toEqual(allSettingsTabHrefs());
    expect(settingsTabs(actor("user"))).toEqual([]);
    expect(hiddenNavigation(actor("user"))).toContain("/settings");
  });
});
