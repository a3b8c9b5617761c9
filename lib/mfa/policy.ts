/**
 * Who must use two-factor sign-in (Settings → Security): nobody, the owner
 * and admins (whoever holds admin powers, by any role: lib/auth/privileged.ts),
 * everyone, or members of chosen groups, with an optional grace
 * period counted from when the requirement was set. Someone who must and has
 * no factor is sent to set-up right after the password (./second-step.ts),
 * before any session exists: the owner included, so enforcing never locks the
 * instance, it only makes the owner set up a factor on the next sign-in.
 */
import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { literalLimit, perTransaction } from "@/lib/db/prepared";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/policy";
import { userIsPrivileged } from "@/lib/auth/privileged";
import { recordEvent } from "@/lib/audit/record";
import { write } from "@/lib/data/unit-of-work";
import { db, type Db, type Tx } from "@/lib/db/database";
import { groups, MFA_REQUIREMENTS, mfaPolicies, userGroups, type MfaRequirement, type Role } from "@/lib/db/schema";
import { Conflict, Invalid } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { patched, type Patch } from "@/lib/data/patch";
import { numberInput } from "@/lib/http/number-input";
import { LAST_FACTOR_REQUIRED, REQUIRE_FOR_TEXT } from "./policy-texts";
import { hasFactor, mfaSummary } from "./records";

export type SecurityPolicy = { requireFor: MfaRequirement; groupIds: string[]; graceDays: number; enforcedSince: Date | null };

const NOBODY: SecurityPolicy = { requireFor: "nobody", groupIds: [], graceDays: 0, enforcedSince: null };

export const securityPolicySchema = z.object({
  require_for: z.enum(MFA_REQUIREMENTS, { error: REQUIRE_FOR_TEXT }),
  group_ids: z.array(z.string().max(64)).max(500).default([]),
  grace_days: numberInput(z.number({ error: "Enter a number of days" }).int("Enter whole days").min(0, "Can't be negative").max(365, "At most 365 days")).default(0),
});
export type SecurityPolicyInput = z.input<typeof securityPolicySchema>;

/** Every password sign-in reads the policy (lib/mfa/second-step.ts): kept per database or unit-of-work tx. */
const policyRow = perTransaction((q) =>
  q.select().from(mfaPolicies).where(eq(mfaPolicies.accountId, sql.placeholder("accountId"))).limit(literalLimit(1)).prepare(),
);

export async function policyOf(q: Db | Tx, accountId: string): Promise<SecurityPolicy> {
  const [row]: Array<typeof mfaPolicies.$inferSelect> = await policyRow(q).execute({ accountId });
  return row ? { requireFor: row.requireFor, groupIds: row.groupIds, graceDays: row.graceDays, enforcedSince: row.enforcedSince } : NOBODY;
}

export async function securityPolicy(actor: Actor): Promise<SecurityPolicy> {
  assertCan(actor, "settings:read");
  return policyOf(db(), actor.accountId);
}

const MANAGE_DENIED = "Only the owner can change who must use two-factor sign-in";

/**
 * Owner only (settings:security). Changes the fields the patch names (lib/data/patch); the others keep
 * what is stored. The grace period starts again when who is required changes.
 */
export async function updateSecurityPolicy(actor: Actor, patch: Patch<SecurityPolicyInput> | Record<string, unknown>, meta: RequestMeta, now = new Date()): Promise<SecurityPolicy> {
  assertCan(actor, "settings:security", MANAGE_DENIED);
  return write(actor, async (tx, me) => {
    assertCan(me, "settings:security", MANAGE_DENIED);
    const before = await policyOf(tx, me.accountId);
    const parsed = parseOrThrow(securityPolicySchema, patched({ require_for: before.requireFor, group_ids: before.groupIds, grace_days: before.graceDays }, patch));
    const groupIds = parsed.require_for === "groups" ? [...new Set(parsed.group_ids)] : [];
    if (parsed.require_for === "groups" && groupIds.length === 0) {
      throw new Invalid("Choose at least one group", { group_ids: ["Choose at least one group"] });
    }
    if (groupIds.length > 0) {
      const found = await tx.select({ id: groups.id }).from(groups).where(and(eq(groups.accountId, me.accountId), inArray(groups.id, groupIds)));
      if (found.length !== groupIds.length) throw new Invalid("Unknown group", { group_ids: ["One of these groups doesn't exist any more"] });
    }
    const sameTarget = before.requireFor === parsed.require_for && before.groupIds.join() === groupIds.join();
    const enforcedSince = sameTarget && before.enforcedSince ? before.enforcedSince : now;
    const values = { requireFor: parsed.require_for, groupIds, graceDays: parsed.grace_days, enforcedSince };
    await tx.insert(mfaPolicies).values({ accountId: actor.accountId, ...values }).onConflictDoUpdate({ target: mfaPolicies.accountId, set: values });
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "settings.security.updated",
      actor: me,
      details: { require_for: parsed.require_for, group_ids: groupIds, grace_days: parsed.grace_days },
      meta,
      at: now,
    });
    return { ...values };
  });
}

export const GROUP_REQUIRED_FOR_TWO_FACTOR =
  "Settings → Security requires two-factor sign-in for this group's members: the owner must choose other groups there before it can be deleted";

