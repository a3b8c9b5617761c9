/**
 * Personal access tokens on the REST API: both header schemes work and return
 * NetBird's user shape; missing, malformed, mistyped and unknown tokens get a
 * clean 401 with a JSON message.
 */
import { expect, test } from "@playwright/test";
import {
  ACCESS_TOKEN_PATTERN,
  call,
  expectApiError,
  tokenChecksum,
  wellFormedUnknownToken,
  withBrokenChecksum,
} from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";

const instance = useInstance();

let owner: Awaited<ReturnType<typeof setUpOwner>>;

test.beforeAll(async () => {
  owner = await setUpOwner(instance);
});

type ApiUser = Record<string, unknown>;

function expectOwnerShape(user: ApiUser): void {
  expect(user).toMatchObject({
    id: owner.user_id,
    email: OWNER.email,
    name: OWNER.name,
    role: "owner",
    status: "active",
    auto_groups: [],
    is_current: true,
    is_service_user: false,
    is_blocked: false,
  });
  // Never signed in with a password: no last login yet, but the field is there.
  expect(user).toHaveProperty("last_login");
  expect(typeof user.last_login).toBe("string");
  expect(typeof user.idp_id).toBe("string");
  // Secrets never appear in a user resource.
  expect(JSON.stringify(user)).not.toMatch(/password|hash|lkp_/i);
}

for (const scheme of ["Bearer", "Token"]) {
  test(`GET /api/users with "${scheme} <token>" lists the owner in NetBird's shape`, async () => {
    const res = await call(instance, "/api/users", { headers: { authorization: `${scheme} ${owner.personal_access_token}` } });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("x-total-count")).toBe("1");
    const list = res.body as ApiUser[];
    expect(Array.isArray(list)).toBe(true);
    expect(list).toHaveLength(1);
    expectOwnerShape(list[0]);
  });
}

test("GET /api/users/current returns the caller with permissions", async () => {
  const res = await call(instance, "/api/users/current", { headers: { authorization: `Token ${owner.personal_access_token}` } });
  expect(res.status, res.text).toBe(200);
  const me = res.body as ApiUser & { permissions: unknown };
  expectOwnerShape(me);
  // NetBird's permissions object: per module, per operation.
  expect(me.permissions).toEqual({
    is_restricted: false,
    modules: expect.objectContaining({ users: { read: true, create: true, update: true, delete: true } }),
  });
});

test("GET /api/users/current without credentials is a 401", async () => {
  expectApiError(await call(instance, "/api/users/current"), 401);
});

test("no Authorization header and no cookie is a 401", async () => {
  const res = await call(instance, "/api/users");
  const body = expectApiError(res, 401);
  expect(body.message).toMatch(/auth/i);
  expect(res.text).not.toContain(OWNER.email);
});

test("the server's checksum is the one these tests compute", () => {
  // Proves the "unknown token" below passes the format check and is refused by the lookup.
  const token = owner.personal_access_token;
  expect(token).toMatch(ACCESS_TOKEN_PATTERN);
  expect(tokenChecksum(token.slice(4, 34))).toBe(token.slice(34));
});

const refused: Array<[string, () => string]> = [
  ["Bearer garbage", () => "Bearer garbage"],
  ["Token garbage", () => "Token garbage"],
  ["a token whose last checksum character changed", () => `Bearer ${withBrokenChecksum(owner.personal_access_token)}`],
  ["a token whose secret changed by one character", () => `Bearer ${withBrokenChecksum(owner.personal_access_token, 10)}`],
  ["a well-formed token with a valid checksum that was never issued", () => `Bearer ${wellFormedUnknownToken()}`],
  ["the token with the wrong prefix", () => `Bearer lki_${owner.personal_access_token.slice(4)}`],
  ["the token cut short", () => `Bearer ${owner.personal_access_token.slice(0, -1)}`],
  ["the token with extra text", () => `Bearer ${owner.personal_access_token} extra`],
  ["an empty Bearer", () => "Bearer "],
  ["Basic xyz", () => "Basic xyz"],
  ["Basic credentials with the owner's password", () => `Basic ${Buffer.from(`${OWNER.email}:${OWNER.password}`).toString("base64")}`],
  ["the bare token with no scheme", () => owner.personal_access_token],
];

for (const [what, header] of refused) {
  test(`${what} is a 401 with a JSON message`, async () => {
    for (const path of ["/api/users", "/api/users/current"]) {
      const res = await call(instance, path, { headers: { authorization: header() } });
      const body = expectApiError(res, 401);
      expect(res.text).not.toContain(OWNER.email);
      expect(body.errors).toBeUndefined();
    }
  });
}
