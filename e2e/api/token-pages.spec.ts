/**
 * Pages opened from a one-time link (an invite link, a reset link, the owner's recovery link, an email change's
 * confirmation) and the instance's logo on them. Review 12 checked them as an attacker would and found them safe;
 * this keeps them so: the browser is told to send no Referer to another origin, nothing on the page loads from or
 * links to another origin, no page may be framed (clickjacking the form), and no cache keeps the page. The token
 * leaves the address at the first request (a cookie, lib/http/link-cookie.ts): e2e/link-tokens.spec.ts in a browser.
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

const fakeReset = `lkr_${"0".repeat(36)}`;

/** The cookie a Set-Cookie header names, with its attributes (lower-cased names). */
function setCookie(res: Response, name: string) {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!line) return undefined;
  const [pair, ...attrs] = line.split(";").map((p) => p.trim());
  return { value: pair.slice(name.length + 1), attrs: attrs.map((a) => a.toLowerCase()) };
}

test("a link's token goes into a cookie and the browser to its page without it; the page sends no Referer elsewhere, loads and links nothing elsewhere, and can't be framed or cached", async () => {
  for (const [path, kind, token] of [
    ["/invite", "invite", inviteToken],
    ["/reset-password", "reset", fakeReset],
    ["/recover", "recover", `lko_${"0".repeat(36)}`],
    ["/confirm-email", "confirmEmail", `lke_${"0".repeat(36)}`],
  ] as const) {
    const opened = await fetch(instance.url(`${path}?token=${token}`), { redirect: "manual" });
    expect(opened.status, path).toBe(303);
    // The only Location: the clean page, relative. Nothing of the answer is kept or framed.
    expect(opened.headers.get("location"), path).toBe(path);
    expect(opened.headers.get("cache-control"), path).toContain("no-store");
    expect(opened.headers.get("x-frame-options"), path).toBe("DENY");
    expect(opened.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
    expect(await opened.text(), path).not.toContain(token);
    const cookie = setCookie(opened, `latchkey-link-${kind}`);
    expect(cookie?.value, path).toBe(token);
    expect(cookie?.attrs, path).toEqual(expect.arrayContaining(["httponly", "samesite=lax", `path=${path}`, `max-age=${kind === "recover" ? 900 : 1800}`]));
    expect(cookie?.attrs, path).not.toContain("secure");

    const res = await fetch(instance.url(path), { headers: { cookie: `latchkey-link-${kind}=${token}` }, redirect: "manual" });
    expect(res.status, path).toBe(200);
    expect(res.headers.get("referrer-policy"), path).toBe("same-origin");
    expect(res.headers.get("x-frame-options"), path).toBe("DENY");
    expect(res.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
    expect(res.headers.get("cache-control"), path).toContain("no-store");
    const html = await res.text();
    // The token is in neither the HTML nor the RSC payload inlined in it.
    expect(html, path).not.toContain(token);
    // Every src, href and action is this origin's own (a path), never another origin's (or protocol-relative).
    const urls = [...html.matchAll(/\s(?:src|href|action|srcset)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls.length, path).toBeGreaterThan(0);
    expect(urls.filter((u) => /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(u) && !u.startsWith(instance.baseURL)), path).toEqual([]);
    expect(html, path).toContain("/api/instance/logo?v=");
  }
});

test("the page reads only a token of its own kind and shape from its own cookie; anything else is the invalid-link state", async () => {
  const page = (path: string, cookie?: string) => fetch(instance.url(path), { headers: cookie ? { cookie } : {}, redirect: "manual" });
  // The holder's link, as before: a cookie with a real invite token opens it, however it got there.
  const held = await page("/invite", `latchkey-link-invite=${inviteToken}`);
  expect(held.status).toBe(200);
  expect(await held.text()).toMatch(/Create account/);
  for (const [cookie, why] of [
    [undefined, "no cookie"],
    [`latchkey-link-reset=${inviteToken}`, "another kind's token"],
    [`latchkey-link-invite=${inviteToken}`, "another kind's cookie"],
    [`latchkey-link-reset=${fakeReset}${"0".repeat(4000)}`, "too long"],
    [`latchkey-link-reset=lkr_%3Cscript%3E${"0".repeat(28)}`, "bad characters"],
    [`latchkey-link-reset=${fakeReset}`, "well formed, unknown"],
  ] as const) {
    const res = await page("/reset-password", cookie);
    expect(res.status, why).toBe(200);
    const html = await res.text();
    expect(html, why).toContain("This link is invalid, used or expired");
    expect(html, why).not.toContain('name="password"');
  }
  // The invite page without a link: its "not valid" state, not an error.
  const none = await page("/invite");
  expect(none.status).toBe(200);
  expect(await none.text()).toContain("This invite link is not valid");
  // A token of the wrong shape in the address is never stored: the cookie is cleared, the address cleaned.
  for (const bad of ["A".repeat(5000), "lkr_%3Cscript%3E", inviteToken, ""]) {
    const res = await page(`/reset-password?token=${bad}&lang=x`);
    expect(res.status, bad.slice(0, 40)).toBe(303);
    expect(res.headers.get("location"), bad.slice(0, 40)).toBe("/reset-password?lang=x");
    const cookie = setCookie(res, "latchkey-link-reset");
    expect(cookie?.value, bad.slice(0, 40)).toBe("");
    expect(cookie?.attrs, bad.slice(0, 40)).toContain("max-age=0");
  }
  // Only the page's GET: an action's POST to an address with a token is not redirected.
  expect((await fetch(instance.url(`/reset-password?token=${fakeReset}`), { method: "POST", redirect: "manual" })).status).not.toBe(303);
});

test("a page forgets the link it rendered, never a newer one of its kind opened since", async () => {
  const forget = (query: string, cookie: string) => fetch(instance.url(`/reset-password/forget${query}`), { method: "DELETE", headers: { cookie }, redirect: "manual" });
  const older = `latchkey-link-reset=${fakeReset}`;
  const newer = `latchkey-link-reset=lkr_${"1".repeat(36)}`;
  // The page rendered for the older link (unusable: it has the browser forget it) names it by a fingerprint.
  const html = await (await fetch(instance.url("/reset-password"), { headers: { cookie: older }, redirect: "manual" })).text();
  expect(html).toContain("This link is invalid, used or expired");
  const link = html.match(/link\\?":\\?"([0-9a-f]{32})\\?"/)?.[1];
  expect(link, "the page names the link it forgets").toBeTruthy();
  expect(html).not.toContain(fakeReset);
  // Fired late, after a newer link of the kind was opened: the newer link's cookie stays.
  const late = await forget(`?link=${link}`, newer);
  expect(late.status).toBe(409);
  expect(setCookie(late, "latchkey-link-reset")).toBeUndefined();
  // Fired while the browser still holds that link: it goes.
  const inTime = await forget(`?link=${link}`, older);
  expect(inTime.status).toBe(204);
  expect(setCookie(inTime, "latchkey-link-reset")?.attrs).toContain("max-age=0");
  // Naming no link clears nothing.
  const unnamed = await forget("", older);
  expect(unnamed.status).toBe(400);
  expect(setCookie(unnamed, "latchkey-link-reset")).toBeUndefined();
});

test.describe("under an https PUBLIC_URL", () => {
  const secure = useInstance({ PUBLIC_URL: "https://team.example.test" });

  test("the link's cookie is Secure and \"__Host-\" named (so Path=/), and only that name is read", async () => {
    const opened = await fetch(secure.url(`/reset-password?token=${fakeReset}`), { redirect: "manual" });
    expect(opened.status).toBe(303);
    expect(opened.headers.get("location")).toBe("/reset-password");
    expect(setCookie(opened, "latchkey-link-reset")).toBeUndefined();
    const cookie = setCookie(opened, "__Host-latchkey-link-reset");
    expect(cookie?.value).toBe(fakeReset);
    expect(cookie?.attrs).toEqual(expect.arrayContaining(["httponly", "samesite=lax", "secure", "path=/", "max-age=1800"]));
    expect(cookie?.attrs.some((a) => a.startsWith("domain="))).toBe(false);
  });
});
