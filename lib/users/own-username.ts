/**
 * A person changing their own username (Profile), when the owner allows it
 * (Settings → Sign-in, "People may change their own username"). Admins and
 * the owner change anyone's through updateUser (users:update).
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { assertMayWrite, can } from "@/lib/auth/policy";
import { write } from "@/lib/data/unit-of-work";
import { db, type Db, type Tx } from "@/lib/db/database";
import { signInSettings, users } from "@/lib/db/schema";
import { Conflict, Forbidden } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { ownUsernameChangeLimit } from "@/lib/security/limits";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { z } from "zod";
import { loadUser } from "./lifecycle";
import { sealUsername, userLabel, type UserRecord } from "./records";
import { countHeldAfterMove, moveUsername } from "./retired-usernames";
import { indexUser } from "./search-source";
import { assertSettableUsername, assertUsernameAvailable } from "./username";
import { OWN_USERNAME_HOLD_LIMIT_REACHED, OWN_USERNAMES_HELD_MAX, usernameShapeSchema } from "./username-rule";

/** One's own username sent back unchanged is fine whatever rules came since; a new one meets them all (below). */
export const ownUsernameSchema = z.object({ username: usernameShapeSchema });

export const OWN_USERNAME_NOT_ALLOWED =
  "Changing your own username is turned off here (the owner can allow it under Settings → Identity providers → Usernames); ask an admin to change it";

/** Whether people of the account may change their own username (the owner's switch). */
export async function usersMayChangeUsername(q: Db | Tx, accountId: string): Promise<boolean> {
  const [row] = await q.select({ allowed: signInSettings.usersMayChangeUsername }).from(signInSettings).where(eq(signInSettings.accountId, accountId)).limit(1);
  return row?.allowed ?? false;
}

/** Whether this person may change their own username now (managers always may: users:update). */
export async function mayChangeOwnUsername(q: Db | Tx, actor: Actor): Promise<boolean> {
  return can(actor, "users:update") || (await usersMayChangeUsername(q, actor.accountId));
}

/** For the Profile page: whether to offer the field (the change checks again). */
export async function canChangeOwnUsername(actor: Actor): Promise<boolean> {
  if (actor.kind === "token") return false;
  return mayChangeOwnUsername(db(), actor);
}

export async function changeOwnUsername(actor: Actor, rawInput: unknown, meta: RequestMeta): Promise<UserRecord> {
  assertMayWrite(actor);
  const { username } = parseOrThrow(ownUsernameSchema, rawInput);
  // Each try of a new name says whether it is free: bounded per person (one's own name sent back costs nothing).
  if ((await loadUser(db(), actor.accountId, actor.userId)).username !== username) {
    await consumeRateLimit(ownUsernameChangeLimit(), `${actor.accountId}:${actor.userId}`);
  }
  return write(actor, async (tx, me) => {
    if (!(await mayChangeOwnUsername(tx, me))) throw new Forbidden(OWN_USERNAME_NOT_ALLOWED);
    const before = await loadUser(tx, me.accountId, me.userId);
    if (before.username === username) return before;
    assertSettableUsername(username);
    if (!can(me, "users:update") && (await countHeldAfterMove(tx, me.accountId, me.userId, before.username, username)) > OWN_USERNAMES_HELD_MAX) {
      throw new Conflict(OWN_USERNAME_HOLD_LIMIT_REACHED, { username: [OWN_USERNAME_HOLD_LIMIT_REACHED] });
    }
    await assertUsernameAvailable(tx, me.accountId, username, me.userId);
    await tx.update(users).set(sealUsername(me.userId, username)).where(and(eq(users.accountId, me.accountId), eq(users.id, me.userId)));
    await moveUsername(tx, me.accountId, me.userId, before.username, username);
    await indexUser(tx, { accountId: me.accountId, id: me.userId, name: before.name, email: before.email, username });
    await recordEvent(tx, {
      accountId: me.accountId,
      action: "user.updated",
      actor: me,
      target: { type: "user", id: me.userId, label: userLabel(before) },
      details: { changed: ["username"], self_service: true },
      privateDetails: { username: { from: before.username, to: username } },
      meta,
    });
    return loadUser(tx, me.accountId, me.userId);
  });
}
