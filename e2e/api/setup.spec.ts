/**
 * First-run setup over the REST API: what is refused before setup (and that a
 * refusal leaves the instance unset), the one successful setup with an access
 * token, and the 412 for every later attempt.
 */
import { expect, test } from "@playwright/test";
import {
  ACCESS_TOKEN_PATTERN,
  UUID_PATTERN,
  bearer,
  call,
  expectApiError,
  expectFieldErrors,
  postChunked,
  type JsonResponse,
} from "../support/api";
import { useInstance } from "../support/instance";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

const owner = { email: "setup-owner@example.com", password: "a long and unusual passphrase", name: "Sam Setup" };
const validInput = { ...owner, create_pat: true, pat_expire_in: 30 };

function setup(init: RequestInit & { json?: unknown }): Promise<JsonResponse> {
  return call(instance, "/api/instance/setup", { method: "POST", ...init });
}

async function expectStillUnset(): Promise<void> {
  const res = await call(instance, "/api/instance");
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ setup_required: true });
}

test.describe("before setup", () => {
  test("GET /api/instance says setup is required", async () => {
    await expectStillUnset();
  });

  test("pat_expire_in must be a whole number of days from 1 to 365", async () => {
    for (const patExpireIn of [0, 366, 1.5, "3", -1, null]) {
      const res = await setup({ json: { ...validInput, pat_expire_in: patExpireIn } });
      const errors = expectFieldErrors(res, "pat_expire_in");
      expect(Object.keys(errors), `only pat_expire_in is wrong in ${res.text}`).toEqual(["pat_expire_in"]);
    }
    const tooShort = await setup({ json: { ...validInput, pat_expire_in: 0 } });
    expect(expectFieldErrors(tooShort, "pat_expire_in").pat_expire_in.join(" ")).toMatch(/1 and 365/);
    const fraction = await setup({ json: { ...validInput, pat_expire_in: 1.5 } });
    expect(expectFieldErrors(fraction, "pat_expire_in").pat_expire_in.join(" ")).toMatch(/whole number/);
    await expectStillUnset();
  });

  test("a bad email, a short password and a common password are refused per field", async () => {
    for (const email of ["not-an-email", "missing-domain@", "@example.com", "two@@example.com", "   "]) {
      const res = await setup({ json: { ...validInput, email } });
      expect(expectFieldErrors(res, "email").email.join(" ")).toMatch(/email/i);
    }

    const short = await setup({ json: { ...validInput, password: "short7!" } });
    expect(expectFieldErrors(short, "password").password.join(" ")).toMatch(/at least 8/);

    const common = await setup({ json: { ...validInput, password: "password123" } });
    expect(expectFieldErrors(common, "password").password.join(" ")).toMatch(/common/i);

    // Case does not get a common password through.
    const shouted = await setup({ json: { ...validInput, password: "PASSWORD123" } });
    expectFieldErrors(shouted, "password");

    const tooLong = await setup({ json: { ...validInput, password: "x".repeat(129) } });
    expect(expectFieldErrors(tooLong, "password").password.join(" ")).toMatch(/at most 128/);

    const sameAsEmail = await setup({ json: { ...validInput, password: owner.email } });
    expectFieldErrors(sameAsEmail, "password");

    await expectStillUnset();
  });

  test("missing fields and wrong types get field messages, not a 500", async () => {
    const empty = await setup({ json: {} });
    expectFieldErrors(empty, "email", "password");

    const noBody = await setup({ headers: { "content-type": "application/json" } });
    expectFieldErrors(noBody, "email", "password");

    const wrongTypes = await setup({ json: { email: 5, password: owner.password, name: [] } });
    const errors = expectFieldErrors(wrongTypes, "email", "name");
    expect(errors.name.join(" ")).toMatch(/text/i);
    expect(errors.password).toBeUndefined();

    const numericPassword = await setup({ json: { email: owner.email, password: 12345678901 } });
    expectFieldErrors(numericPassword, "password");

    const objectEmail = await setup({ json: { email: { $ne: null }, password: owner.password } });
    expectFieldErrors(objectEmail, "email");

    const stringFlag = await setup({ json: { ...validInput, create_pat: "yes" } });
    expectFieldErrors(stringFlag, "create_pat");

    // JSON that is not an object at all.
    for (const body of ["null", "[]", '"owner@example.com"', "42", "true"]) {
      const res = await setup({ headers: { "content-type": "application/json" }, body });
      expectApiError(res, 422);
    }
    await expectStillUnset();
  });

  test("malformed JSON is a 400", async () => {
    for (const body of ["{", '{"email": "a@example.com",}', "{'email': 'a@example.com'}", "undefined", '{"a":1} trailing']) {
      const res = await setup({ headers: { "content-type": "application/json" }, body });
      expect(expectApiError(res, 400).message).toMatch(/JSON/);
    }
    await expectStillUnset();
  });

  test("a 200 KB body is a 413, with or without a Content-Length", async () => {
    // Valid setup input padded out: without the size cap this would complete setup.
    const padded = JSON.stringify({ ...validInput, padding: "x".repeat(200 * 1024) });
    expect(padded.length).toBeGreaterThan(200 * 1024);

    const declared = await setup({ headers: { "content-type": "application/json" }, body: padded });
    expect(expectApiError(declared, 413).message).toMatch(/too large/i);

    // Streamed in chunks with no Content-Length: the cap applies while reading.
    const chunked = await postChunked(instance, "/api/instance/setup", padded, { "content-type": "application/json" });
    expect(expectApiError(chunked, 413).message).toMatch(/too large/i);

    await expectStillUnset();
  });

  test("a body that is not JSON by content type is a 415", async () => {
    // Both bodies carry valid input, so only the content type stands in the way.
    const plain = await setup({ headers: { "content-type": "text/plain" }, body: JSON.stringify(validInput) });
    expect(expectApiError(plain, 415).message).toMatch(/application\/json/);

    const form = await setup({
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: owner.email, password: owner.password, name: owner.name }).toString(),
    });
    expectApiError(form, 415);

    const multipart = new FormData();
    multipart.set("email", owner.email);
    multipart.set("password", owner.password);
    expectApiError(await setup({ body: multipart }), 415);

    const none = await setup({ body: JSON.stringify(validInput), headers: { "content-type": "" } });
    expectApiError(none, 415);

    await expectStillUnset();
  });
});