/**
 * Who must use two-factor sign-in is the owner's to decide (settings:security): deleting a group the requirement
 * names would end it for every member at once (review 13), so that waits until the owner chooses other groups.
 */
export async function assertGroupNotRequiredForTwoFactor(tx: Tx, accountId: string, groupId: string): Promise<void> {
  const policy = await policyOf(tx, accountId);
  if (policy.requireFor === "groups" && policy.groupIds.includes(groupId)) throw new Conflict(GROUP_REQUIRED_FOR_TWO_FACTOR);
}

/** Whether the requirement covers this person (grace period aside). */
async function covers(q: Db | Tx, policy: SecurityPolicy, user: { id: string; accountId: string; role: Role }): Promise<boolean> {
  switch (policy.requireFor) {
    case "nobody":
      return false;
    case "everyone":
      return true;
    case "admins":
      // Admin powers by any road (primary role, extra roles, groups' roles, a custom role), not the primary
      // role's name: a member given the admin role through a group is an admin all the same (review 12).
      return userIsPrivileged(q, user);
    case "groups": {
      if (policy.groupIds.length === 0) return false;
      const rows = await q
        .select({ groupId: userGroups.groupId })
        .from(userGroups)
        .where(and(eq(userGroups.accountId, user.accountId), eq(userGroups.userId, user.id), inArray(userGroups.groupId, policy.groupIds)))
        .limit(1);
      return rows.length > 0;
    }
  }
}

/**
 * Whether this person must keep a second factor: the requirement covers them (the grace period aside: it is
 * time to set one up, not leave to drop one). Profile asks it to say why their last factor's Remove is refused.
 */
export async function mustKeepAFactor(q: Db | Tx, user: { id: string; accountId: string; role: Role }): Promise<boolean> {
  return covers(q, await policyOf(q, user.accountId), user);
}

/**
 * Refuses a person's own removal that leaves them no second factor while the requirement covers them (r52:
 * Authentik and Pocket ID refuse too; Keycloak's alternative, a required action at the next sign-in, leaves the
 * live sessions unprotected until then). `left` is what would remain: asked before the proof (nothing typed is
 * spent on a refusal) and again under the write lock after the delete, so two tabs each removing one of two
 * factors can't both pass. An admin's reset (./admin.ts) is the deliberate exception: the person sets up anew at
 * their next sign-in.
 */
export async function assertKeepsRequiredFactor(q: Db | Tx, user: { id: string; accountId: string; role: Role }, left: { totp: boolean; passkeys: number }): Promise<void> {
  if (left.totp || left.passkeys > 0) return;
  if (await mustKeepAFactor(q, user)) throw new Conflict(LAST_FACTOR_REQUIRED);
}

/** Whether the signed-in person must keep a second factor (Profile shows why their last one's Remove is refused). */
export async function ownFactorRequired(actor: Actor): Promise<boolean> {
  return mustKeepAFactor(db(), { id: actor.userId, accountId: actor.accountId, role: actor.role });
}

/** When the grace period ends: counted from when the requirement was set. */
const graceEndOf = (policy: SecurityPolicy) => (policy.enforcedSince?.getTime() ?? 0) + policy.graceDays * 86_400_000;

/** Must this person have a second factor by now (the grace period is over)? */
export async function mustUseTwoFactor(q: Db | Tx, user: { id: string; accountId: string; role: Role }, now: Date): Promise<boolean> {
  const policy = await policyOf(q, user.accountId);
  if (!(await covers(q, policy, user))) return false;
  return now.getTime() >= graceEndOf(policy);
}

/**
 * When the signed-in person must have a second factor, for the dashboard to say on every page until they have one:
 * the grace period's end while it lasts (sign-in doesn't ask yet; review 20: nothing said by when, and the day after
 * it they were sent to set-up at sign-in unwarned), or "now" once it is over or there was none (their next sign-in
 * takes them to set-up; review 21: someone already signed in heard nothing until then). Null when the requirement
 * doesn't cover them or they already have a factor. One read when nobody is required (the common case).
 */
export async function ownTwoFactorDue(actor: Actor, now: Date = new Date()): Promise<Date | "now" | null> {
  const q = db();
  const policy = await policyOf(q, actor.accountId);
  if (!(await covers(q, policy, { id: actor.userId, accountId: actor.accountId, role: actor.role }))) return null;
  if (hasFactor(await mfaSummary(q, actor.userId))) return null;
  const ends = graceEndOf(policy);
  return now.getTime() < ends ? new Date(ends) : "now";
}

export const apiSecurityPolicySchema = z
  .object({
    require_for: z.enum(MFA_REQUIREMENTS),
    group_ids: z.array(z.string()),
    grace_days: z.number().int(),
    enforced_since: z.string().nullable(),
  })
  .meta({ id: "SecurityPolicy" });

export function toApiSecurityPolicy(policy: SecurityPolicy): z.infer<typeof apiSecurityPolicySchema> {
  return {
    require_for: policy.requireFor,
    group_ids: policy.groupIds,
    grace_days: policy.graceDays,
    enforced_since: policy.enforcedSince?.toISOString() ?? null,
  };
}
