/** A user's tokens for the tokens table, with the creator's name (or a note that they were deleted). */
import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { listAccessTokens } from "@/lib/tokens/queries";
import { directoryEntries } from "@/lib/users/directory";
import { userLabel } from "@/lib/users/records";
import type { TokenRow } from "./tokens-table";

export function tokenRowsFor(actor: Actor, userId: string): TokenRow[] {
  const users = directoryEntries(actor.accountId);
  return listAccessTokens(actor, userId).map((token) => {
    const creator = users.get(token.createdBy);
    return { ...token, createdByLabel: creator ? userLabel(creator) : "Deleted user" };
  });
}
