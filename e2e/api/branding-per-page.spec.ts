/**
 * The instance's name on a dashboard page (Settings → Appearance, lib/instance/branding.ts), as the page's reader
 * and its database see it. One page shows the name three times (the tab title, the header; the page's own title
 * asks too) and asks the database for the stored branding's version once (round 31: it asked three times, a
 * round trip each on PostgreSQL); a new name shows from the next page on. Pages served outside a render (the
 * OpenID provider's /device page) read it on every request, so a rename shows there at once too.
 */
import { expect, test } from "@playwright/test";
import { bearer, call, signInOrFail } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";
import { statementLog } from "../support/statement-log";

const statements = statementLog(/cache_versions/);
const instance = useInstance({ ...statements.env, PUBLIC_URL: "{baseURL}" });
let token: string;
let cookie: string;

test.beforeAll(async () => {
  token = (await setUpOwner(instance)).personal_access_token;
  cookie = await signInOrFail(instance, OWNER.email, OWNER.password);
});

test.afterAll(() => statements.remove());

async function rename(name: string) {
  const res = await call(instance, "/api/settings/appearance", { method: "PUT", headers: bearer(token), json: { name } });
  expect(res.status, res.text).toBe(200);
}

/** How often the server has read the stored appearance's version (lib/data/cache-version.ts) so far. */
const appearanceReads = () => statements.read().filter((s) => s.params.includes("appearance")).length;

/** A page as the browser shows it: the tab title, the header's text and all its text (its scripts, their data and its styles aside). */
async function shown(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(instance.url(path), { headers, redirect: "manual" });
  const html = await res.text();
  expect(res.status, html.slice(0, 300)).toBe(200);
  const visible = html.replace(/<(script|style)\b[\s\S]*?<\/\1>/g, "");
  const text = (markup: string | undefined) => (markup ?? "").replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  return { title: text(/<title>([\s\S]*?)<\/title>/.exec(visible)?.[1]), header: text(/<header[\s\S]*?<\/header>/.exec(visible)?.[0]), body: text(visible) };
}

test("a dashboard page shows the instance's name in its title and header, read from the database once; a new name shows on the next page", async () => {
  await rename("Before Team");
  const before = appearanceReads();
  const first = await shown("/team/users", { cookie });
  expect(first.title).toMatch(/ · Before Team$/);
  expect(first.header).toContain("Before Team");
  expect(appearanceReads() - before, "reads of the appearance's version for one page").toBe(1);

  await rename("After Team");
  const after = appearanceReads();
  const next = await shown("/team/users", { cookie });
  expect(next.title).toMatch(/ · After Team$/);
  expect(next.header).toContain("After Team");
  expect(next.header).not.toContain("Before Team");
  expect(appearanceReads() - after, "reads of the appearance's version for one page").toBe(1);
});

test("a page served outside a render (the provider's /device) shows each new name at once", async () => {
  for (const name of ["Device Team One", "Device Team Two"]) {
    await rename(name);
    expect((await shown("/device")).body).toContain(name);
  }
});
