/**
 * The bounds on a person changing their own username (Profile, PUT /api/users/current), on both dialects:
 * each change holds the old name back for USERNAME_HOLD_DAYS (./retired-usernames.ts), so a member renaming
 * themselves through names could keep any number of them from everyone; and each try says whether a name is
 * taken, so tries are limited per person. An admin's rename of anyone is bound by neither.
 */
import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { writeSystem } from "@/lib/data/unit-of-work";
import { retiredUsernames } from "@/lib/db/schema";
import { Conflict, RateLimited } from "@/lib/errors";
import { setUsernameChangeAllowed } from "@/lib/idp/sign-in-settings";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { updateUser } from "./lifecycle";
import { changeOwnUsername } from "./own-username";
import { USERNAME_HOLD_DAYS } from "./retired-usernames";
import { OWN_USERNAME_HOLD_LIMIT_REACHED, OWN_USERNAMES_HELD_MAX } from "./username-rule";

const DAY = 86_400_000;
let accountId: string;
let owner: SessionActor;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner", name: "Olive Owner", username: "olive" }));
  await setUsernameChangeAllowed(owner, true, META);
});
beforeEach(() => resetRateLimits());

const rename = (actor: SessionActor, username: string) => changeOwnUsername(actor, { username }, META);

async function refusal(attempt: Promise<unknown>): Promise<unknown> {
  return attempt.then(
    () => null,
    (e: unknown) => e,
  );
}

describe("the names one's own changes hold back", () => {
  it(`are at most ${OWN_USERNAMES_HELD_MAX}: the next change is refused, saying why, until one is taken back or ages out`, async () => {
    const member = await startSession(await createUser(accountId, { name: "Sam Squatter", username: "sam" }));
    for (const next of ["sam.a", "sam.b", "sam.c"]) await rename(member, next);
    // sam, sam.a and sam.b are held for Sam now.
    const err = await refusal(rename(member, "admin.desk"));
    expect(err).toBeInstanceOf(Conflict);
    expect((err as Conflict).message).toBe(OWN_USERNAME_HOLD_LIMIT_REACHED);
    expect((err as Conflict).fieldErrors).toEqual({ username: [OWN_USERNAME_HOLD_LIMIT_REACHED] });
    expect(OWN_USERNAME_HOLD_LIMIT_REACHED).toContain(`${USERNAME_HOLD_DAYS} days`);

    // Taking an earlier name back is always possible (it stops being held; sam.c starts to be).
    expect((await rename(member, "SAM")).username).toBe("SAM");
    // Once the oldest holds age out, a new name is possible again.
    await writeSystem((tx) =>
      tx
        .update(retiredUsernames)
        .set({ retiredAt: new Date(Date.now() - (USERNAME_HOLD_DAYS + 1) * DAY) })
        .where(eq(retiredUsernames.formerUserId, member.userId)),
    );
    expect((await rename(member, "sam.d")).username).toBe("sam.d");
  });

  it("don't bind an admin renaming themselves or someone else", async () => {
    const admin = await startSession(await createUser(accountId, { role: "admin", name: "Ada Admin", username: "ada" }));
    for (const next of ["ada.a", "ada.b", "ada.c", "ada.d", "ada.e"]) await rename(admin, next);
    const member = await startSession(await createUser(accountId, { name: "Pat", username: "pat" }));
    for (const next of ["pat.a", "pat.b", "pat.c", "pat.d"]) await updateUser(owner, member.userId, { username: next }, META);
    expect((await rename(admin, "ada.f")).username).toBe("ada.f");
  });
});

describe("tries of a new name", () => {
  it("are limited per person (each says whether a name is taken); one's own name sent back costs nothing", async () => {
    const prober = await startSession(await createUser(accountId, { name: "Pia Prober", username: "pia" }));
    const other = await startSession(await createUser(accountId, { name: "Quinn", username: "quinn" }));
    for (let i = 0; i < 12; i += 1) await rename(prober, "pia");
    let refused: unknown = null;
    for (let i = 0; i < 11 && !refused; i += 1) {
      const err = await refusal(rename(prober, i % 2 ? "olive" : "ada"));
      if (!(err instanceof Conflict)) refused = err;
    }
    expect(refused).toBeInstanceOf(RateLimited);
    expect((refused as RateLimited).message).toMatch(/^Too many attempts\. Try again in \d+ minutes?\.$/);
    // Someone else's tries are their own.
    expect((await rename(other, "quinn.b")).username).toBe("quinn.b");
  });
});

describe("an attacker's reread (review 33)", () => {
  const heldFor = async (userId: string) =>
    (await writeSystem((tx) => tx.select().from(retiredUsernames).where(eq(retiredUsernames.formerUserId, userId)))).length;

  it(`a change of case alone holds nothing, so it is not refused at ${OWN_USERNAMES_HELD_MAX} held names`, async () => {
    const member = await startSession(await createUser(accountId, { name: "Cora Case", username: "cora" }));
    for (const next of ["cora.a", "cora.b", "cora.c"]) await rename(member, next);
    expect(await heldFor(member.userId)).toBe(OWN_USERNAMES_HELD_MAX);
    // cora.c → Cora.C: the same name (one blind index), nothing more held after it.
    expect((await rename(member, "Cora.C")).username).toBe("Cora.C");
    expect(await heldFor(member.userId)).toBe(OWN_USERNAMES_HELD_MAX);
    // A new name is still refused.
    expect(await refusal(rename(member, "cora.d"))).toBeInstanceOf(Conflict);
  });

  it(`renames to six new names at once, ${OWN_USERNAMES_HELD_MAX - 1} names held: one goes through, at most ${OWN_USERNAMES_HELD_MAX} held after`, async () => {
    const member = await startSession(await createUser(accountId, { name: "Rhea Rush", username: "rhea" }));
    for (const next of ["rhea.a", "rhea.b"]) await rename(member, next);
    const outcomes = await Promise.all(["r1", "r2", "r3", "r4", "r5", "r6"].map((n) => refusal(rename(member, `rhea.${n}`))));
    expect(outcomes.filter((o) => o === null)).toHaveLength(1);
    for (const o of outcomes) if (o !== null) expect(o).toBeInstanceOf(Conflict);
    expect(await heldFor(member.userId)).toBe(OWN_USERNAMES_HELD_MAX);
  });

  it("a held name's Unicode or case variant is that name: taken back, never a fourth hold", async () => {
    const member = await startSession(await createUser(accountId, { name: "Una Unicode", username: "una" }));
    for (const next of ["una.a", "una.b", "una.c"]) await rename(member, next);
    // Full-width letters fold (NFKC) to "una.a", which is held for Una: taking it back is allowed and holds no more.
    expect((await rename(member, "ＵＮＡ.a")).username).toBeTruthy();
    expect(await heldFor(member.userId)).toBe(OWN_USERNAMES_HELD_MAX);
  });
});
