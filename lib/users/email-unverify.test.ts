/**
 * Marking an unchanged address confirmed *or not* takes users:update and users:reset_password (docs/security.md).
 * Review 7: only `true` was checked, so a directory editor (users:update alone) could mark anyone's proven
 * address unconfirmed, and apps that require email_verified (oauth2-proxy, Grafana/Gitea account linking)
 * refused that person until they confirmed it again.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { claimsOf } from "@/lib/oidc/accounts";
import { setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";
import { createAccount, createUser, META, startSession, userRow } from "@/test/factories";
import { updateUser } from "./lifecycle";

let accountId: string;
let ownerActor: SessionActor;
const told = async (userId: string) => (await claimsOf((await userRow(userId))!, "openid email")).email_verified;

beforeAll(async () => {
  accountId = await createAccount();
  ownerActor = await startSession(await createUser(accountId, { role: "owner" }));
});

describe("marking an address not confirmed is the same power as marking it confirmed", () => {
  it("someone with users:update but not users:reset_password can't un-prove another person's address", async () => {
    const role = await createRole(ownerActor, roleInputSchema.parse({ name: "Directory editor r7", description: "", permissions: ["users:read", "users:update"] }), META);
    const editorUser = await createUser(accountId, { role: "user" });
    await setUserRoles(ownerActor, editorUser.id, { role_ids: [role.id] }, META);
    const editor = await startSession(editorUser);
    const victim = await createUser(accountId, { email: "proven-victim@example.com" });
    expect(await told(victim.id)).toBe(true);
    await expect(updateUser(editor, victim.id, { email_verified: false }, META)).rejects.toThrow(
      "Marking an email confirmed or not needs permission to reset passwords",
    );
    expect(await told(victim.id), "a directory editor marked someone's proven address unconfirmed").toBe(true);
  });
});
