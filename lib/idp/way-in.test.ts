import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { activityEvents } from "@/lib/db/schema";
import { PreconditionFailed } from "@/lib/errors";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { handleOidcSignIn } from "./oidc";
import { createProvider, setProviderEnabled } from "./providers";
import { providerInputSchema } from "./schemas";
import { getSignInSettings, setLocalSignIn, updateTrustedHeader } from "./sign-in-settings";
import { signInOptions } from "./sign-in-options";

let owner: ReturnType<typeof startSession>;

beforeAll(async () => {
  const accountId = createAccount();
  owner = startSession(await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" }));
});

const events = () => db().select().from(activityEvents).all().length;

describe("the owner always keeps a way in", () => {
  it("refuses turning the local form off while it is the owner's only way in, and changes nothing", () => {
    const before = events();
    expect(() => setLocalSignIn(owner, { local_login_enabled: false }, META)).toThrow(PreconditionFailed);
    expect(getSignInSettings(owner).localLoginEnabled).toBe(true);
    expect(signInOptions().localLoginEnabled).toBe(true);
    expect(events()).toBe(before);
  });

  it("allows it once the owner signs in through an enabled provider, then refuses disabling that provider", () => {
    const p = createProvider(
      owner,
      providerInputSchema.parse({ type: "oidc", name: "Owner IdP", issuer: "https://idp.example.com", client_id: "c", client_secret: "s", signup_policy: "existing", allow_linking: true }),
      META,
    );
    handleOidcSignIn(p.id, { sub: "owner-sub", email: "owner@example.com", email_verified: true }, META);
    setLocalSignIn(owner, { local_login_enabled: false }, META);
    expect(getSignInSettings(owner).localLoginEnabled).toBe(false);
    expect(signInOptions().localLoginEnabled).toBe(false);
    expect(() => setProviderEnabled(owner, p.id, false, META)).toThrow(PreconditionFailed);

    // With the proxy header on (the owner has an email it can match), the provider may go.
    updateTrustedHeader(owner, { enabled: true, trusted_ranges: ["10.0.0.0/8"], user_header: "Remote-User", email_header: null, name_header: null, auto_create: false, default_role: "user" }, META);
    setProviderEnabled(owner, p.id, false, META);
    expect(() =>
      updateTrustedHeader(owner, { enabled: false, trusted_ranges: ["10.0.0.0/8"], user_header: "Remote-User", email_header: null, name_header: null, auto_create: false, default_role: "user" }, META),
    ).toThrow(PreconditionFailed);
    setProviderEnabled(owner, p.id, true, META);
    updateTrustedHeader(owner, { enabled: false, trusted_ranges: [], user_header: "Remote-User", email_header: null, name_header: null, auto_create: false, default_role: "user" }, META);
    expect(getSignInSettings(owner).headerEnabled).toBe(false);
  });
});
