/**
 * Review 6: users:update and users:reset_password are separate powers (lib/auth/permissions.ts), and a
 * custom role may hold the first without the second ("edit people's names, emails and groups"). But
 * an admin's email edit (lib/users/lifecycle.ts updateUser) takes effect at once, with no confirmation
 * from the new address and no notice to the old one, so whoever may edit emails may reset passwords:
 * set the person's email to an address you read, ask "Forgot password?" for it, and sign in as them —
 * then into every app that signs people in through Latchkey, as them. assertOutranks only stops this
 * against someone who holds more; a peer or any member is open to it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRole } from "@/lib/roles/roles";
import { setUserRoles } from "@/lib/roles/assignments";
import { roleInputSchema } from "@/lib/roles/schemas";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { createUser, META, startSession, type TestUser } from "@/test/factories";
import { startMailInstance } from "@/test/mail";
import { takesOverThrough } from "@/test/takeover";
import type { TestSmtp } from "@/test/smtp-server";
import { updateUser } from "./lifecycle";

let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;

beforeAll(async () => ({ smtp, accountId, owner } = await startMailInstance()), 60_000);
afterAll(() => smtp.stop());
beforeEach(async () => {
  await resetRateLimits();
});

describe("editing someone's email is not resetting their password", { timeout: 60_000 }, () => {
  it("an editor without users:reset_password can't take a member's account through the email field", async () => {
    const ownerActor = await startSession(owner);
    const editorRole = await createRole(ownerActor, roleInputSchema.parse({ name: "Directory editor", description: "", permissions: ["users:read", "users:update"] }), META);
    const editorUser = await createUser(accountId, { role: "user" });
    await setUserRoles(ownerActor, editorUser.id, { role_ids: [editorRole.id] }, META);
    const editor = await startSession(editorUser);
    const victim = await createUser(accountId, { email: "victim@example.com", password: "the victim's own passphrase 12" });

    const moved = await updateUser(editor, victim.id, { email: "editor-inbox@evil.example" }, META).then(() => true, () => false);
    const tookOver = moved && (await takesOverThrough(smtp, "editor-inbox@evil.example", victim.id, "the editor's chosen passphrase 66"));
    expect(tookOver, "the editor signed in as the member with a password of their choosing").toBe(false);
  });
});
