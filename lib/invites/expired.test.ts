/**
 * Invites long expired (lib/invites/expired.ts): the maintenance pass removes an invite 30 days after its link
 * expired — the invitee's sealed email and name with it — on record as a withdrawal by Maintenance; the link then
 * still reads "expired". Links retired a year ago are forgotten (no link lives longer).
 */
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { invites, retiredInviteTokens } from "@/lib/db/schema";
import { runMaintenance } from "@/lib/jobs";
import { createAccount, createUser, eventsOf, META, startSession } from "@/test/factories";
import { InviteUnusable, lookupInvite } from "./acceptance";
import { EXPIRED_INVITE_KEEP_DAYS, expiredInviteRemovedAt } from "./records";
import { createInvite, deleteInvite } from "./invites";
import { createInviteSchema } from "./schemas";

const DAY = 86_400_000;
let accountId: string;

beforeAll(async () => {
  accountId = await createAccount();
});

/** An invite whose link expired `days` days ago (created with an hour's link, then moved back in time). */
async function expiredFor(days: number, email: string) {
  const owner = await startSession(await createUser(accountId, { role: "owner" }));
  const issued = await createInvite(owner, createInviteSchema.parse({ email, name: "Ex Pired", role: "user", expires_in: 3_600 }), META);
  await writeSystem((tx) => tx.update(invites).set({ expiresAt: new Date(Date.now() - days * DAY) }).where(eq(invites.id, issued.invite.id)));
  return issued;
}

const stillThere = async (id: string) => (await db().select().from(invites).where(eq(invites.id, id))).length === 1;

describe("an invite long expired", () => {
  it("is removed 30 days after its link expired, on record; its link still reads expired; a newer one stays", async () => {
    expect(EXPIRED_INVITE_KEEP_DAYS).toBe(30);
    const old = await expiredFor(EXPIRED_INVITE_KEEP_DAYS + 1, "long.gone@example.net");
    const recent = await expiredFor(EXPIRED_INVITE_KEEP_DAYS - 1, "lately.gone@example.net");
    expect(expiredInviteRemovedAt(recent.invite.expiresAt).getTime() - recent.invite.expiresAt.getTime()).toBe(30 * DAY);

    const { failed, expiredInvitesRemoved } = await runMaintenance();
    expect(failed).toEqual([]);
    expect(expiredInvitesRemoved).toBeGreaterThanOrEqual(1);
    expect(await stillThere(old.invite.id)).toBe(false);
    expect(await stillThere(recent.invite.id), "expired 29 days ago: still listed, to renew").toBe(true);

    const [removal] = (await eventsOf(accountId, "invite.deleted")).filter((e) => e.targetId === old.invite.id);
    expect(removal).toMatchObject({ actorType: "system", actorId: null, details: { reason: "expired" } });
    const refused = await lookupInvite(old.token, META).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(InviteUnusable);
    expect(refused).toMatchObject({ reason: "expired", status: 410 });
  });

  it("a retired link is remembered a year, then forgotten (reads as any unknown link)", async () => {
    const owner = await startSession(await createUser(accountId, { role: "owner" }));
    const withdrawn = await createInvite(owner, createInviteSchema.parse({ email: "with.drawn@example.net", name: "W", role: "user" }), META);
    await deleteInvite(owner, withdrawn.invite.id, META);
    await expect(lookupInvite(withdrawn.token, META)).rejects.toMatchObject({ reason: "revoked" });

    await runMaintenance(new Date(Date.now() + 364 * DAY));
    await expect(lookupInvite(withdrawn.token, META)).rejects.toMatchObject({ reason: "revoked" });
    await runMaintenance(new Date(Date.now() + 366 * DAY));
    await expect(lookupInvite(withdrawn.token, META)).rejects.toMatchObject({ reason: "unknown" });
    expect(await db().select().from(retiredInviteTokens).where(and(eq(retiredInviteTokens.accountId, accountId), eq(retiredInviteTokens.reason, "revoked")))).toEqual([]);
  });
});
