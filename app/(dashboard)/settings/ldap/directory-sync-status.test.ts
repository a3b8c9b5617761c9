/**
 * Settings → LDAP's note on the periodic directory check (components/idp/directory-sync-status.tsx), rendered
 * to HTML as the server's pass does, with the English and German catalogs.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { NextIntlClientProvider } from "next-intl";
import { describe, expect, it } from "vitest";
import de from "@/messages/de.json";
import en from "@/messages/en.json";
import { DirectorySyncStatus } from "@/components/idp/directory-sync-status";

type Props = Parameters<typeof DirectorySyncStatus>[0];
const AT = new Date("2026-12-03T22:00:00Z");
const counts = { checked: 12, missing: 2, suspended: 2, groups_updated: 1 };

function render(props: Props, messages: typeof en = en, locale: "en" | "de" = "en"): string {
  return renderToStaticMarkup(createElement(NextIntlClientProvider, { locale, messages, timeZone: "UTC", children: createElement(DirectorySyncStatus, props) }));
}

describe("the directory check on Settings → LDAP", () => {
  it("says how often it runs, or that it is off, and when it has not run yet", () => {
    expect(render({ intervalMinutes: 15, lastAt: null, last: null })).toMatch(/Every 15 minutes.*It has not run yet/);
    expect(render({ intervalMinutes: null, lastAt: null, last: null })).toContain("LDAP_SYNC_INTERVAL_MINUTES=0");
  });

  it("shows the last run's time and what it came to", () => {
    expect(render({ intervalMinutes: 15, lastAt: AT, last: { status: "done", ...counts } })).toMatch(/Last check .*2026.* UTC: 12 people checked, 2 blocked, 1 with changed groups/);
    expect(render({ intervalMinutes: 15, lastAt: AT, last: { status: "unavailable", ...counts, message: "x" } })).toContain("could not be reached or refused the service account; nobody was changed");
    const guarded = render({ intervalMinutes: 15, lastAt: AT, last: { status: "guarded", ...counts, missing: 10 } });
    expect(guarded).toContain("no longer has 10 of the 12 people");
    expect(guarded).toContain('role="status"');
    expect(render({ intervalMinutes: 15, lastAt: AT, last: { status: "done", ...counts } }, de as typeof en, "de")).toContain("12 Personen geprüft, 2 gesperrt");
  });

  it("says when the owner's entry is gone (the owner is never blocked) and how many people were not checked", () => {
    const plain = render({ intervalMinutes: 15, lastAt: AT, last: { status: "done", ...counts } });
    expect(plain).not.toContain("owner");
    expect(plain).not.toContain("could not be matched");
    const noted = render({ intervalMinutes: 15, lastAt: AT, last: { status: "done", ...counts, not_checked: 2, owner_entry_gone: true } });
    expect(noted).toContain("The owner&#x27;s entry is no longer in the directory");
    expect(noted).toContain("2 people could not be matched to the directory&#x27;s answer");
    const german = render({ intervalMinutes: 15, lastAt: AT, last: { status: "done", ...counts, not_checked: 1, owner_entry_gone: true } }, de as typeof en, "de");
    expect(german).toContain("Der Eintrag des Inhabers ist nicht mehr im Verzeichnis");
    expect(german).toContain("Der Antwort des Verzeichnisses nicht sicher zugeordnet und daher unverändert gelassen: 1 Person");
  });
});
