/**
 * User approval (NetBird's): a provider whose new users wait for an admin's
 * approval creates them as pending and doesn't let them in; an admin approves
 * (then they sign in) or rejects (then they are gone); nobody else may.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ExternalSignInRefused } from "@/lib/idp/external-sign-in";
import { handleOidcSignIn } from "@/lib/idp/oidc";
import { openIdpSubject } from "@/lib/db/idp-subject";
import { createProvider } from "@/lib/idp/providers";
import { providerInputSchema } from "@/lib/idp/schemas";
import { Forbidden, PreconditionFailed } from "@/lib/errors";
import { createAccount, createUser, lastEvent, META, startSession, userRow, type TestUser } from "@/test/factories";
import { approveUser, rejectUser } from "./approval";
import { listUsers, userFiltersSchema } from "./queries";

let accountId: string;
let owner: TestUser;
let ownerActor: Awaited<ReturnType<typeof startSession>>;
let auditorActor: Awaited<ReturnType<typeof startSession>>;
let providerId: string;

async function refusedReason(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ExternalSignInRefused);
    return (err as ExternalSignInRefused).reason;
  }
  throw new Error("expected a refusal");
}

beforeAll(async () => {
  accountId = await createAccount();
  owner = await createUser(accountId, { email: "owner@approval.example", role: "owner", password: "owner passphrase" });
  ownerActor = await startSession(owner);
  auditorActor = await startSession(await createUser(accountId, { email: "aud@approval.example", role: "auditor" }));
  providerId = (
    await createProvider(
      ownerActor,
      providerInputSchema.parse({ type: "oidc", name: "Gated IdP", issuer: "https://idp.example.com", client_id: "c", client_secret: "s", signup_policy: "open", require_approval: true }),
      META,
    )
  ).id;
});

const pendingIds = async () => (await listUsers(ownerActor, userFiltersSchema.parse({ status: "pending_approval" }))).items.map((u) => u.id);

describe("a provider whose new users wait for approval", () => {
  it("creates a new person as pending and refuses their sign-in until approved", async () => {
    const claims = { sub: "p-1", email: "pat@approval.example", email_verified: true };
    expect(await refusedReason(() => handleOidcSignIn(providerId, claims, META))).toBe("pending_approval");
    const [id] = await pendingIds();
    expect(await userRow(id)).toMatchObject({ pendingApproval: true, idpId: providerId });
    expect(openIdpSubject((await userRow(id))!)).toBe("p-1");
    // Still waiting on the second try; still one user.
    expect(await refusedReason(() => handleOidcSignIn(providerId, claims, META))).toBe("pending_approval");
    expect(await pendingIds()).toEqual([id]);

    await expect(approveUser(auditorActor, id, META)).rejects.toThrow(Forbidden);
    const approved = await approveUser(ownerActor, id, META);
    expect(approved.pendingApproval).toBe(false);
    expect(await lastEvent()).toMatchObject({ action: "user.approved", targetId: id });
    expect(await pendingIds()).toEqual([]);
    expect(await handleOidcSignIn(providerId, claims, META)).toMatchObject({ userId: id, created: false });
    // Approving twice: not waiting any more.
    await expect(approveUser(ownerActor, id, META)).rejects.toThrow(PreconditionFailed);
  });

  it("rejecting removes the pending person; others can't be rejected", async () => {
    expect(await refusedReason(() => handleOidcSignIn(providerId, { sub: "r-1", email: "rex@approval.example", email_verified: true }, META))).toBe("pending_approval");
    const [id] = await pendingIds();
    await expect(rejectUser(auditorActor, id, META)).rejects.toThrow(Forbidden);
    await rejectUser(ownerActor, id, META);
    expect(await userRow(id)).toBeUndefined();
    expect(await lastEvent()).toMatchObject({ action: "user.rejected", targetId: id });
    await expect(rejectUser(ownerActor, owner.id, META)).rejects.toThrow(PreconditionFailed);
    expect(await userRow(owner.id)).toBeDefined();
  });
});
