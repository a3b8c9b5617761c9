/**
 * What the "Confirm it's you" page offers (./reauthentication.ts decides, the page only shows it): a local person's
 * passkeys only when they have registered one. The whole confirm flow: ./app-sign-in-protocol.test.ts and
 * e2e/oidc-confirm-sign-in.spec.ts.
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
import { createUser, META, startSession } from "@/test/factories";
import { confirmSignInFor } from "./reauthentication";

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
