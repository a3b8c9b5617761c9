/**
 * "Test connection" on an identity provider checks the client ID and secret too (./provider-test.ts,
 * ./client-check.ts): after discovery, the token endpoint is sent a code that can't be valid, authenticated as
 * the sign-in authenticates. A refused client is "the client ID or secret is wrong" at the secret; a refused code
 * means the credentials were accepted; anything else is a note that they couldn't be checked, and the test still
 * passes. The owner's only way in is saved only when its new secret passes. Real parts: Latchkey's own OpenID
 * provider on loopback (test/provider-server.ts) with a confidential app, and a server whose token endpoint fails.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApplication } from "@/lib/applications/applications";
import { createApplicationSchema } from "@/lib/applications/schemas";
import { Invalid } from "@/lib/errors";
import { META, startSession, updateUserRow } from "@/test/factories";
import { startProviderServer } from "@/test/provider-server";
import { createProvider, getProvider, updateProvider } from "./providers";
import { testProviderConnection } from "./provider-test";
import { providerInputSchema } from "./schemas";

let provider: Awaited<ReturnType<typeof startProviderServer>>;
let owner: Awaited<ReturnType<typeof startSession>>;
let clientId: string;
let secret: string;
let broken: http.Server;
let brokenBase: string;

beforeAll(async () => {
  provider = await startProviderServer();
  owner = await startSession({ id: provider.ownerId, accountId: provider.accountId });
  const input = createApplicationSchema.parse({ name: "Latchkey as its own provider", type: "web", redirect_uris: ["https://app.example.com/callback"] });
  const created = await createApplication(owner, input, META);
  clientId = created.application.clientId;
  secret = created.clientSecret!;
  // A provider whose discovery works and whose token endpoint answers 503.
  broken = http.createServer((req, res) => {
    if (req.url === "/.well-known/openid-configuration") {
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ issuer: brokenBase, authorization_endpoint: `${brokenBase}/auth`, token_endpoint: `${brokenBase}/token`, jwks_uri: `${brokenBase}/jwks` }));
    }
    res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => broken.listen(0, "127.0.0.1", resolve));
  brokenBase = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await provider.close();
  await new Promise<void>((resolve) => broken.close(() => resolve()));
});

const typed = (over: Record<string, unknown> = {}) => ({ issuer: provider.base, client_id: clientId, client_secret: secret, allow_internal_addresses: true, ...over });

describe("Test connection with the client's credentials", () => {
  it("says the credentials were accepted when the provider refuses only the code", async () => {
    const result = await testProviderConnection(owner, null, typed());
    expect(result).toMatchObject({ ok: true, client: { outcome: "accepted" } });
  });

  it("says the client ID or secret is wrong, at the secret, when the provider refuses the client", async () => {
    for (const wrong of [typed({ client_secret: `${secret}x` }), typed({ client_id: "lka_nobody" })]) {
      const result = await testProviderConnection(owner, null, wrong);
      expect(result).toMatchObject({ ok: false, field: "client_secret", client: { outcome: "rejected" }, message: expect.stringMatching(/client ID or secret is wrong/) });
    }
  });

  it("notes that the secret couldn't be checked when the token endpoint gives no clear answer, and still passes", async () => {
    const result = await testProviderConnection(owner, null, typed({ issuer: brokenBase }));
    expect(result).toMatchObject({ ok: true, client: { outcome: "unchecked", message: expect.stringMatching(/couldn't check/i) } });
  });

  it("uses a saved provider's stored secret only for the issuer and client ID it was entered with", async () => {
    const saved = await createProvider(owner, providerInputSchema.parse({ type: "oidc", name: "Self", ...typed() }), META);
    expect(await testProviderConnection(owner, saved.id, typed({ client_secret: undefined }))).toMatchObject({ ok: true, client: { outcome: "accepted" } });
    // Another issuer: the stored secret is not sent there, so nothing is checked.
    expect(await testProviderConnection(owner, saved.id, typed({ issuer: brokenBase, client_secret: undefined }))).toMatchObject({ ok: true, client: null });
  });
});

describe("editing the owner's only identity provider", () => {
  it("refuses a mistyped client secret at the secret field, and saves the right one", async () => {
    const own = await createProvider(owner, providerInputSchema.parse({ type: "oidc", name: "Owner's way in", ...typed() }), META);
    await updateUserRow(provider.ownerId, { passwordHash: null, idpId: own.id, idpSubjectIndex: "owner-subject-index" });
    const err = await updateProvider(owner, own.id, { client_secret: `${secret}-typo` }, META).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Invalid);
    expect((err as Invalid).fieldErrors.client_secret?.[0]).toMatch(/client ID or secret is wrong.*owner's only way in/);
    expect(await updateProvider(owner, own.id, { client_secret: secret, name: "Owner's way in, checked" }, META)).toMatchObject({ name: "Owner's way in, checked" });
    expect((await getProvider(owner, own.id)).name).toBe("Owner's way in, checked");
  });
});
