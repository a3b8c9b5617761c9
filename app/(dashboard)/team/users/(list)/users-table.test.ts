/**
 * Team → Users' table as the browser gets it: rows as plain data rendered by
 * one client component (components/users/users-table-view.tsx), its sort
 * links made on the server (sortHrefsFor). Rendered to HTML here, as the
 * server's HTML pass does, with the English catalog.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { NextIntlClientProvider } from "next-intl";
import { describe, expect, it } from "vitest";
import en from "@/messages/en.json";
import { sortHrefsFor } from "@/components/ui/data-table";
import { UsersTableView, type UserRow } from "@/components/users/users-table-view";

const row = (over: Partial<UserRow>): UserRow => ({
  id: "u1",
  name: "Ann Smith",
  username: "ann",
  email: "ann@example.com",
  emailVerified: true,
  role: "user",
  status: "active",
  groups: null,
  mfa: false,
  source: { kind: "local", name: "Local" },
  lastLoginAt: null,
  createdAt: new Date("2026-01-01T00:00:00Z"),
  ...over,
});

function render(props: Partial<Parameters<typeof UsersTableView>[0]>): string {
  const table = createElement(UsersTableView, {
    label: "Users",
    rows: [row({}), row({ id: "u2", name: "", username: "bob", email: null, role: "admin", status: "blocked", groups: "Ops, Dev", mfa: true, lastLoginAt: new Date() })],
    currentUserId: "u2",
    sort: { key: "created_at", order: "asc" },
    sortHrefs: sortHrefsFor(["name", "username", "email", "role", "status", "last_login", "created_at"], (key, order) => `/team/users?sort=${key}&order=${order}`),
    selectable: false,
    empty: "none",
    ...props,
  });
  return renderToStaticMarkup(createElement(NextIntlClientProvider, { locale: "en", messages: en, timeZone: "UTC", children: table }));
}

describe("the users table from rows of data", () => {
  it("shows each row's cells and links each sortable header", () => {
    const html = render({});
    expect(html).toContain('aria-label="Users"');
    expect(html.match(/<tr/g)).toHaveLength(3);
    expect(html).toContain('href="/team/users/u1"');
    // A person without a name shows their username; the viewer's own row says so.
    expect(html).toMatch(/href="\/team\/users\/u2"[^>]*>bob<\/a><span[^>]*>You<\/span>/);
    expect(html).toContain("Ops, Dev");
    expect(html).toContain("Blocked");
    expect(html).toContain("Never");
    expect(html).toContain("Local");
    // The active sort flips; another key starts ascending.
    expect(html).toContain('href="/team/users?sort=created_at&amp;order=desc"');
    expect(html).toContain('href="/team/users?sort=username&amp;order=asc"');
    expect(html).toContain('aria-sort="ascending"');
  });

  it("an email nobody proved says \"Not confirmed\" beside it; a proven one and a missing one don't", () => {
    const html = render({ rows: [row({ email: "ann@example.com" }), row({ id: "u2", email: "cara@example.com", emailVerified: false }), row({ id: "u3", email: null, emailVerified: false })] });
    expect(html.match(/Not confirmed/g)).toHaveLength(1);
    expect(html).toMatch(/cara@example\.com<\/span><span title="Nobody has confirmed this address[^"]*"[^>]*>Not confirmed/);
  });

  it("names and email can't sort when too many match, and the empty state replaces an empty table", () => {
    const html = render({ nameSortReason: "Too many" });
    expect(html).not.toContain("sort=name&amp;");
    expect(html).not.toContain("sort=email&amp;");
    expect(html).toContain('title="Too many"');
    expect(render({ rows: [] })).toBe("none");
  });
});
