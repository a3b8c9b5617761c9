/**
 * First-run setup: creates the instance's account and its owner, once. The
 * check and the insert run in one immediate transaction, so concurrent
 * requests create exactly one owner.
 */
import "server-only";
import crypto from "node:crypto";
import { z } from "zod";
import { recordEvent } from "@/lib/audit/record";
import type { RequestMeta } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/crypto/passwords";
import { writeSystem } from "@/lib/data/unit-of-work";
import { accounts, users } from "@/lib/db/schema";
import { PreconditionFailed } from "@/lib/errors";
import { assertPasswordAllowed, newPasswordSchema } from "@/lib/passwords/policy";
import { setupLimit } from "@/lib/security/limits";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { addressLimitKey } from "@/lib/security/address-key";
import { mintAccessToken } from "@/lib/tokens/access-tokens";
import { emailSchema, nameSchema } from "@/lib/users/fields";
import { sealEmail, sealName, sealUsername } from "@/lib/users/records";
import { sanitiseUsername, usernameBaseFor } from "@/lib/users/username";
import { usernameSchema } from "@/lib/users/username-rule";
import { indexUser } from "@/lib/users/search-source";
import { countUserAdded } from "@/lib/users/user-counts";
import { isSetupRequired } from "@/lib/instance/account";

export const setupInputSchema = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  name: nameSchema.nullish().transform((v) => v ?? ""),
  // usernames: the owner's username; left out (or blank), the email's local part.
  username: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), usernameSchema.nullish()),
  create_pat: z.boolean({ error: "create_pat must be true or false" }).default(false),
  pat_expire_in: z
    .number({ error: "pat_expire_in must be a number of days" })
    .int("pat_expire_in must be a whole number of days")
    .min(1, "pat_expire_in must be between 1 and 365 days")
    .max(365, "pat_expire_in must be between 1 and 365 days")
    .default(1),
});
export type SetupInput = z.output<typeof setupInputSchema>;

export type SetupResult = { user_id: string; email: string; account_id: string; personal_access_token?: string };

const ALREADY_DONE = "Setup has already been completed. Sign in instead.";

export async function assertSetupRequired(): Promise<void> {
  if (!(await isSetupRequired())) throw new PreconditionFailed(ALREADY_DONE);
}

export async function completeSetup(input: SetupInput, meta: RequestMeta): Promise<SetupResult> {
  // Cheap refusal before spending a password hash; the transaction below is the real guard.
  await assertSetupRequired();
  await consumeRateLimit(setupLimit(), addressLimitKey(meta.ip));
  await assertPasswordAllowed(input.password, input, "password");
  const passwordHash = await hashPassword(input.password);
  return writeSystem(async (tx) => {
    const [existing] = await tx.select({ id: accounts.id }).from(accounts).limit(1);
    if (existing) throw new PreconditionFailed(ALREADY_DONE);
    const accountId = crypto.randomUUID();
    const userId = crypto.randomUUID();
    // The first person of a new account: any username is free.
    const username = input.username ?? sanitiseUsername(usernameBaseFor({ email: input.email, name: input.name }));
    await tx.insert(accounts).values({ id: accountId });
    await tx
      .insert(users)
      .values({
        id: userId,
        accountId,
        // The owner may create anyone with any address: theirs is vouched for as an admin's would be.
        ...sealEmail(userId, input.email, new Date()),
        ...sealName(userId, input.name),
        ...sealUsername(userId, username),
        role: "owner",
        passwordHash,
        // The language the owner set the instance up in is the instance's, for mail (lib/mail/language.ts).
        locale: meta.locale ?? null,
      });
    await indexUser(tx, { accountId, id: userId, name: input.name, email: input.email, username });
    await countUserAdded(tx, accountId, false);
    const label = input.name || input.email;
    const owner = { type: "user" as const, id: userId, label };
    await recordEvent(tx, { accountId, action: "setup.completed", actor: owner, target: { type: "account", id: accountId }, meta });
    const result: SetupResult = { user_id: userId, email: input.email, account_id: accountId };
    if (input.create_pat) {
      const token = await mintAccessToken(tx, {
        accountId,
        userId,
        name: "setup",
        expiresInDays: input.pat_expire_in,
        createdBy: userId,
      });
      await recordEvent(tx, {
        accountId,
        action: "token.created",
        actor: owner,
        target: { type: "token", id: token.row.id, label: token.row.name },
        meta,
      });
      result.personal_access_token = token.plain;
    }
    return result;
  });
}
