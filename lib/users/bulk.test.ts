/**
 * Bulk block / unblock / delete: every user is handled by the single action's
 * rules, so the owner and the caller are refused with the reason while the
 * others change; someone who manages nobody is refused as a whole.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Forbidden } from "@/lib/errors";
import { createAccount, createUser, META, startSession, userRow, type TestUser } from "@/test/factories";
import { bulkUpdateUsers } from "./bulk";

let accountId: string;
let owner: TestUser;
let admin: TestUser;
let people: TestUser[];

beforeAll(async () => {
  accountId = await createAccount();
  owner = await createUser(accountId, { email: "owner@bulk.example", role: "owner" });
  admin = await createUser(accountId, { email: "admin@bulk.example", role: "admin" });
  people = [];
  for (let i = 0; i < 5; i++) people.push(await createUser(accountId, { email: `p${i}@bulk.example`, role: "user" }));
});

describe("bulk user actions", () => {
  it("blocks everyone it may, and names the owner and the caller as refused", async () => {
    const actor = await startSession(admin);
    const ids = [owner.id, admin.id, ...people.map((p) => p.id)];
    const results = await bulkUpdateUsers(actor, { action: "block", user_ids: ids }, META);
    expect(results.filter((r) => r.ok).map((r) => r.id)).toEqual(people.map((p) => p.id));
    expect(results.filter((r) => !r.ok)).toEqual([
      { id: owner.id, ok: false, code: 403, message: "Only the owner can change the owner's account" },
      { id: admin.id, ok: false, code: 403, message: "You can't block yourself" },
    ]);
    for (const p of people) expect((await userRow(p.id))?.isBlocked).toBe(true);
    expect((await userRow(owner.id))?.isBlocked).toBe(false);

    const unblocked = await bulkUpdateUsers(actor, { action: "unblock", user_ids: people.map((p) => p.id) }, META);
    expect(unblocked.every((r) => r.ok)).toBe(true);
    for (const p of people) expect((await userRow(p.id))?.isBlocked).toBe(false);
  });

  it("deletes each user in its own unit of work; an unknown id is that row's 404", async () => {
    const actor = await startSession(owner);
    const [a, b] = people;
    const results = await bulkUpdateUsers(actor, { action: "delete", user_ids: [a.id, "no-such-user", b.id, owner.id] }, META);
    expect(results).toEqual([
      { id: a.id, ok: true },
      { id: "no-such-user", ok: false, code: 404, message: "User not found" },
      { id: b.id, ok: true },
      { id: owner.id, ok: false, code: 403, message: "You can't delete yourself" },
    ]);
    expect(await userRow(a.id)).toBeUndefined();
    expect(await userRow(b.id)).toBeUndefined();
  });

  it("refuses someone who may not manage users, changing nobody", async () => {
    const member = await startSession(await createUser(accountId, { email: "member@bulk.example", role: "user" }));
    await expect(bulkUpdateUsers(member, { action: "block", user_ids: [people[3].id] }, META)).rejects.toBeInstanceOf(Forbidden);
    expect((await userRow(people[3].id))?.isBlocked).toBe(false);
  });
});
