/**
 * What the "Confirm it's you" page offers (./reauthentication.ts decides, the page only shows it): a local person's
 * passkeys only when they have registered one; and who may answer it at their external provider (only they). The
 * whole confirm flow: ./app-sign-in-protocol.test.ts and e2e/oidc-confirm-sign-in.spec.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApplication } from "@/lib/applications/applications";
import { createApplicationSchema } from "@/lib/applications/schemas";
import { config } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { mfaPasskeys } from "@/lib/db/schema";
import { sealPasskeyName, sealPublicKey } from "@/lib/mfa/passkey-records";
import { OidcAdapter } from "@/lib/oidc/adapter";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { sessionSecret } from "@/lib/crypto/keys";
import { db } from "@/lib/db/database";
import { sessions, users } from "@/lib/db/schema";
import { ExternalSignInRefused } from "@/lib/idp/external-sign-in";
import { handleOidcSignIn } from "@/lib/idp/oidc";
import { createProvider } from "@/lib/idp/providers";
import { providerInputSchema } from "@/lib/idp/schemas";
import { createUser, lastEvent, META, startSession } from "@/test/factories";
import { confirmSignInFor, personAskedToConfirm } from "./reauthentication";
import { authJsCallbackUrl } from "./interaction-callback";
import { encodeSessionToken } from "./session-token";

const ORIGIN = "http://127.0.0.1:9";
let owner: { id: string; accountId: string };
let clientId: string;

beforeAll(async () => {
  // A public address: the instance offers passkeys (lib/sign-in/passkey-sign-in.ts passkeySignInAvailable).
  (config() as { publicUrl: string | null }).publicUrl = ORIGIN;
  const setup = await completeSetup(setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password: "a long and unusual passphrase" }), META);
  owner = { id: setup.user_id, accountId: setup.account_id };
  const input = createApplicationSchema.parse({ name: "Gitea", type: "web", redirect_uris: [`${ORIGIN}/callback`] });
  clientId = (await createApplication(await startSession(owner), input, META)).application.clientId;
});

afterAll(() => {
  (config() as { publicUrl: string | null }).publicUrl = null;
});

const now = () => Math.floor(Date.now() / 1000);
let uids = 0;

/** An app's authorization asking for a fresh sign-in (prompt=login), begun now, as the provider stores its interaction. */
async function interactionAskingToConfirm(): Promise<string> {
  uids += 1;
  const uid = `confirm-${uids}`;
  const payload = { uid, kind: "Interaction", iat: now(), exp: now() + 600, params: { client_id: clientId, prompt: "login", scope: "openid" } };
  await new OidcAdapter("Interaction").upsert(uid, payload as never, 600);
  return uid;
}

async function addPasskey(user: { id: string; accountId: string }): Promise<void> {
  const id = crypto.randomUUID();
  await writeSystem((tx) =>
    tx.insert(mfaPasskeys).values({
      id,
      accountId: user.accountId,
      userId: user.id,
      credentialId: `credential-${id}`,
      publicKeyCiphertext: sealPublicKey(id, new Uint8Array([1, 2, 3])),
      transports: ["internal"],
      nameCiphertext: sealPasskeyName(id, "Laptop"),
    }),
  );
}

const TWENTY_MINUTES_AGO = () => new Date(Date.now() - 20 * 60 * 1000);

describe("what the confirm page offers a local person", () => {
  it("offers passkeys only to someone who has registered one", async () => {
    const mia = await createUser(owner.accountId, { email: "mia.confirm@example.com", name: "Mia Meyer", password: "another long passphrase here" });
    const actor = await startSession(mia, TWENTY_MINUTES_AGO());
    const path = `/oidc/interaction/${await interactionAskingToConfirm()}`;
    expect(await confirmSignInFor(actor, path)).toMatchObject({ appName: "Gitea", methods: { form: true, passkeys: false, providerIds: [] } });
    await addPasskey(mia);
    expect(await confirmSignInFor(actor, path)).toMatchObject({ methods: { form: true, passkeys: true, providerIds: [] } });
  });
});

