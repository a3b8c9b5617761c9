import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { createGroup } from "@/lib/groups/groups";
import { setUserGroups } from "@/lib/groups/membership";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { confirmTotpSetup, startTotpSetup } from "./factors";
import { ownTwoFactorDue, updateSecurityPolicy } from "./policy";
import { totpCode } from "./totp";

const T0 = new Date("2026-03-01T10:00:00Z");
const at = (days: number) => new Date(T0.getTime() + days * 86_400_000);
const PASSWORD = "a long enough password 42";

describe("ownTwoFactorDue (reviews 20 and 21: the dashboard says by when two-factor is required)", () => {
  let owner: Awaited<ReturnType<typeof startSession>>;
  let member: Awaited<ReturnType<typeof startSession>>;
  let setUp: Awaited<ReturnType<typeof startSession>>;
  let other: Awaited<ReturnType<typeof startSession>>;

  beforeAll(async () => {
    const acct = await createAccount();
    owner = await startSession(await createUser(acct, { role: "owner" }));
    const group = await createGroup(owner, { name: "Ops" }, META);
    const inGroup = await createUser(acct);
    const withApp = await createUser(acct, { password: PASSWORD });
    await writeSystem((tx) => setUserGroups(tx, acct, inGroup.id, [group.id]));
    await writeSystem((tx) => setUserGroups(tx, acct, withApp.id, [group.id]));
    member = await startSession(inGroup);
    setUp = await startSession(withApp);
    other = await startSession(await createUser(acct));
    await updateSecurityPolicy(owner, { require_for: "groups", group_ids: [group.id], grace_days: 7 }, META, T0);
  });

  it("is the end of the grace period for someone it covers, while it lasts", async () => {
    expect(await ownTwoFactorDue(member, at(1))).toEqual(at(7));
  });

  it("is now once the grace period is over (their next sign-in sends them to set-up; review 21: nothing said it)", async () => {
    expect(await ownTwoFactorDue(member, at(7))).toBe("now");
  });

  it("is null for someone the requirement doesn't cover", async () => {
    expect(await ownTwoFactorDue(other, at(1))).toBeNull();
    expect(await ownTwoFactorDue(owner, at(1))).toBeNull();
  });

  it("is null once they have a second factor, in the grace period and after it", async () => {
    expect(await ownTwoFactorDue(setUp, at(1))).toEqual(at(7));
    const { secret } = await startTotpSetup(setUp, { password: PASSWORD }, META);
    await confirmTotpSetup(setUp, { code: totpCode(secret, new Date()) }, META);
    expect(await ownTwoFactorDue(setUp, at(1))).toBeNull();
    expect(await ownTwoFactorDue(setUp, at(30))).toBeNull();
  });
});
