/**
 * Nobody grants what they don't hold, for tokens too: an access token created without a `permissions`
 * list holds everything its owner holds, so its creator must hold all of that (lib/tokens/personal-tokens.ts).
 * Found by the round-12 review: before the fix
 *  1. a holder of a custom role with tokens:create minted an unscoped token for an admin service user and
 *     held every admin permission through it;
 *  2. a narrowly scoped token (say groups:update for a NetBird sync job) minted an unscoped token for its
 *     own user and held everything that user holds.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { writeSystem } from "@/lib/data/unit-of-work";
import { Forbidden } from "@/lib/errors";
import { setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";
import { createUser as createUserAsAdmin } from "@/lib/users/lifecycle";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { authenticateAccessToken, mintAccessToken } from "./access-tokens";
import { createAccessToken } from "./personal-tokens";
import { createTokenSchema } from "./schemas";

let accountId: string;
let owner: SessionActor;
let n = 0;
const input = () => createTokenSchema.parse({ name: `review4-${++n}`, expires_in: 30 });

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
});

describe("an unscoped token confers what its creator doesn't hold", () => {
  it("a tokens:create role holder can't mint a full-power token for an admin service user", async () => {
    const role = await createRole(
      owner,
      roleInputSchema.parse({ name: "Token keeper", description: "", permissions: ["service_users:read", "users:read", "tokens:read", "tokens:create"] }),
      META,
    );
    const keeperUser = await createUser(accountId, { role: "user" });
    await setUserRoles(owner, keeperUser.id, { role_ids: [role.id] }, META);
    const keeper = await startSession(keeperUser);
    expect(keeper.permissions?.has("roles:update")).toBe(false);
    const { user: robot } = await createUserAsAdmin(owner, { is_service_user: true, name: "Terraform", role: "admin", auto_groups: [] }, META);

    await expect(createAccessToken(keeper, robot.id, input(), META)).rejects.toThrow(Forbidden);
    // A scope within what the keeper holds is still theirs to give.
    const { plain } = await createAccessToken(keeper, robot.id, { ...input(), permissions: ["users:read"] }, META);
    expect([...(await authenticateAccessToken(plain))!.permissions!]).toEqual(["users:read"]);
  });

  it("a token scoped to groups only can't mint an unscoped token for its owner", async () => {
    const admin = await createUser(accountId, { role: "admin" });
    const { plain } = await writeSystem((tx) =>
      mintAccessToken(tx, { accountId, userId: admin.id, name: "netbird-sync", expiresInDays: 1, createdBy: admin.id, permissions: ["groups:read", "groups:update"] }),
    );
    const scoped = (await authenticateAccessToken(plain))!;
    expect([...scoped.permissions!].sort()).toEqual(["groups:read", "groups:update"]);

    await expect(createAccessToken(scoped, admin.id, input(), META)).rejects.toThrow(Forbidden);
  });
});
