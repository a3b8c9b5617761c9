/**
 * Without a public address (no PUBLIC_URL, none in Settings → Email) the
 * OpenID provider has no issuer: its endpoints say so and what to set, and
 * nothing is answered from a request's Host (issue 15).
 */
import { expect, test } from "@playwright/test";
import { setUpOwner, useInstance } from "../support/instance";

const instance = useInstance();

test("the provider's endpoints answer 412 with what to set, whatever Host the request names", async () => {
  await setUpOwner(instance);
  for (const path of ["/.well-known/openid-configuration", "/oidc/auth?client_id=x", "/oidc/token", "/device"]) {
    const res = await fetch(instance.url(path), { redirect: "manual", headers: { "x-forwarded-host": "id.example.com", "x-forwarded-proto": "https" } });
    expect(res.status, path).toBe(412);
    const body = (await res.json()) as { message: string; code: number };
    expect(body.code).toBe(412);
    expect(body.message).toContain("PUBLIC_URL");
  }
});
