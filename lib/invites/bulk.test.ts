/**
 * Bulk delete / regenerate of pending invites: each invite goes through the
 * single action's service function, so another account's or an unknown id is
 * that row's 404 while the others change; regenerating gives new links and
 * the old ones stop working, valid for the chosen expiry; more than 100 ids
 * are refused as a whole.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { Forbidden, Invalid } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { lookupInvite } from "./acceptance";
import { bulkInvitesSchema, bulkUpdateInvites, MAX_BULK_INVITES } from "./bulk";
import { createInvite, listInvites } from "./invites";
import { createInviteSchema } from "./schemas";

let owner: SessionActor;
let stranger: SessionActor;
let ip = 0;
const fromNewAddress = () => ({ ...META, ip: `198.51.100.${++ip}` });

beforeAll(async () => {
  owner = await startSession(await createUser(await createAccount(), { role: "owner", email: "owner@invbulk.example" }));
  stranger = await startSession(await createUser(await createAccount(), { role: "owner", email: "owner2@invbulk.example" }));
});

/** The request body as the API and the dashboard parse it. */
const bulk = (body: Record<string, unknown>) => parseOrThrow(bulkInvitesSchema, body);

async function invite(actor: SessionActor, name: string) {
  return createInvite(actor, parseOrThrow(createInviteSchema, { name, role: "user" }), META);
}

describe("bulk invite actions", () => {
  it("deletes its own invites and answers 404 for another account's and an unknown id", async () => {
    const mine = [await invite(owner, "Ada"), await invite(owner, "Bo")];
    const theirs = await invite(stranger, "Cy");
    const unknown = crypto.randomUUID();
    const results = await bulkUpdateInvites(owner, bulk({ action: "delete", invite_ids: [mine[0].invite.id, theirs.invite.id, mine[1].invite.id, unknown] }), META);
    expect(results.map((r) => [r.id, r.ok, r.ok ? undefined : r.code])).toEqual([
      [mine[0].invite.id, true, undefined],
      [theirs.invite.id, false, 404],
      [mine[1].invite.id, true, undefined],
      [unknown, false, 404],
    ]);
    const left = (await listInvites(owner)).items.map((i) => i.id);
    expect(left).not.toContain(mine[0].invite.id);
    expect(left).not.toContain(mine[1].invite.id);
    // The other account's invite is untouched.
    expect((await listInvites(stranger)).items.map((i) => i.id)).toContain(theirs.invite.id);
    await expect(lookupInvite(mine[0].token, fromNewAddress())).rejects.toThrow();
  });

  it("regenerates: a new link per invite, the old links stop working", async () => {
    const issued = [await invite(owner, "Dee"), await invite(owner, "Eve")];
    const results = await bulkUpdateInvites(owner, bulk({ action: "regenerate", invite_ids: issued.map((i) => i.invite.id) }), META);
    expect(results.every((r) => r.ok)).toBe(true);
    for (const [n, r] of results.entries()) {
      if (!r.ok) throw new Error("expected ok");
      expect(r.token).toBeTruthy();
      expect(r.token).not.toBe(issued[n].token);
      expect((await lookupInvite(r.token!, fromNewAddress())).id).toBe(issued[n].invite.id);
      await expect(lookupInvite(issued[n].token, fromNewAddress())).rejects.toThrow();
    }
  });

  it("regenerates with the chosen expiry, the single regenerate's expires_in (seconds, 1 hour to 365 days, 72 hours by default)", async () => {
    const [week, plain] = [await invite(owner, "Fay"), await invite(owner, "Gus")];
    const before = Date.now();
    const [chosen] = await bulkUpdateInvites(owner, bulk({ action: "regenerate", invite_ids: [week.invite.id], expires_in: 7 * 86400 }), META);
    const [standard] = await bulkUpdateInvites(owner, bulk({ action: "regenerate", invite_ids: [plain.invite.id] }), META);
    const inDays = (r: typeof chosen) => (r.ok && r.expiresAt ? (r.expiresAt.getTime() - before) / 86400_000 : Number.NaN);
    expect(inDays(chosen)).toBeCloseTo(7, 2);
    expect(inDays(standard)).toBeCloseTo(3, 2);
    for (const expires_in of [60, 366 * 86400, 1.5, "7"]) {
      expect(() => bulk({ action: "regenerate", invite_ids: [plain.invite.id], expires_in }), String(expires_in)).toThrow(Invalid);
    }
  });

  it("refuses more than 100 ids, and a caller without the permission as a whole", async () => {
    const ids = Array.from({ length: MAX_BULK_INVITES + 1 }, () => crypto.randomUUID());
    expect(() => parseOrThrow(bulkInvitesSchema, { action: "delete", invite_ids: ids })).toThrow(Invalid);
    expect(() => parseOrThrow(bulkInvitesSchema, { action: "explode", invite_ids: ["x"] })).toThrow(Invalid);
    const user = await startSession(await createUser(owner.accountId, { role: "user", email: "user@invbulk.example" }));
    await expect(bulkUpdateInvites(user, bulk({ action: "delete", invite_ids: [crypto.randomUUID()] }), META)).rejects.toThrow(Forbidden);
  });
});
