/** Where each user signs in, for badges (./sources.ts): every source of the account by its id, and Local for none. */
import { describe, expect, it } from "vitest";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { createProvider } from "./providers";
import { HEADER_IDP_ID } from "./records";
import { providerInputSchema } from "./schemas";
import { identitySources, LOCAL_SOURCE, sourceOf } from "./sources";

describe("identitySources", () => {
  it("names each provider of the account with its kind, the proxy header, and no other account's", async () => {
    const accountId = await createAccount();
    const owner = await startSession(await createUser(accountId, { role: "owner" }));
    const input = (name: string) => providerInputSchema.parse({ type: "oidc", name, issuer: "https://idp.example.com", client_id: "latchkey", client_secret: "s3cret-client-secret" });
    const corp = await createProvider(owner, input("Corp SSO"), META);
    const otherAccount = await createAccount();
    const elsewhere = await createProvider(await startSession(await createUser(otherAccount, { role: "owner" })), input("Elsewhere"), META);

    const sources = await identitySources(accountId);
    expect(sources.get(corp.id)).toEqual({ name: "Corp SSO", kind: "oidc" });
    expect(sources.get(HEADER_IDP_ID)).toEqual({ name: "Proxy header", kind: "header" });
    expect(sources.has(elsewhere.id)).toBe(false);
    expect(sourceOf(null, sources)).toEqual(LOCAL_SOURCE);
    expect(sourceOf(elsewhere.id, sources)).toEqual({ name: "Removed provider", kind: "unknown" });
  });
});
