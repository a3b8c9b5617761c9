/**
 * Names that come from elsewhere (an identity provider's claims, a directory's attribute, the proxy's name
 * header) are stored as one line of visible text (lib/format/display-text.ts asDisplayText): line breaks,
 * tabs, other controls and direction overrides become a space. They are cleaned, not refused: a sign-in
 * shouldn't fail over what a directory calls someone. (Typed names are refused: lib/users/name-characters.test.ts.)
 */
import { beforeAll, describe, expect, it } from "vitest";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { openIdentity } from "@/lib/users/records";
import { createAccount, createUser, META, openWayIn, startSession, userRow } from "@/test/factories";
import { signInExternal, type ExternalPolicy } from "./external-sign-in";
import { handleOidcSignIn } from "./oidc";
import { createProvider } from "./providers";
import { providerInputSchema } from "./schemas";
import { updateTrustedHeader } from "./sign-in-settings";
import { signInWithTrustedHeader } from "./trusted-header";

let accountId: string;
let owner: Awaited<ReturnType<typeof startSession>>;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { email: "owner@names.example", role: "owner", password: "owner passphrase" }));
});

const storedName = async (userId: string) => openIdentity((await userRow(userId))!).name;

describe("a name from elsewhere", () => {
  it("from an identity provider: line breaks and direction overrides become spaces, and the sign-in goes through", async () => {
    const p = await createProvider(
      owner,
      providerInputSchema.parse({ type: "oidc", name: "Names IdP", issuer: "https://idp.names.example", client_id: "c", client_secret: "s", signup_policy: "open" }),
      META,
    );
    const signed = await handleOidcSignIn(p.id, { sub: "olga-1", email: "olga@names.example", email_verified: true, name: "Olga\n\nYour account will be closed. Verify at https://evil.example" }, META);
    expect(signed.created).toBe(true);
    expect(await storedName(signed.userId)).toBe("Olga Your account will be closed. Verify at https://evil.example");

    const spoofed = await handleOidcSignIn(p.id, { sub: "ann-1", email: "ann@names.example", email_verified: true, name: "\u202Enimda\u202C Ann" }, META);
    expect(await storedName(spoofed.userId)).toBe("nimda Ann");
  });

  it("from a directory: a name of nothing but unsafe characters falls back to the email", async () => {
    const policy: ExternalPolicy = { method: "ldap", sourceName: "Corp Directory", signup: "open", allowedDomains: [], allowLinking: false, matchByEmail: false, defaultRole: "user", defaultGroups: [] };
    await openWayIn(accountId, "ldap", "ldap-names");
    const tabbed = await signInExternal(accountId, { idpId: "ldap-names", subject: "lena", email: "lena@names.example", emailVerified: true, name: "Lena\tLindqvist", username: "lena" }, policy, META);
    expect(await storedName(tabbed.userId)).toBe("Lena Lindqvist");
    const blank = await signInExternal(accountId, { idpId: "ldap-names", subject: "void", email: "void@names.example", emailVerified: true, name: "\u2066\r\n\u2069", username: "void" }, policy, META);
    expect(await storedName(blank.userId)).toBe("void@names.example");
  });

  it("from the proxy's name header: a C1 control (how a UTF-8 bidi mark reads as a header's bytes) becomes a space", async () => {
    await updateTrustedHeader(
      owner,
      { enabled: true, trusted_ranges: ["10.1.0.0/16"], user_header: "Remote-User", email_header: "Remote-Email", name_header: "Remote-Name", auto_create: true, default_role: "user" },
      META,
    );
    const headers = new Headers({ [PEER_HEADER]: "10.1.0.9", "remote-user": "mallory", "remote-email": "mallory@names.example", "remote-name": "Mallory\u0085Verify at evil.example" });
    const signed = await signInWithTrustedHeader(headers, META);
    expect(await storedName(signed.userId)).toBe("Mallory Verify at evil.example");
  });
});
