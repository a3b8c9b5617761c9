/**
 * Requests that are wrong in form never cause a 500 or a stack trace in the
 * log: text that is not well-formed Unicode is a 422 naming the field; bad
 * server-action requests are 400 (malformed), 403 (no or another Origin) or
 * 409 (an action this build doesn't have), one log line each; an Auth.js
 * post without its CSRF token logs one line.
 */
import fs from "node:fs";
import http from "node:http";
import { expect, test } from "@playwright/test";
import { bearer, call, expectApiError, expectFieldErrors, type JsonResponse } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

let auth: Record<string, string>;
let actionId: string;

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  auth = bearer(owner.personal_access_token);
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, unknown> };
  actionId = Object.keys(manifest.node)[0];
});

/** What the server logged while `fn` ran (and shortly after). */
async function logsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; log: string }> {
  const start = instance.logs().length;
  const result = await fn();
  await new Promise((r) => setTimeout(r, 300));
  return { result, log: instance.logs().slice(start) };
}

function expectNoStackTrace(log: string): void {
  expect(log, "the server logged a stack trace").not.toMatch(/^\s+at\s/m);
  expect(log).not.toMatch(/⨯/);
}

/** A raw JSON text body, so escapes like \ud800 reach the server as written. */
function postRawJson(path: string, body: string, method = "POST"): Promise<JsonResponse> {
  return call(instance, path, { method, headers: { ...auth, "content-type": "application/json" }, body });
}

test.describe("text that is not well-formed Unicode", () => {
  test("a group name with a lone surrogate is a 422 on the name, every time", async () => {
    const { result, log } = await logsDuring(async () => {
      const first = await postRawJson("/api/groups", '{"name":"dup\\ud800"}');
      const second = await postRawJson("/api/groups", '{"name":"dup\\ud800"}');
      return [first, second];
    });
    for (const res of result) expect(expectFieldErrors(res, "name").name.join(" ")).toMatch(/Unicode/);
    expectNoStackTrace(log);
    const list = await call<Array<{ name: string }>>(instance, "/api/groups", { headers: auth });
    expect(list.body.map((g) => g.name).filter((n) => n.startsWith("dup"))).toEqual([]);
  });

  test("nested and other fields are named too", async () => {
    const user = await postRawJson("/api/users", '{"email":"lone@example.com","name":"Lone \\udc00 Surrogate","role":"user"}');
    expectFieldErrors(user, "name");
    const created = await call<{ id: string }>(instance, "/api/users", {
      method: "POST",
      headers: auth,
      json: { email: "pair@example.com", name: "Paired 🔑 Surrogates", role: "user" },
    });
    expect(created.status, created.text).toBe(200);
    const rename = await postRawJson(`/api/users/${created.body.id}`, '{"name":"x\\ud83d","role":"user"}', "PUT");
    expectFieldErrors(rename, "name");
  });
});

test.describe("server actions", () => {
  const action = (headers: Record<string, string>, body: string) =>
    call(instance, "/login", { method: "POST", headers: { accept: "text/x-component", ...headers }, body });
  const origin = () => instance.baseURL;

  async function expectRefused(status: number, send: () => Promise<JsonResponse>) {
    const { result, log } = await logsDuring(send);
    expectApiError(result, status);
    expectNoStackTrace(log);
    expect(log.split("\n").filter((l) => l.includes("Refused POST /login"))).toHaveLength(1);
    return result;
  }

  test("an action POST without an Origin is a 403", async () => {
    await expectRefused(403, () => action({ "next-action": actionId, "content-type": "text/plain;charset=UTF-8" }, "[]"));
  });

  test("a cross-origin action POST is a 403, not a 500", async () => {
    await expectRefused(403, () =>
      action({ "next-action": actionId, "content-type": "text/plain;charset=UTF-8", origin: "https://evil.example" }, "[]"),
    );
    await expectRefused(403, () => action({ "next-action": actionId, "content-type": "text/plain;charset=UTF-8", origin: "::not a url" }, "[]"));
    await expectRefused(403, () => action({ "next-action": actionId, "content-type": "text/plain;charset=UTF-8", origin: "null" }, "[]"));
  });

  test("a malformed action id is a 400; an id this build doesn't have is a 409 the client router understands", async () => {
    await expectRefused(400, () => action({ "next-action": "not-an-action", "content-type": "text/plain;charset=UTF-8", origin: origin() }, "[]"));
    const unknown = await expectRefused(409, () =>
      action({ "next-action": "00" + "ab".repeat(20), "content-type": "text/plain;charset=UTF-8", origin: origin() }, "[]"),
    );
    expect(unknown.headers.get("x-nextjs-action-not-found")).toBe("1");
  });

  test("a malformed action payload is a 400, not a 500", async () => {
    await expectRefused(400, () => action({ "next-action": actionId, "content-type": "text/plain;charset=UTF-8", origin: origin() }, "{{{ not json"));
    await expectRefused(400, () =>
      action({ "next-action": actionId, "content-type": "multipart/form-data; boundary=XYZ", origin: origin() }, "garbage without parts--XYZ"),
    );
    // A form posted without JavaScript: broken multipart, no action named, a broken action field.
    await expectRefused(400, () => action({ "content-type": "multipart/form-data; boundary=XYZ", origin: origin() }, "garbage--XYZ"));
    const form = (fields: Record<string, string>) => {
      const data = new FormData();
      for (const [k, v] of Object.entries(fields)) data.append(k, v);
      return call(instance, "/login", { method: "POST", headers: { origin: origin() }, body: data });
    };
    await expectRefused(400, () => form({ email: "someone@example.com" }));
    await expectRefused(400, () => form({ $ACTION_REF_1: "", "$ACTION_1:0": "{nope" }));
  });

  test("a well-formed action request from the same origin still reaches the action", async () => {
    const { result, log } = await logsDuring(() =>
      action({ "next-action": actionId, "content-type": "text/plain;charset=UTF-8", origin: origin() }, "[]"),
    );
    expect(result.status).toBe(200);
    expect(result.headers.get("content-type") ?? "").toContain("text/x-component");
    expect(log).not.toContain("Refused");
  });
});

