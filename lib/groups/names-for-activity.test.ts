/** The group names the activity log's details are shown with: every group of the account, for whoever may read the log. */
import { describe, expect, it } from "vitest";
import { Forbidden } from "@/lib/errors";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { createGroup } from "./groups";
import { groupNamesForActivity } from "./queries";

describe("groupNamesForActivity", () => {
  it("names every group of the account for whoever may read the log, and refuses the others", async () => {
    const accountId = await createAccount();
    const owner = await startSession(await createUser(accountId, { email: "owner@names.example", role: "owner" }));
    const billing = await startSession(await createUser(accountId, { email: "billing@names.example", role: "billing_admin" }));
    const member = await startSession(await createUser(accountId, { email: "member@names.example", role: "user" }));
    const ops = await createGroup(owner, { name: "Ops" }, META);
    const otherAccount = await createAccount();
    const stranger = await startSession(await createUser(otherAccount, { email: "owner@elsewhere.example", role: "owner" }));
    await createGroup(stranger, { name: "Elsewhere" }, META);
    expect(Object.fromEntries(await groupNamesForActivity(owner))).toEqual({ [ops.id]: "Ops" });
    // Reads the log without groups:read: the details still name the groups (as the Activity page always did).
    expect(Object.fromEntries(await groupNamesForActivity(billing))).toEqual({ [ops.id]: "Ops" });
    await expect(groupNamesForActivity(member)).rejects.toBeInstanceOf(Forbidden);
  });
});
