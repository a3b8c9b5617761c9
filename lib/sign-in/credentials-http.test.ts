import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialsCallbackHandler } from "./credentials-http";

// What the handler passed to the route's POST, for the assertions.
const seen: { url: string; method: string; body: string; cookie: string | null }[] = [];

// The built route as scripts/server.mjs publishes it in production: the handler must answer with its POST
// (one copy of Auth.js in the process), not with an Auth.js of its own.
(globalThis as Record<symbol, unknown>)[Symbol.for("latchkey.builtAuthRoute")] = () => ({
  async POST(request: Request) {
    seen.push({ url: request.url, method: request.method, body: await request.text(), cookie: request.headers.get("cookie") });
    const headers = new Headers({ location: "http://sign-in.test/after" });
    headers.append("set-cookie", "authjs.session-token=from-the-built-route; Path=/; HttpOnly; SameSite=Lax");
    return new Response(null, { status: 302, headers });
  },
});

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => void credentialsCallbackHandler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("the sign-in form's POST answered before Next.js", () => {
  it("is answered by the built Auth.js route's own POST, with the request as the route gets it", async () => {
    const body = "csrfToken=t&email=a%40example.com&password=p";
    const res = await fetch(`${base}/api/auth/callback/credentials?x=1`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: "authjs.csrf-token=t" },
      body,
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("http://sign-in.test/after");
    expect(res.headers.getSetCookie()).toEqual(["authjs.session-token=from-the-built-route; Path=/; HttpOnly; SameSite=Lax"]);
    // The configured security headers for /api/* come with it (lib/http/security-headers.ts).
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(seen).toEqual([{ url: `${base}/api/auth/callback/credentials?x=1`, method: "POST", body, cookie: "authjs.csrf-token=t" }]);
  });
});
