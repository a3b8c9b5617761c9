/**
 * Editing the owner's only way in (./owner-connection.ts): a change to how the provider or directory is
 * reached or searched runs "Test connection" on the new settings as part of the save, and a failure
 * refuses the save with the test's message at its field; nothing is saved. Other providers, and edits
 * that leave the connection alone, save as before. Real parts: a discovery server on loopback (the directory's side: ./ldap/owner-connection.test.ts).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Invalid } from "@/lib/errors";
import { createAccount, createUser, META, startSession, updateUserRow } from "@/test/factories";
import { createProvider, getProvider, updateProvider } from "./providers";
import { providerInputSchema } from "./schemas";
import { refusal } from "@/test/refusal";

let server: http.Server;
let base: string;

beforeAll(async () => {
  // Serves a discovery document for any issuer under /good; everything else is a 404.
  server = http.createServer((req, res) => {
    const path = req.url ?? "";
    const issuer = `${base}${path.replace("/.well-known/openid-configuration", "")}`;
    if (!path.startsWith("/good") || !path.endsWith("/.well-known/openid-configuration")) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, code_challenge_methods_supported: ["S256"] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const providerInput = (name: string, issuer: string) =>
  providerInputSchema.parse({ type: "oidc", name, issuer, client_id: "latchkey", client_secret: "s3cret-client-secret", allow_internal_addresses: true });

describe("editing the owner's only identity provider", () => {
  let owner: Awaited<ReturnType<typeof startSession>>;
  let ownersId: string;
  let otherId: string;

  beforeAll(async () => {
    const accountId = await createAccount();
    const person = await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" });
    owner = await startSession(person);
    ownersId = (await createProvider(owner, providerInput("Owner's IdP", `${base}/good`), META)).id;
    otherId = (await createProvider(owner, providerInput("Other IdP", `${base}/good`), META)).id;
    // The owner now signs in only through it (no password, bound to the provider).
    await updateUserRow(person.id, { passwordHash: null, idpId: ownersId, idpSubjectIndex: "owner-subject-index" });
  });

  it("refuses a new issuer whose connection test fails, with the test's message at the issuer, and saves nothing", async () => {
    const err = await refusal(Invalid, () => updateProvider(owner, ownersId, { issuer: `${base}/gone`, client_secret: "new-s3cret-client" }, META));
    expect(err.fieldErrors.issuer?.[0]).toMatch(/owner's only way in/);
    expect((await getProvider(owner, ownersId)).issuer).toBe(`${base}/good`);
  });

  it("saves a new issuer that passes the test, and edits that leave the connection alone, without one", async () => {
    expect(await updateProvider(owner, ownersId, { issuer: `${base}/good/v2`, client_secret: "new-s3cret-client" }, META)).toMatchObject({ issuer: `${base}/good/v2` });
    server.closeAllConnections();
    expect(await updateProvider(owner, ownersId, { name: "Owner's IdP, renamed" }, META)).toMatchObject({ name: "Owner's IdP, renamed" });
  });

  it("does not test a provider that is not the owner's only way in", async () => {
    expect(await updateProvider(owner, otherId, { issuer: `${base}/gone`, client_secret: "new-s3cret-client" }, META)).toMatchObject({ issuer: `${base}/gone` });
  });
});
