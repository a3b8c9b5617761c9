/**
 * Who configures sign-in, through the API: the owner changes identity
 * providers, LDAP, the proxy header and the local form; admins and auditors
 * read them and are refused (403) every change. A stored client secret or
 * bind password is never kept for a new endpoint: 422 until it is typed again.
 */
import { expect, test } from "@playwright/test";
import { expectApiError, expectFieldErrors } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { personWithRole, tokenClient, type Client, type Person } from "../support/users-api";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

let ownerApi: Client;
let admin: Person;
let auditor: Person;
let providerId: string;

const providerBody = { type: "oidc", name: "Corp SSO", issuer: "https://idp.example.com", client_id: "latchkey", client_secret: "corp-sso-secret" };
const ldapBody = {
  url: "ldap://ldap.example.com:389",
  allow_unencrypted: true,
  bind_dn: "cn=latchkey,dc=example,dc=com",
  bind_password: "stored bind password",
  search_base: "ou=people,dc=example,dc=com",
};

test.beforeAll(async () => {
  ownerApi = tokenClient(instance, (await setUpOwner(instance)).personal_access_token);
  [admin, auditor] = await Promise.all([personWithRole(ownerApi, "admin"), personWithRole(ownerApi, "auditor")]);
  const created = await ownerApi.post<{ id: string }>("/api/identity-providers", providerBody);
  expect(created.status, created.text).toBe(200);
  providerId = created.body.id;
  const ldap = await ownerApi.put("/api/settings/ldap", ldapBody);
  expect(ldap.status, ldap.text).toBe(200);
});

test("admins and auditors read the sign-in configuration and are refused every change", async () => {
  const reads = ["/api/identity-providers", `/api/identity-providers/${providerId}`, "/api/settings/sign-in", "/api/settings/ldap", "/api/settings/trusted-header"];
  const before = await Promise.all(reads.map((p) => ownerApi.get(p)));
  const writes: Array<[string, string, unknown]> = [
    ["POST", "/api/identity-providers", { ...providerBody, name: "Admin SSO" }],
    ["PUT", `/api/identity-providers/${providerId}`, { ...providerBody, client_secret: undefined, default_role: "admin" }],
    ["DELETE", `/api/identity-providers/${providerId}`, undefined],
    ["POST", `/api/identity-providers/${providerId}/test`, {}],
    ["PUT", "/api/settings/sign-in", { local_login_enabled: false }],
    ["PUT", "/api/settings/ldap", { ...ldapBody, url: "ldap://attacker.example.net:389", bind_password: undefined }],
    ["POST", "/api/settings/ldap/test", { ...ldapBody, bind_password: undefined }],
    // The takeover this stops: trust your own address and name the header.
    ["PUT", "/api/settings/trusted-header", { enabled: true, trusted_ranges: ["127.0.0.1/32"], user_header: "X-Me", email_header: "X-Me-Email" }],
  ];
  for (const person of [admin, auditor]) {
    for (const [i, p] of reads.entries()) {
      const res = await person.client.get(p);
      expect(res.status, `${p}: ${res.text}`).toBe(200);
      expect(res.body).toEqual(before[i].body);
    }
    for (const [method, p, json] of writes) {
      const res = await person.client.call(p, { method, json });
      expect(expectApiError(res, 403).message, `${method} ${p}`).toMatch(/owner/i);
    }
  }
  const after = await Promise.all(reads.map((p) => ownerApi.get(p)));
  expect(after.map((r) => r.body)).toEqual(before.map((r) => r.body));

  // What the dashboard is told: admins may read settings, only the owner manages sign-in.
  const me = await admin.client.get<{ permissions: { modules: Record<string, Record<string, boolean>> } }>("/api/users/current");
  expect(me.body.permissions.modules.settings).toMatchObject({ read: true, update: false });
  expect(me.body.permissions.modules.identity_providers).toMatchObject({ read: true, create: false });
});

test("a provider's client secret must be entered again when its issuer or client ID changes", async () => {
  const path = `/api/identity-providers/${providerId}`;
  const moved = await ownerApi.put(path, { ...providerBody, issuer: "https://attacker.example.net", client_secret: undefined });
  expect(expectFieldErrors(moved, "client_secret").client_secret[0]).toContain("again");
  expectFieldErrors(await ownerApi.put(path, { ...providerBody, client_id: "another-client", client_secret: "" }), "client_secret");
  expect((await ownerApi.get<{ issuer: string }>(path)).body.issuer).toBe("https://idp.example.com");

  const kept = await ownerApi.put(path, { ...providerBody, client_secret: undefined, scopes: "openid email" });
  expect(kept.status, kept.text).toBe(200);
  const retyped = await ownerApi.put(path, { ...providerBody, issuer: "https://idp2.example.com", client_secret: "the new secret" });
  expect(retyped.status, retyped.text).toBe(200);
  expect(retyped.body).toMatchObject({ issuer: "https://idp2.example.com" });
});

test("the LDAP bind password must be entered again when the server, StartTLS, bind DN, search bases or filters change, to save or to test", async () => {
  const changes = [
    { url: "ldap://attacker.example.net:389" },
    { start_tls: true },
    { bind_dn: "cn=other,dc=example,dc=com" },
    // Another search would let "Test connection" answer blind queries as the service account.
    { search_base: "ou=staff,dc=example,dc=com" },
    { user_filter: "(&(uid={username})(userPassword=a*))" },
    { group_search_base: "ou=groups,dc=example,dc=com" },
    { group_filter: "(&(member={dn})(description=a*))" },
  ];
  for (const change of changes) {
    const body = { ...ldapBody, ...change, bind_password: undefined };
    expect(expectFieldErrors(await ownerApi.put("/api/settings/ldap", body), "bind_password").bind_password[0]).toContain("again");
    expectFieldErrors(await ownerApi.post("/api/settings/ldap/test", body), "bind_password");
  }
  expect((await ownerApi.get("/api/settings/ldap")).body).toMatchObject({ url: ldapBody.url, start_tls: false, bind_dn: ldapBody.bind_dn });
  const other = await ownerApi.put("/api/settings/ldap", { ...ldapBody, bind_password: undefined, name: "Staff directory", email_attribute: "email" });
  expect(other.status, other.text).toBe(200);
});
