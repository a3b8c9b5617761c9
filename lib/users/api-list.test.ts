/** GET /api/users's body (./api-list.ts): a kept page's encoded body is reused only while it is still what shaping the page gives. */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { signInLockouts, users } from "@/lib/db/schema";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { usersListResponse } from "./api-list";
import { setUserBlocked } from "./lifecycle";

type ApiUser = { id: string; is_current: boolean; is_blocked: boolean; is_locked: boolean; locked_until: string | null };

describe("GET /api/users's body", () => {
  it("answers a repeated request alike, and follows commits, the caller and the end of a sign-in lock", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { email: "owner@body.example", name: "Body Owner", role: "owner" });
    const admin = await createUser(accountId, { email: "admin@body.example", name: "Body Admin", role: "admin" });
    const member = await createUser(accountId, { email: "member@body.example", name: "Body Member", role: "user" });
    const ownerActor = await startSession(owner);
    const adminActor = await startSession(admin);
    const read = async (actor = ownerActor) => {
      const res = await usersListResponse(actor, new URL("http://latchkey.test/api/users?limit=25"));
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(res.headers.get("x-total-count")).toBe("3");
      return (await res.json()) as ApiUser[];
    };
    const byId = (list: ApiUser[], id: string) => list.find((u) => u.id === id)!;

    const first = await read();
    expect(await read()).toEqual(first);
    expect(byId(first, owner.id).is_current).toBe(true);
    // Another caller of the same page gets their own is_current.
    const seenByAdmin = await read(adminActor);
    expect(byId(seenByAdmin, admin.id).is_current).toBe(true);
    expect(byId(seenByAdmin, owner.id).is_current).toBe(false);
    expect(byId(await read(), owner.id).is_current).toBe(true);

    // A commit shows at once.
    await setUserBlocked(ownerActor, member.id, true, META);
    expect(byId(await read(), member.id).is_blocked).toBe(true);

    // A sign-in lock ending soon: locked now, and unlocked once it has ended, with nothing committed in between.
    const [row] = await db().select({ emailIndex: users.emailIndex }).from(users).where(eq(users.id, member.id));
    const lockedUntil = new Date(Date.now() + 1_500);
    await writeSystem(async (tx) => {
      await tx.insert(signInLockouts).values({ accountId, emailIndex: row.emailIndex!, windowStartedAt: new Date(), failures: 10, lockedUntil });
    });
    const locked = byId(await read(), member.id);
    expect(locked.is_locked).toBe(true);
    expect(locked.locked_until).toBe(lockedUntil.toISOString());
    expect(byId(await read(), member.id).is_locked).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, lockedUntil.getTime() - Date.now() + 50));
    const ended = byId(await read(), member.id);
    expect(ended.is_locked).toBe(false);
    expect(ended.locked_until).toBeNull();
  });
});
