/**
 * Revocations an app makes itself are activity, like the person's own
 * "Revoke access" (app.access.withdrawn) and the revocations Latchkey makes
 * (lib/oidc/reactions.ts): "app.tokens.revoked", with the app as the actor
 * (a system party labelled with its name; activity has no "application"
 * party type) and the person whose tokens ended as the target.
 *
 *  - RFC 7009: the app revokes a refresh token (its grant ends with it) or an
 *    access token at /oidc/token/revocation → reason "revoked_by_app";
 *  - RP-initiated logout: the person confirms "Sign out" and the grants of the
 *    apps in that browser session end → reason "signed_out_by_app";
 *  - refresh-token reuse detected at the token endpoint (the chain ends)
 *    → reason "refresh_token_reused".
 *
 * oidc-provider says which grant ended ("grant.revoked"); this collects them
 * on the request and records them after the provider has answered, before the
 * response leaves, so the activity is there when the app's call returns.
 */
import "server-only";
import type Provider from "oidc-provider";
import type { KoaContextWithOIDC } from "oidc-provider";
import { findApplicationByClientId } from "@/lib/applications/for-provider";
import type { RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { findUserRow, openIdentity, userLabel } from "@/lib/users/records";

export type AppRevocation = { clientId: string; userId: string; reason: "revoked_by_app" | "signed_out_by_app" | "refresh_token_reused"; token?: "access_token" | "refresh_token" };

type Collected = { grants: Set<string>; revocations: AppRevocation[] };

const STATE_KEY = "latchkeyAppRevocations";

function collected(ctx: KoaContextWithOIDC): Collected {
  const state = ctx.state as Record<string, Collected | undefined>;
  return (state[STATE_KEY] ??= { grants: new Set(), revocations: [] });
}

/** Who and which app a revoked grant belonged to, from what the provider's request holds. */
function revocationOf(ctx: KoaContextWithOIDC, grantId: string): AppRevocation | null {
  const oidc = ctx.oidc;
  if (!oidc) return null;
  if (oidc.route === "end_session_confirm") {
    const session = oidc.session as unknown as { accountId?: string; authorizations?: Record<string, { grantId?: string }> } | undefined;
    const entry = Object.entries(session?.authorizations ?? {}).find(([, a]) => a.grantId === grantId);
    if (!entry || !session?.accountId) return null;
    return { clientId: entry[0], userId: session.accountId, reason: "signed_out_by_app" };
  }
  if (oidc.route === "token") {
    const token = oidc.entities.RefreshToken as { accountId?: string; clientId?: string } | undefined;
    if (!token?.accountId || !token.clientId) return null;
    return { clientId: token.clientId, userId: token.accountId, reason: "refresh_token_reused" };
  }
  return null;
}

/** The RFC 7009 revocation the app just made, when one ended a token of a person. */
function endpointRevocation(ctx: KoaContextWithOIDC): AppRevocation | null {
  const oidc = ctx.oidc;
  if (oidc?.route !== "revocation" || ctx.status !== 200) return null;
  const refresh = oidc.entities.RefreshToken as { accountId?: string; clientId?: string } | undefined;
  const access = oidc.entities.AccessToken as { accountId?: string; clientId?: string } | undefined;
  const token = refresh ?? access;
  if (!token?.accountId || !token.clientId || token.clientId !== oidc.client?.clientId) return null;
  return { clientId: token.clientId, userId: token.accountId, reason: "revoked_by_app", token: refresh ? "refresh_token" : "access_token" };
}

/** Writes one activity event per app and person. */
export async function recordAppRevocations(revocations: AppRevocation[], meta: RequestMeta): Promise<void> {
  const unique = new Map(revocations.map((r) => [`${r.clientId}\u0000${r.userId}\u0000${r.reason}`, r]));
  for (const revocation of unique.values()) {
    const app = await findApplicationByClientId(revocation.clientId);
    if (!app) continue;
    const person = await findUserRow(db(), app.accountId, revocation.userId);
    if (!person) continue;
    const label = userLabel(openIdentity(person));
    await writeSystem((tx) =>
      recordEvent(tx, {
        accountId: app.accountId,
        action: "app.tokens.revoked",
        actor: { type: "system", id: null, label: app.name },
        target: { type: "user", id: revocation.userId, label },
        details: {
          reason: revocation.reason,
          revoked_by: "application",
          application_id: app.id,
          client_id: app.clientId,
          ...(revocation.token ? { token: revocation.token } : {}),
        },
        meta,
      }),
    );
  }
}

/**
 * Hooks the recording into a provider instance (once per instance). metaOf
 * gives the request's address and user agent as Latchkey records them.
 */
export function withAppRevocationActivity(provider: Provider, metaOf: (ctx: KoaContextWithOIDC) => RequestMeta): void {
  provider.on("grant.revoked", (ctx: KoaContextWithOIDC, grantId: string) => {
    const found = collected(ctx);
    if (found.grants.has(grantId)) return; // end_session announces some grants twice
    found.grants.add(grantId);
    const revocation = revocationOf(ctx, grantId);
    if (revocation) found.revocations.push(revocation);
  });
  provider.use(async (ctx, next) => {
    await next();
    const oidc = ctx as KoaContextWithOIDC;
    const found = (ctx.state as Record<string, Collected | undefined>)[STATE_KEY]?.revocations ?? [];
    const endpoint = endpointRevocation(oidc);
    const all = endpoint ? [endpoint, ...found.filter((r) => r.reason !== "revoked_by_app")] : found;
    if (all.length === 0) return;
    try {
      await recordAppRevocations(all, metaOf(oidc));
    } catch (err) {
      // The revocation itself happened; a failed record must not turn the app's answer into an error.
      console.error("Recording an app's revocation failed:", err);
    }
  });
}