test.describe("setup", () => {
  let result: { user_id: string; account_id: string; personal_access_token: string };

  test("succeeds once and returns the owner's ids and a working access token", async () => {
    const res = await setup({ json: validInput });
    expect(res.status, res.text).toBe(200);
    result = res.body as typeof result;
    expect(result.user_id).toMatch(UUID_PATTERN);
    expect(result.account_id).toMatch(UUID_PATTERN);
    expect(result.user_id).not.toBe(result.account_id);
    expect(result.personal_access_token).toMatch(ACCESS_TOKEN_PATTERN);

    const users = await call(instance, "/api/users", { headers: bearer(result.personal_access_token) });
    expect(users.status, users.text).toBe(200);
    const list = users.body as Array<Record<string, unknown>>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: result.user_id, email: owner.email, name: owner.name, role: "owner" });
  });

  test("GET /api/instance no longer asks for setup", async () => {
    const res = await call(instance, "/api/instance");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ setup_required: false });
  });

  test("every later attempt is a 412 with a message and creates nobody", async () => {
    const again = await setup({ json: validInput });
    expect(expectApiError(again, 412).message).toMatch(/already/i);

    const someoneElse = await setup({
      json: { email: "intruder@example.com", password: "another fine passphrase", create_pat: true, pat_expire_in: 1 },
    });
    expectApiError(someoneElse, 412);
    expect(someoneElse.text).not.toContain("lkp_");

    const users = await call(instance, "/api/users", { headers: bearer(result.personal_access_token) });
    expect(users.status).toBe(200);
    expect(users.headers.get("x-total-count")).toBe("1");
    expect((users.body as Array<{ id: string }>).map((u) => u.id)).toEqual([result.user_id]);
  });
});
