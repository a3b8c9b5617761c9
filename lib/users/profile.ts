/**
 * Self-service on Profile: changing one's own name. Everyone may, whatever
 * their role (an auditor's name is theirs too), except through a read-only
 * access token; the name is sealed and re-indexed for search as when an
 * admin changes it, and recorded the same way ("user.updated").
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import type { Locale } from "@/i18n/locales";
import { recordEvent } from "@/lib/audit/record";
import { assertSelf } from "@/lib/auth/policy";
import { write } from "@/lib/data/unit-of-work";
import { users } from "@/lib/db/schema";
import { requiredNameSchema } from "./fields";
import { loadUser } from "./lifecycle";
import { sealName, userLabel, type UserRecord } from "./records";
import { indexUser } from "./search-source";

export const ownNameSchema = z.object({ name: requiredNameSchema });
export type OwnNameInput = z.output<typeof ownNameSchema>;

export async function updateOwnName(actor: Actor, input: OwnNameInput, meta: RequestMeta): Promise<UserRecord> {
  assertSelf(actor, actor.userId, "Only you can change your name here");
  return write(actor, async (tx, me) => {
    const before = await loadUser(tx, me.accountId, me.userId);
    if (input.name === before.name) return before;
    await tx.update(users).set(sealName(me.userId, input.name)).where(and(eq(users.accountId, me.accountId), eq(users.id, me.userId)));
    await indexUser(tx, { accountId: me.accountId, id: me.userId, name: input.name, email: before.email, username: before.username });
    await recordEvent(tx, {
      accountId: me.accountId,
      action: "user.updated",
      actor: me,
      target: { type: "user", id: me.userId, label: userLabel(before) },
      details: { changed: ["name"], self_service: true },
      privateDetails: { name: { from: before.name, to: input.name } },
      meta,
    });
    return loadUser(tx, me.accountId, me.userId);
  });
}

/**
 * The language the person reads (their choice in the avatar menu or on
 * Profile), kept for the mail they get; null ("automatic") leaves it to the
 * instance's. A display preference like the theme, not account data: no
 * activity event, and no write when it is already so.
 */
export async function setOwnLocale(actor: Actor, locale: Locale | null): Promise<void> {
  assertSelf(actor, actor.userId, "Only you can choose your language");
  await write(actor, async (tx, me) => {
    const [row] = await tx.select({ locale: users.locale }).from(users).where(and(eq(users.accountId, me.accountId), eq(users.id, me.userId))).limit(1);
    if (!row || row.locale === locale) return;
    await tx.update(users).set({ locale }).where(and(eq(users.accountId, me.accountId), eq(users.id, me.userId)));
  });
}
