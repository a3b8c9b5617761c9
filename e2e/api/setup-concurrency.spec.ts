/**
 * Setup races: many first-run requests at once on a fresh instance create
 * exactly one owner; everyone else is told setup is done.
 */
import { expect, test } from "@playwright/test";
import { ACCESS_TOKEN_PATTERN, bearer, call, expectApiError } from "../support/api";
import { useInstance } from "../support/instance";

const instance = useInstance();

const RACERS = 50;

test("50 concurrent setups: exactly one 200, the rest 412, and one user", async () => {
  const attempts = Array.from({ length: RACERS }, (_, i) => ({
    email: `racer-${i}@example.com`,
    password: `racer ${i} has a long passphrase`,
    name: `Racer ${i}`,
    create_pat: true,
    pat_expire_in: 7,
  }));
  const responses = await Promise.all(
    attempts.map((json) => call(instance, "/api/instance/setup", { method: "POST", json })),
  );

  const statuses = responses.map((r) => r.status);
  const winners = responses.flatMap((r, i) => (r.status === 200 ? [i] : []));
  expect(winners, `statuses: ${statuses.join(",")}`).toHaveLength(1);
  for (const res of responses) {
    if (res.status !== 200) expect(expectApiError(res, 412).message).toMatch(/already/i);
  }

  const winner = winners[0];
  const result = responses[winner].body as { user_id: string; personal_access_token: string };
  expect(result.personal_access_token).toMatch(ACCESS_TOKEN_PATTERN);

  const users = await call(instance, "/api/users", { headers: bearer(result.personal_access_token) });
  expect(users.status, users.text).toBe(200);
  expect(users.headers.get("x-total-count")).toBe("1");
  const list = users.body as Array<{ id: string; email: string; name: string; role: string }>;
  expect(list).toHaveLength(1);
  expect(list[0]).toMatchObject({
    id: result.user_id,
    email: attempts[winner].email,
    name: attempts[winner].name,
    role: "owner",
  });

  const state = await call(instance, "/api/instance");
  expect(state.body).toEqual({ setup_required: false });
});
