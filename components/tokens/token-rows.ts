/** A user's tokens for the tokens table, with the creator's name and standing (lib/tokens/creators.ts). */
import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { withCreators } from "@/lib/tokens/creators";
import { listAccessTokens } from "@/lib/tokens/queries";
import type { TokenRow } from "./tokens-table";

export async function tokenRowsFor(actor: Actor, userId: string): Promise<TokenRow[]> {
  const tokens = await withCreators(actor.accountId, await listAccessTokens(actor, userId));
  return tokens.map((token) => ({ ...token, createdByLabel: creatorLabel(token.creator) }));
}

export function creatorLabel(creator: { name: string | null; status: "active" | "blocked" | "deleted" }): string {
  const name = creator.name ?? "Unknown user";
  if (creator.status === "deleted") return `${name} (deleted)`;
  if (creator.status === "blocked") return `${name} (blocked)`;
  return name;
}
