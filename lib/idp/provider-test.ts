/**
 * "Test connection" on an identity provider (the dashboard's button, POST /api/identity-providers/{id}/test,
 * and the save check on the owner's only way in, ./owner-connection.ts): discovery (./discovery.ts), then,
 * when there is a secret to send, whether the provider accepts the client ID and secret (./client-check.ts).
 * A wrong issuer fails at the issuer, refused credentials at the secret; credentials that couldn't be checked
 * are a note, not a failure.
 *
 * A stored secret is only sent to the issuer, and with the client ID, it was entered for (as a save keeps it:
 * ./providers.ts assertSecretFollowsEndpoint); with another, nothing is checked until the secret is typed.
 */
import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/policy";
import { write } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import type { MessageRef } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { publicUrlOf } from "@/lib/instance/public-url";
import { redirectUrl } from "./callback-url";
import { checkClientCredentials, type ClientCheck } from "./client-check";
import { fetchDiscovery, type DiscoveryResult } from "./discovery";
import { findProviderRow, openProviderSecret } from "./records";
import { providerTestSchema, type ProviderTestInput } from "./schemas";

type Found = DiscoveryResult & { ok: true };

export type ProviderTestResult =
  /** client: null when no secret was there to check. */
  | { ok: true; discovery: Found; client: ClientCheck | null }
  | { ok: false; field: "issuer"; message: string; ref: MessageRef; discovery: DiscoveryResult & { ok: false }; client: null }
  | { ok: false; field: "client_secret"; message: string; ref: MessageRef; discovery: Found; client: ClientCheck };

export type ProviderConnection = { issuer: string; clientId: string | null; clientSecret: string | null; allowInternal: boolean };

/** The test itself, for settings already checked and a secret already chosen (`providerId`: for the redirect URL it sends). */
export async function probeProvider(accountId: string, providerId: string | null, c: ProviderConnection): Promise<ProviderTestResult> {
  const policy = { allowInternal: c.allowInternal };
  const discovery = await fetchDiscovery(c.issuer, policy);
  if (!discovery.ok) return { ok: false, field: "issuer", message: discovery.message, ref: discovery.ref, discovery, client: null };
  if (!c.clientId || !c.clientSecret) return { ok: true, discovery, client: null };
  const publicUrl = providerId ? await publicUrlOf(db(), accountId) : null;
  const redirectUri = publicUrl && providerId ? redirectUrl(publicUrl, providerId) : null;
  const client = await checkClientCredentials(discovery, { clientId: c.clientId, clientSecret: c.clientSecret }, { policy, redirectUri });
  if (client.outcome === "rejected") return { ok: false, field: "client_secret", message: client.message, ref: client.ref, discovery, client };
  return { ok: true, discovery, client };
}

/**
 * Tests what the form holds (`providerId`: the provider being edited, or the id a new one will get; null when
 * there is none). Only those who manage sign-in may, checked as they are now before a stored secret is opened.
 */
export async function testProviderConnection(actor: Actor, providerId: string | null, raw: ProviderTestInput): Promise<ProviderTestResult> {
  assertCan(actor, "settings:sign_in", "Only the owner can test identity providers");
  const input = parseOrThrow(providerTestSchema, raw);
  const clientSecret = await write(actor, async (tx, me) => {
    assertCan(me, "settings:sign_in", "Only the owner can test identity providers");
    if (input.client_secret) return input.client_secret;
    const saved = providerId ? await findProviderRow(tx, me.accountId, providerId) : undefined;
    return saved && saved.issuer === input.issuer && saved.clientId === input.client_id ? openProviderSecret(saved) : null;
  });
  return probeProvider(actor.accountId, providerId, { issuer: input.issuer, clientId: input.client_id ?? null, clientSecret, allowInternal: input.allow_internal_addresses });
}

/**
 * Test connection on a provider as it is saved (its stored secret, sent only where it was saved for): for the page
 * of a provider just added, which says what the owner would otherwise hear from the people who can't sign in.
 */
export function testSavedProvider(actor: Actor, provider: { id: string; issuer: string; clientId: string; allowInternalAddresses: boolean }): Promise<ProviderTestResult> {
  return testProviderConnection(actor, provider.id, { issuer: provider.issuer, client_id: provider.clientId, allow_internal_addresses: provider.allowInternalAddresses });
}
