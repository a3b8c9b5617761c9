/**
 * Pages whose address carries a secret (an invite link, a reset link, the owner's recovery link, an email
 * change's confirmation) and the instance's logo on them. Review 12 checked them as an attacker would and found
 * them safe; this keeps them so: the browser is told to send no Referer to another origin (the token would be in
 * it), nothing on the page loads from or links to another origin, no page may be framed (clickjacking the form),
 * and no cache keeps the page.
 */
import { expect, test } from "@playwright/test";
import { call } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { createInvite, invitee } from "../support/invites-api";
import { solidPng } from "../support/png";
import { tokenClient } from "../support/users-api";

const instance = useInstance();

let inviteToken: string;

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  const api = tokenClient(instance, owner.personal_access_token);
  // A real logo on the pages, as an instance that set one shows it.
  const logo = await call(instance, "/api/settings/appearance/logo", {
    method: "PUT",
    headers: { ...api.headers, "content-type": "image/png" },
    body: new Uint8Array(solidPng(8, 8, [10, 20, 30])),
  });
  expect(logo.status, logo.text).toBe(200);
  inviteToken = (await createInvite(api, invitee("pages"))).invite_link;
});

test("a page with a secret in its address sends no Referer elsewhere, loads and links nothing elsewhere, and can't be framed or cached", async () => {
  const fake = "lkr_0000000000000000000000000000000000";
  for (const path of [`/invite?token=${inviteToken}`, `/reset-password?token=${fake}`, `/recover?token=${fake}`, `/confirm-email?token=${fake}`]) {
    const res = await fetch(instance.url(path), { redirect: "manual" });
    expect(res.status, path).toBe(200);
    expect(res.headers.get("referrer-policy"), path).toBe("same-origin");
    expect(res.headers.get("x-frame-options"), path).toBe("DENY");
    expect(res.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
    expect(res.headers.get("cache-control"), path).toContain("no-store");
    const html = await res.text();
    // Every src, href and action is this origin's own (a path), never another origin's (or protocol-relative).
    const urls = [...html.matchAll(/\s(?:src|href|action|srcset)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls.length, path).toBeGreaterThan(0);
    expect(urls.filter((u) => /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(u) && !u.startsWith(instance.baseURL)), path).toEqual([]);
    expect(html, path).toContain("/api/instance/logo?v=");
  }
});
