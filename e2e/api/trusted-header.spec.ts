/**
 * Trusted header authentication through the API: off by default, believed
 * only from a trusted peer address (the socket's, never X-Forwarded-For),
 * never signing in the owner or an admin by email (nor accepting an admin's
 * invite by email), and the configuration
 * refuses bad input and lock-outs.
 */
import http from "node:http";
import { expect, test } from "@playwright/test";
import { bearer, call, CookieJar, expectApiError, expectFieldErrors, SESSION_COOKIE } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";
import { personWithSession } from "../support/people";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

let token: string;
let member: { id: string; email: string };

type Answer = { status: number; location: string | null; cookie: string; signedIn: boolean };

/** GET /auth/proxy from a chosen local source address, on a connection of its own. */
function proxySignIn(fromAddress: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(instance.url("/auth/proxy?callbackUrl=%2Fteam%2Fusers"), { localAddress: fromAddress, headers, agent: false }, (res) => {
      res.resume();
      res.on("end", () => {
        const jar = new CookieJar();
        const h = new Headers();
        for (const c of res.headers["set-cookie"] ?? []) h.append("set-cookie", c);
        jar.update(h);
        resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, cookie: jar.header, signedIn: jar.has(SESSION_COOKIE) });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

const asOwner = { "remote-user": "olive", "remote-email": OWNER.email };
const MEMBER_EMAIL = "mia@example.com";
const asMember = { "remote-user": "mia", "remote-email": MEMBER_EMAIL };

test.beforeAll(async () => {
  token = (await setUpOwner(instance)).personal_access_token;
  // A member past their first password change, so their sessions are ordinary ones.
  member = await personWithSession(instance, bearer(token), "user", MEMBER_EMAIL);
});

test("the header is ignored while header sign-in is off (the default)", async () => {
  const settings = await call(instance, "/api/settings/trusted-header", { headers: bearer(token) });
  expect(settings.body).toMatchObject({ enabled: false, user_header: "Remote-User", trusted_ranges: [] });
  const answer = await proxySignIn("127.0.0.1", asOwner);
  expect(answer.signedIn).toBe(false);
  expect(answer.location).toContain("/login?error=proxy_header_missing");
});

test("local sign-in can't be turned off while it is the owner's only way in", async () => {
  const res = await call(instance, "/api/settings/sign-in", { method: "PUT", headers: bearer(token), json: { local_login_enabled: false } });
  expect(expectApiError(res, 412).message).toContain("no way to sign in");
  expect((await call(instance, "/api/settings/sign-in", { headers: bearer(token) })).body).toMatchObject({ local_login_enabled: true });
});

test("bad settings get field messages", async () => {
  const bad = await call(instance, "/api/settings/trusted-header", {
    method: "PUT",
    headers: bearer(token),
    json: { enabled: true, trusted_ranges: ["10.0.0.0/33", "not an address"], user_header: "Remote User" },
  });
  expectFieldErrors(bad, "trusted_ranges.0", "trusted_ranges.1", "user_header");
  const empty = await call(instance, "/api/settings/trusted-header", { method: "PUT", headers: bearer(token), json: { enabled: true } });
  expectFieldErrors(empty, "trusted_ranges");
  // Trusting everyone, or any public address, would let anyone name themselves in the header.
  for (const range of ["0.0.0.0/0", "::/0", "203.0.113.0/24"]) {
    const open = await call(instance, "/api/settings/trusted-header", { method: "PUT", headers: bearer(token), json: { enabled: true, trusted_ranges: ["10.0.0.0/8", range] } });
    expect(expectFieldErrors(open, "trusted_ranges").trusted_ranges.join(" ")).toContain(range);
  }
});

test("a trusted peer's header signs the user in; the same header from another address is ignored", async () => {
  const saved = await call(instance, "/api/settings/trusted-header", {
    method: "PUT",
    headers: bearer(token),
    json: { enabled: true, trusted_ranges: ["127.0.0.1/32"], email_header: "Remote-Email" },
  });
  expect(saved.status, saved.text).toBe(200);
  expect(saved.body).toMatchObject({ enabled: true, trusted_ranges: ["127.0.0.1/32"], user_header: "Remote-User", email_header: "Remote-Email" });

  // 127.0.0.2 is not trusted, whatever it claims about itself.
  const spoofed = await proxySignIn("127.0.0.2", { ...asMember, "x-forwarded-for": "127.0.0.1", "x-latchkey-peer": "127.0.0.1", "x-real-ip": "127.0.0.1" });
  expect(spoofed.signedIn).toBe(false);
  expect(spoofed.location).toContain("/login?error=proxy_header_missing");

  const trusted = await proxySignIn("127.0.0.1", asMember);
  expect(trusted.signedIn, `status ${trusted.status}, location ${trusted.location}`).toBe(true);
  expect(trusted.location).toMatch(/\/team\/users$/);
  const me = await call<{ id: string; email: string; role: string }>(instance, "/api/users/current", { headers: { cookie: trusted.cookie } });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ id: member.id, email: MEMBER_EMAIL, role: "user" });

  // Someone the proxy vouches for but Latchkey doesn't know: refused while auto-create is off.
  const stranger = await proxySignIn("127.0.0.1", { "remote-user": "sam", "remote-email": "sam@example.com" });
  expect(stranger.signedIn).toBe(false);
  expect(stranger.location).toContain("error=refused_not_invited");
});

test("Test reads the caller's own request: trusted peer, the header, and whom it would sign in as, signing nobody in", async () => {
  const test1 = await call(instance, "/api/settings/trusted-header/test", { method: "POST", headers: { ...bearer(token), ...asMember } });
  expect(test1.status, test1.text).toBe(200);
  expect(test1.body).toMatchObject({ enabled: true, trusted_peer: true, user_header: "Remote-User", header_present: true, signs_in_as: { outcome: "existing", user: { id: member.id } } });
  expect(test1.headers.get("set-cookie") ?? "").not.toContain(SESSION_COOKIE);
  const bare = await call(instance, "/api/settings/trusted-header/test", { method: "POST", headers: bearer(token) });
  expect(bare.body).toMatchObject({ trusted_peer: true, header_present: false, signs_in_as: null });
  const owner = await call(instance, "/api/settings/trusted-header/test", { method: "POST", headers: { ...bearer(token), ...asOwner } });
  expect(owner.body).toMatchObject({ signs_in_as: { outcome: "refused", reason: "privileged_account" } });
});

test("the header never signs in the owner by email, even from a trusted peer", async () => {
  for (const headers of [asOwner, { "remote-user": OWNER.email }]) {
    const answer = await proxySignIn("127.0.0.1", headers);
    expect(answer.signedIn, `status ${answer.status}, location ${answer.location}`).toBe(false);
    expect(answer.location).toContain("error=refused_privileged_account");
  }
  const refusals = await call(instance, "/api/events?action=user.login.failed", { headers: bearer(token) });
  expect(refusals.status, refusals.text).toBe(200);
  expect(refusals.text).toContain("privileged_account");
});

test("an invite with admin powers is accepted through its link only, not by the proxy's email; the sign-in page says so", async () => {
  const invite = await call<{ id: string }>(instance, "/api/users/invites", {
    method: "POST",
    headers: bearer(token),
    json: { email: "ada@example.com", name: "Ada", role: "admin" },
  });
  expect(invite.status, invite.text).toBe(200);
  const answer = await proxySignIn("127.0.0.1", { "remote-user": "mallory", "remote-email": "ada@example.com" });
  expect(answer.signedIn, `status ${answer.status}, location ${answer.location}`).toBe(false);
  expect(answer.location).toContain("error=refused_privileged_invite");
  // The invite waits for its link.
  const pending = await call<Array<{ id: string }>>(instance, "/api/users/invites", { headers: bearer(token) });
  expect(pending.body.map((i) => i.id)).toContain(invite.body.id);

  const page = (language: string) => call(instance, "/login?error=refused_privileged_invite", { headers: { "accept-language": language } });
  expect((await page("en")).text).toContain("such an invite is accepted only through its invite link");
  expect((await page("de")).text).toContain("eine solche Einladung wird nur über ihren Einladungslink angenommen");
});
