/** Changing one's own name on Profile: any role may, the search index follows, and it is recorded. */
import { describe, expect, it } from "vitest";
import { Forbidden } from "@/lib/errors";
import { createAccount, createUser, lastEvent, META, startSession } from "@/test/factories";
import { updateOwnName } from "./profile";
import { listUsers, userFiltersSchema } from "./queries";

describe("updateOwnName", () => {
  it("changes the caller's name (an auditor's too), finds them by it, and records user.updated", async () => {
    const accountId = await createAccount();
    const auditor = await createUser(accountId, { email: "aud@profile.example", name: "Old Name", role: "auditor" });
    const actor = await startSession(auditor);
    const saved = await updateOwnName(actor, { name: "Zelda Quartz" }, META);
    expect(saved.name).toBe("Zelda Quartz");
    expect(await lastEvent()).toMatchObject({ action: "user.updated", targetId: auditor.id });
    const found = await listUsers(actor, userFiltersSchema.parse({ search: "quartz" }));
    expect(found.items.map((u) => u.id)).toEqual([auditor.id]);
  });

  it("refuses a read-only access token", async () => {
    const accountId = await createAccount();
    const user = await createUser(accountId, { email: "u@profile.example", role: "user" });
    const session = await startSession(user);
    await expect(updateOwnName({ ...session, kind: "token", tokenId: "t" } as never, { name: "X" }, META)).rejects.toBeInstanceOf(Forbidden);
  });
});
