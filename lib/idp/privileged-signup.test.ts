/**
 * Open sign-up plus a privileged default role is an explicit choice (./privileged-signup.ts): a provider
 * that creates accounts by itself and gives them more than a user's powers (by its role, or by the roles of
 * its default groups) is refused unless the request says accept_privileged_signup, at that field.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Invalid } from "@/lib/errors";
import { createGroup } from "@/lib/groups/groups";
import { setGroupRoles } from "@/lib/roles/assignments";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { createProvider, updateProvider } from "./providers";
import { providerInputSchema } from "./schemas";

let owner: Awaited<ReturnType<typeof startSession>>;
let n = 0;

const input = (over: Record<string, unknown> = {}) =>
  providerInputSchema.parse({ type: "oidc", name: `Sign-up IdP ${++n}`, issuer: "https://idp.example.com", client_id: "latchkey", client_secret: "s3cret-client-secret", ...over });

async function refusedField(fn: () => Promise<unknown>): Promise<string[] | undefined> {
  const err = await fn().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Invalid);
  return (err as Invalid).fieldErrors.accept_privileged_signup;
}

beforeAll(async () => {
  const accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" }));
});

describe("open sign-up with a privileged default role", () => {
  it("is refused at the confirming field, naming the role, unless the request accepts it", async () => {
    const [message] = (await refusedField(() => createProvider(owner, input({ signup_policy: "open", default_role: "admin" }), META))) ?? [];
    expect(message).toContain('"admin"');
    expect(await refusedField(() => createProvider(owner, input({ signup_policy: "domains", allowed_domains: ["corp.example"], default_role: "admin" }), META))).toHaveLength(1);
    expect(await createProvider(owner, input({ signup_policy: "open", default_role: "admin", accept_privileged_signup: true }), META)).toMatchObject({ defaultRole: "admin" });
  });

  it("counts the roles of the default groups, as the privileged rule does", async () => {
    const admins = await createGroup(owner, { name: "Sign-up admins" }, META);
    await setGroupRoles(owner, admins.id, { role_ids: ["admin"] }, META);
    expect(await refusedField(() => createProvider(owner, input({ signup_policy: "open", default_role: "user", auto_groups: [admins.id] }), META))).toHaveLength(1);
  });

  it("leaves alone what makes nobody privileged by itself: a user or auditor role, sign-up of existing people only, or approval", async () => {
    await createProvider(owner, input({ signup_policy: "open", default_role: "auditor" }), META);
    await createProvider(owner, input({ signup_policy: "existing", default_role: "admin" }), META);
    await createProvider(owner, input({ signup_policy: "open", default_role: "admin", require_approval: true }), META);
  });

  it("an edit that opens sign-up (or raises the role) asks; an edit of a provider already so does not ask again", async () => {
    const p = await createProvider(owner, input({ signup_policy: "existing", default_role: "admin" }), META);
    expect(await refusedField(() => updateProvider(owner, p.id, { signup_policy: "open" }, META))).toHaveLength(1);
    const approved = await createProvider(owner, input({ signup_policy: "open", default_role: "admin", require_approval: true }), META);
    expect(await refusedField(() => updateProvider(owner, approved.id, { require_approval: false }, META))).toHaveLength(1);
    await updateProvider(owner, p.id, { signup_policy: "open", accept_privileged_signup: true }, META);
    expect(await updateProvider(owner, p.id, { name: "Renamed sign-up IdP" }, META)).toMatchObject({ signupPolicy: "open", defaultRole: "admin" });
  });
});
