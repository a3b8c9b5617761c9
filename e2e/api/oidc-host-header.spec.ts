/**
 * The addresses the OpenID provider publishes come from the issuer (PUBLIC_URL), never from the request's
 * Host header (round 13's review): discovery's endpoints and the device flow's verification_uri followed
 * the Host, so one poisoned answer behind a cache keyed on the path would send every app's token
 * requests, client secrets included, to another host.
 */
import http from "node:http";
import { expect, test } from "@playwright/test";
import { bearer, call } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { noteSecret } from "../support/secrets";

const instance = useInstance({ PUBLIC_URL: "{baseURL}" });

/** A request with a Host header of our choosing (fetch won't set one). */
function withHost(path: string, host: string, method = "GET", form?: Record<string, string>): Promise<{ status: number; body: string }> {
  const url = new URL(instance.url(path));
  const body = form ? new URLSearchParams(form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: { host, ...(body ? { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } : {}) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

test("discovery's endpoints and the device flow's verification address come from the issuer, not the Host header", async () => {
  const auth = bearer((await setUpOwner(instance)).personal_access_token);
  const app = await call<{ client_id: string; client_secret?: string }>(instance, "/api/applications", { method: "POST", headers: auth, json: { name: "CLI", type: "device" } });
  expect(app.status, app.text).toBe(201);
  noteSecret(app.body.client_secret);

  const res = await withHost("/.well-known/openid-configuration", "attacker.example");
  expect(res.status, res.body).toBe(200);
  const meta = JSON.parse(res.body) as Record<string, string>;
  const issuer = meta.issuer;
  expect(issuer).toBe(new URL(instance.baseURL).origin);
  for (const key of ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "device_authorization_endpoint"]) {
    expect.soft(meta[key], `${key} with Host: attacker.example`).toMatch(new RegExp(`^${issuer.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/`));
  }

  const device = await withHost("/oidc/device/auth", "attacker.example", "POST", { client_id: app.body.client_id, scope: "openid" });
  expect(device.status, device.body).toBe(200);
  const started = JSON.parse(device.body) as { verification_uri: string; device_code: string };
  noteSecret(started.device_code);
  expect(started.verification_uri, "verification_uri with Host: attacker.example").toBe(`${issuer}/device`);
});
