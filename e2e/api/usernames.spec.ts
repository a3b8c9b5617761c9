/**
 * Usernames over the REST API (issue 19): `username` on user objects, derived
 * when a NetBird client leaves it out, the exact `?username=` filter, PUT, the
 * NetStacks creation shape, a person without an email (NetBird's `email` is
 * "" for them) signing in with their username, and unknown usernames refused
 * exactly like unknown emails.
 */
import { expect, test } from "@playwright/test";
import { bearer, call, signIn, signInOrFail } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import type { ApiUser } from "../support/users-api";

type WithUsername = ApiUser & { username: string; password?: string };

const instance = useInstance();
let token: string;

test.beforeAll(async () => {
  token = (await setUpOwner(instance)).personal_access_token;
});

async function post(json: Record<string, unknown>) {
  return call<WithUsername>(instance, "/api/users", { method: "POST", headers: bearer(token), json });
}

test("derives a username for a NetBird client that sends none, and filters by it exactly", async () => {
  const first = await post({ email: "Dana.Fox@example.com", name: "Dana Fox", role: "user", auto_groups: [] });
  expect(first.status, first.text).toBe(200);
  expect(first.body.username).toBe("Dana.Fox");
  const second = await post({ email: "dana.fox@other.example", name: "Dana Two", role: "user" });
  expect(second.body.username).toBe("dana.fox2");

  const owner = await call<WithUsername[]>(instance, "/api/users/current", { headers: bearer(token) });
  expect((owner.body as unknown as WithUsername).username).toBe("owner");

  const exact = await call<WithUsername[]>(instance, "/api/users?username=DANA.FOX", { headers: bearer(token) });
  expect(exact.status, exact.text).toBe(200);
  expect(exact.body.map((u) => u.id)).toEqual([first.body.id]);
  expect(exact.headers.get("x-total-count")).toBe("1");
  const none = await call<WithUsername[]>(instance, "/api/users?username=dana", { headers: bearer(token) });
  expect(none.body).toEqual([]);
});

test("creates a person with only a username and a name, who signs in with it; email is \"\" for them", async () => {
  const created = await post({ username: "kiosk.k", name: "Kiosk Keeper", role: "user" });
  expect(created.status, created.text).toBe(200);
  expect(created.body).toMatchObject({ username: "kiosk.k", email: "", name: "Kiosk Keeper" });
  expect(typeof created.body.password).toBe("string");

  const session = await signIn(instance, "KIOSK.K", created.body.password!);
  expect(session.signedIn).toBe(true);

  const found = await call<WithUsername[]>(instance, "/api/users?search=kiosk", { headers: bearer(token) });
  expect(found.body.map((u) => u.id)).toContain(created.body.id);
});

test("refuses a taken username in any case or Unicode form, and a malformed one", async () => {
  const taken = await post({ username: "Kiosk.K", name: "Copy", role: "user" });
  expect(taken.status, taken.text).toBe(409);
  const wide = await post({ username: "ｋｉｏｓｋ.k", name: "Wide Copy", role: "user" });
  expect(wide.status, wide.text).toBe(409);
  const bad = await post({ username: "has space", name: "Bad", role: "user" });
  expect(bad.status, bad.text).toBe(422);
  expect(Object.keys((bad.body as unknown as { errors: Record<string, string[]> }).errors)).toContain("username");
  const neither = await post({ name: "Nobody", role: "user" });
  expect(neither.status, neither.text).toBe(422);
});

test("PUT changes a username, and sign-in follows it", async () => {
  const created = await post({ username: "mover", name: "Mo Ver", role: "user" });
  const put = await call<WithUsername>(instance, `/api/users/${created.body.id}`, {
    method: "PUT",
    headers: bearer(token),
    json: { username: "Moved.On", role: "user", auto_groups: [], is_blocked: false },
  });
  expect(put.status, put.text).toBe(200);
  expect(put.body.username).toBe("Moved.On");
  expect((await signIn(instance, "mover", created.body.password!)).signedIn).toBe(false);
  await signInOrFail(instance, "moved.on", created.body.password!);
});

test("accepts NetStacks' creation shape; a chosen password must pass the policy and is never echoed", async () => {
  const weak = await post({ username: "netstacks", display_name: "Net Stacks", password: "password123" });
  expect(weak.status, weak.text).toBe(422);
  const ok = await post({ username: "netstacks", email: "ns@example.com", display_name: "Net Stacks", password: "violet tractor umbrella sings" });
  expect(ok.status, ok.text).toBe(200);
  expect(ok.body).toMatchObject({ username: "netstacks", email: "ns@example.com", name: "Net Stacks", role: "user" });
  expect(ok.body.password).toBeUndefined();
  expect(ok.text).not.toContain("violet tractor");
  await signInOrFail(instance, "netstacks", "violet tractor umbrella sings");
});

test("answers an unknown username exactly as an unknown email", async () => {
  const unknownEmail = await signIn(instance, "nobody@example.com", "whatever it is");
  const unknownUsername = await signIn(instance, "nobody", "whatever it is");
  expect(unknownEmail.signedIn).toBe(false);
  expect(unknownUsername.signedIn).toBe(false);
  expect({ status: unknownUsername.status, location: unknownUsername.location }).toEqual({ status: unknownEmail.status, location: unknownEmail.location });
});
