/** A user's tokens for the tokens table, with the creator's name and standing (lib/tokens/creators.ts). */
import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { permissionsOfActor } from "@/lib/auth/policy";
import { getUserRoles, permissionCatalogue } from "@/lib/roles/queries";
import type { TokenScopeChoice } from "./create-token-dialog";
import { withCreators } from "@/lib/tokens/creators";
import { listAccessTokens } from "@/lib/tokens/queries";
import type { TokenRow } from "./tokens-table";

export async function tokenRowsFor(actor: Actor, userId: string): Promise<TokenRow[]> {
  // The creator's name and standing are worded by the table, in the viewer's language.
  return withCreators(actor.accountId, await listAccessTokens(actor, userId));
}

/**
 * What a new token of `owner` may be narrowed to: the owner's effective
 * permissions, of which the viewer may hand on only those they hold (the
 * service refuses the rest: lib/tokens/personal-tokens.ts).
 */
export async function tokenScopeChoice(actor: Actor, ownerId: string): Promise<TokenScopeChoice> {
  const own = ownerId === actor.userId;
  const held = own ? permissionsOfActor(actor) : new Set((await getUserRoles(actor, ownerId)).permissions.map((p) => p.name));
  const mine = permissionsOfActor(actor);
  const permissions = permissionCatalogue().filter((p) => held.has(p.name));
  return { permissions, grantable: permissions.filter((p) => mine.has(p.name)).map((p) => p.name), whose: own ? "your" : "its" };
}
