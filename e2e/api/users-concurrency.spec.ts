/**
 * The user rules hold when requests overlap: a change is checked against the
 * caller as they are when the change is written, not as they were when their
 * request arrived. Each test holds one request's body back while another
 * request changes the caller, then lets it finish.
 */
import { expect, test } from "@playwright/test";
import { expectApiError } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { heldRequest, personWithRole, tokenClient, uniqueEmail, type Client } from "../support/users-api";

const instance = useInstance();

let owner: Awaited<ReturnType<typeof setUpOwner>>;
let api: Client;

test.beforeAll(async () => {
  owner = await setUpOwner(instance);
  api = tokenClient(instance, owner.personal_access_token);
});

/** Long enough for the held request to be authenticated and waiting for its body. */
const settle = () => new Promise((r) => setTimeout(r, 250));

test("a held request completes normally when nothing changes meanwhile", async () => {
  const email = uniqueEmail("held");
  const held = heldRequest(instance, "POST", "/api/users", api.headers, { email, name: "Held Back", role: "user" });
  await settle();
  expect((await api.list({ search: email })).total).toBe(0);
  held.release();
  const res = await held.response;
  expect(res.status, res.text).toBe(200);
  expect((await api.list({ search: email })).total).toBe(1);
});

test("two overlapping ownership transfers leave exactly one owner", async () => {
  const first = await api.createUser({ email: uniqueEmail("heir1"), name: "First Heir", role: "admin" });
  const second = await api.createUser({ email: uniqueEmail("heir2"), name: "Second Heir", role: "admin" });
  const transfer = { role: "owner", auto_groups: [], is_blocked: false };

  const held = heldRequest(instance, "PUT", `/api/users/${first.id}`, api.headers, transfer);
  await settle();
  const done = await api.put(`/api/users/${second.id}`, transfer);
  expect(done.status, done.text).toBe(200);
  // The caller is no longer the owner when the held transfer is written.
  held.release();
  const late = await held.response;

  const owners = await api.list({ role: "owner" });
  expect(owners.ids, "more than one owner after overlapping transfers").toEqual([second.id]);
  expectApiError(late, 403);
  expect((await api.user(first.id)).role).toBe("admin");
  expect((await api.user(owner.user_id)).role).toBe("admin");
});

test("an admin blocked while their request is in flight can't complete it", async () => {
  const admin = await personWithRole(api, "admin");
  const email = uniqueEmail("in-flight");
  const held = heldRequest(instance, "POST", "/api/users", admin.client.headers, { email, name: "Made While Blocked", role: "admin" });
  await settle();
  const blocked = await api.updateUser(admin.user.id, { is_blocked: true });
  expect(blocked.status, blocked.text).toBe(200);
  held.release();
  const late = await held.response;

  expect((await api.list({ search: email })).total, "a blocked admin created a user").toBe(0);
  expect([401, 403]).toContain(late.status);
});