test("an Auth.js post without its CSRF token logs one line, not a stack", async () => {
  const { result, log } = await logsDuring(() =>
    call(instance, "/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: instance.baseURL },
      body: "email=someone%40example.com&password=whatever",
    }),
  );
  expect(result.status).toBeLessThan(500);
  expectNoStackTrace(log);
  expect(log.split("\n").filter((l) => l.includes("MissingCSRF"))).toHaveLength(1);
});

/**
 * Review 10: a path whose percent escapes don't decode ("%ff" is no UTF-8, "%" and "%zz" no escape) made Next.js
 * answer a bare 500 while it decoded a dynamic route's parameter, before any handler ran, signed in or not: one
 * error-level log line and one 5xx per request, for anyone. It is a malformed request: 400, in the API's shape.
 */
test.describe("a path whose percent escapes don't decode", () => {
  for (const path of ["/api/users/%ff", "/api/roles/%", "/api/applications/a%zz", "/api/groups/%E0%A4%A/roles", "/api/health%C0%AF"]) {
    test(`${path} is a 400 in the API's shape, signed in or not`, async () => {
      for (const headers of [auth, {}]) {
        const res = await call(instance, path, { headers });
        expect(expectApiError(res, 400).message).toMatch(/address/i);
      }
    });
  }

  test("a page's is a 400 too, and a path that decodes is not touched", async () => {
    for (const path of ["/team/users/%ff", "/team/groups/%"]) {
      const res = await fetch(instance.url(path), { redirect: "manual" });
      expect(res.status, path).toBe(400);
    }
    // "%25" is an escaped "%", "%2F" an escaped "/": they decode, and reach the route as before.
    expect(expectApiError(await call(instance, "/api/users/%25ff", { headers: auth }), 404).message).toMatch(/not found/i);
    expect((await fetch(instance.url("/api/health?note=%ff"))).status).toBe(200);
  });
});

/** A request with any method, on a connection of its own (fetch refuses TRACE and CONNECT before sending them). */
function rawRequest(method: string, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(instance.url(path), { method, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * Review 12: a method Node knows but no route serves (TRACE, PROPFIND, LOCK…) made Next.js throw while it built the
 * request ("'TRACE' HTTP method is unsupported"): a bare 500 and a stack trace in the log for every such request,
 * pages and API alike, signed in or not. The server serves no such method anywhere: a 405 in the API's shape, and
 * the log's line is a warning (a 5xx would be an error line and a server error in the metrics for each).
 */
test.describe("a method no route serves", () => {
  for (const method of ["TRACE", "PROPFIND", "LOCK"]) {
    test(`${method} is a 405 in the API's shape on pages, the API and the provider, without a stack trace`, async () => {
      const { result, log } = await logsDuring(() => Promise.all(["/api/health", "/api/users", "/api/no-such-route", "/login", "/", "/oidc/jwks"].map((p) => rawRequest(method, p))));
      for (const res of result) {
        expect(res.status).toBe(405);
        expect(res.headers.allow).toBe("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
        expect(JSON.parse(res.text)).toEqual({ message: `This server doesn't serve the method ${method}`, code: 405 });
      }
      expectNoStackTrace(log);
      expect(log).not.toMatch(/"level":50/);
    });
  }

  test("the methods routes serve still reach them", async () => {
    expect((await rawRequest("HEAD", "/api/health")).status).toBe(200);
    expect((await rawRequest("OPTIONS", "/api/users")).headers.allow).toBe("GET, POST, HEAD, OPTIONS");
    expect((await rawRequest("PATCH", "/api/users")).status).toBe(405);
    // An unknown API path is a 404 whatever the method: Next's own OPTIONS answered 204 offering every method.
    const options = await rawRequest("OPTIONS", "/api/no-such-route");
    expect([options.status, options.headers.allow, JSON.parse(options.text)]).toEqual([404, undefined, { message: "No such API endpoint", code: 404 }]);
  });
});
