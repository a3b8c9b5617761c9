import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { createGroup } from "@/lib/groups/groups";
import { setUserGroups } from "@/lib/groups/membership";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { ownTwoFactorDeadline, updateSecurityPolicy } from "./policy";

const T0 = new Date("2026-03-01T10:00:00Z");
const at = (days: number) => new Date(T0.getTime() + days * 86_400_000);

describe("ownTwoFactorDeadline (review 20: Profile says by when two-factor is required)", () => {
  let owner: Awaited<ReturnType<typeof startSession>>;
  let member: Awaited<ReturnType<typeof startSession>>;
  let other: Awaited<ReturnType<typeof startSession>>;

  beforeAll(async () => {
    const acct = await createAccount();
    owner = await startSession(await createUser(acct, { role: "owner" }));
    const group = await createGroup(owner, { name: "Ops" }, META);
    const inGroup = await createUser(acct);
    await writeSystem((tx) => setUserGroups(tx, acct, inGroup.id, [group.id]));
    member = await startSession(inGroup);
    other = await startSession(await createUser(acct));
    await updateSecurityPolicy(owner, { require_for: "groups", group_ids: [group.id], grace_days: 7 }, META, T0);
  });

  it("is the end of the grace period for someone it covers, while it lasts", async () => {
    expect(await ownTwoFactorDeadline(member, at(1))).toEqual(at(7));
  });

  it("is now once the grace period is over (their next sign-in sends them to set-up; review 21: nothing said it)", async () => {
    expect(await ownTwoFactorDeadline(member, at(7))).toBe("now");
  });

  it("is null for someone the requirement doesn't cover", async () => {
    expect(await ownTwoFactorDeadline(other, at(1))).toBeNull();
    expect(await ownTwoFactorDeadline(owner, at(1))).toBeNull();
  });
});