describe("who may answer the confirm page at their external provider", () => {
  /** A request to Auth.js's callback from a browser holding `sessionId`'s cookie, on its way back to `callbackUrl`. */
  async function callbackRequest(sessionId: string, userId: string, callbackUrl: string): Promise<Headers> {
    const token = await encodeSessionToken({ token: { sid: sessionId, sub: userId }, secret: sessionSecret(), salt: "authjs.session-token", maxAge: 3600 });
    return new Headers({ host: "127.0.0.1:9", cookie: `authjs.session-token=${token}; authjs.callback-url=${encodeURIComponent(callbackUrl)}` });
  }

  it("is the person the page asks, and only while it asks them", async () => {
    const mia = await createUser(owner.accountId, { email: "mia.asked@example.com", name: "Mia Asked", password: "another long passphrase here" });
    const asked = await startSession(mia, TWENTY_MINUTES_AGO());
    const path = `/oidc/interaction/${await interactionAskingToConfirm()}`;
    expect(await personAskedToConfirm(await callbackRequest(asked.sessionId, mia.id, `${ORIGIN}${path}`))).toBe(mia.id);
    // No app asking (a way back elsewhere, or one that only looks like it), or no session: nobody is asked.
    for (const elsewhere of [`${ORIGIN}/team/users`, `https://evil.example${path}`, `${ORIGIN}${path}?x=1`]) {
      expect(await personAskedToConfirm(await callbackRequest(asked.sessionId, mia.id, elsewhere)), elsewhere).toBeNull();
    }
    expect(await personAskedToConfirm(new Headers({ host: "127.0.0.1:9", cookie: `authjs.callback-url=${encodeURIComponent(`${ORIGIN}${path}`)}` }))).toBeNull();
    // A session begun since the app asked already answers it: nobody is asked any more.
    const fresh = await startSession(mia);
    expect(await personAskedToConfirm(await callbackRequest(fresh.sessionId, mia.id, `${ORIGIN}${path}`))).toBeNull();
  });

  it("is asked by a form's sign-in too: its way back read as Auth.js reads it (the posted field, the query, the cookie)", async () => {
    const mia = await createUser(owner.accountId, { email: "mia.form@example.com", name: "Mia Form", password: "another long passphrase here" });
    const asked = await startSession(mia, TWENTY_MINUTES_AGO());
    const path = `/oidc/interaction/${await interactionAskingToConfirm()}`;
    const browser = await callbackRequest(asked.sessionId, mia.id, `${ORIGIN}/team/users`);
    const callback = `${ORIGIN}/api/auth/callback/credentials`;
    // A server action's signIn posts its redirectTo as the field; a form posted straight may use the query.
    expect(await personAskedToConfirm(browser, authJsCallbackUrl(path, callback, browser))).toBe(mia.id);
    expect(await personAskedToConfirm(browser, authJsCallbackUrl(undefined, `${callback}?callbackUrl=${encodeURIComponent(path)}`, browser))).toBe(mia.id);
    // The posted field wins over the query and the cookie, as it does for Auth.js.
    expect(await personAskedToConfirm(browser, authJsCallbackUrl("/", `${callback}?callbackUrl=${encodeURIComponent(path)}`, browser))).toBeNull();
    expect(await personAskedToConfirm(browser, authJsCallbackUrl(undefined, callback, browser))).toBeNull();
  });

  it("refuses the provider's answer for anyone else: no session, nobody created, the refusal recorded for the person asked", async () => {
    const ownerActor = await startSession(owner);
    const input = providerInputSchema.parse({ type: "oidc", name: "Work IdP", issuer: "https://idp.example.com", client_id: "c", client_secret: "s", signup_policy: "open" });
    const provider = await createProvider(ownerActor, input, META);
    const pat = await handleOidcSignIn(provider.id, { sub: "pat-1", email: "pat.confirm@example.com", email_verified: true, name: "Pat" }, META);
    const other = { sub: "sam-2", email: "sam.confirm@example.com", email_verified: true, name: "Sam" };
    const counts = async () => ({ users: (await db().select().from(users)).length, sessions: (await db().select().from(sessions)).length });
    const before = await counts();
    await expect(handleOidcSignIn(provider.id, other, META, pat.userId)).rejects.toThrow(ExternalSignInRefused);
    await expect(handleOidcSignIn(provider.id, other, META, pat.userId)).rejects.toMatchObject({ reason: "not_the_person" });
    expect(await counts()).toEqual(before);
    expect(await lastEvent()).toMatchObject({ action: "user.login.failed", targetId: pat.userId, details: { reason: "not_the_person", method: "oidc" } });
    // Pat's own answer is a sign-in as ever; without anyone asked, Sam comes in (and is created) as before.
    expect(await handleOidcSignIn(provider.id, { sub: "pat-1" }, META, pat.userId)).toMatchObject({ userId: pat.userId });
    expect(await handleOidcSignIn(provider.id, other, META)).toMatchObject({ created: true });
  });
});
