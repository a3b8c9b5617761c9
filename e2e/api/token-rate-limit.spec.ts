/**
 * Per-token rate limiting: with TOKEN_RATE_LIMIT_PER_MINUTE=5, a token's
 * sixth request in a minute gets 429 with Retry-After, while another token
 * and the dashboard's session cookie are unaffected.
 */
import { expect, test } from "@playwright/test";
import { bearer, call, expectApiError, signInOrFail } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";

const LIMIT = 5;
const instance = useInstance({ TOKEN_RATE_LIMIT_PER_MINUTE: String(LIMIT) });

test("a token over its per-minute limit gets 429 with Retry-After; other tokens and sessions don't", async () => {
  const owner = await setUpOwner(instance);
  const cookie = await signInOrFail(instance, OWNER.email, OWNER.password);
  // Made with the session cookie, so the owner's setup token has used none of its budget yet.
  const created = await call<{ plain_token: string }>(instance, `/api/users/${owner.user_id}/tokens`, {
    method: "POST",
    headers: { cookie, origin: instance.baseURL },
    json: { name: "second", password: OWNER.password },
  });
  expect(created.status, created.text).toBe(200);

  const first = bearer(owner.personal_access_token);
  for (let i = 0; i < LIMIT; i++) {
    const res = await call(instance, "/api/users/current", { headers: first });
    expect(res.status, `request ${i + 1}: ${res.text}`).toBe(200);
  }
  const limited = await call(instance, "/api/users/current", { headers: first });
  expect(expectApiError(limited, 429).message).toMatch(/too many requests/i);
  const retryAfter = Number(limited.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  // Writes count against the same budget.
  expectApiError(await call(instance, "/api/groups", { method: "POST", headers: first, json: { name: "Ops" } }), 429);

  expect((await call(instance, "/api/users/current", { headers: bearer(created.body.plain_token) })).status).toBe(200);
  expect((await call(instance, "/api/users/current", { headers: { cookie } })).status).toBe(200);
  // A refused token is not counted (it has no id to count against) and still gets 401, not 429.
  expectApiError(await call(instance, "/api/users/current", { headers: bearer(`${owner.personal_access_token}x`) }), 401);
});
