/**
 * The sign-in page's "confirm it's you" mode: an app's authorization asks for a fresh sign-in
 * (prompt=login, or a max_age the session is older than: lib/oidc/reauthentication.ts), and the browser
 * still holds a Latchkey session from before it. The interaction (./app-sign-in.ts) sends the browser to
 * /login with the interaction as the way back; the page asks this module whether that interaction wants
 * this session's person to sign in again, which app asks, and how that person signs in.
 *
 * The page decides nothing: the sign-in it leads to is an ordinary one (a new session, with its event,
 * limits and checks), and the interaction checks again that it began after the request did.
 */
import "server-only";
import { findApplicationByClientId } from "@/lib/applications/for-provider";
import type { SessionActor } from "@/lib/auth/actor";
import { db } from "@/lib/db/database";
import { HEADER_IDP_ID, ldapSourceRow } from "@/lib/idp/records";
import { signInOptions } from "@/lib/idp/sign-in-options";
import { liveInteraction } from "@/lib/oidc/interactions";
import { interactionUidOf } from "@/lib/oidc/paths";
import { sessionSignIn } from "@/lib/sessions/sessions";
import { passkeyRowsOf } from "@/lib/mfa/passkey-records";
import { findUserRow, openIdentity } from "@/lib/users/records";
import { publicOrigin } from "@/lib/http/request-meta";
import { browserSession } from "./browser-session";
import { callbackUrlCookie, interactionCallbackPath } from "./interaction-callback";
import { passkeySignInAvailable } from "./passkey-sign-in";
import { freshSignInDue } from "./step-up";

export type ConfirmSignIn = {
  appName: string;
  /** Who is signed in now: their name and the identifier they sign in with (email, else username). */
  person: { name: string; identifier: string };
  /**
   * How this person signs in: the identifier-and-password form (local or directory), passkeys (when they have one),
   * their identity provider. The page shows these and nothing else.
   */
  methods: { form: boolean; passkeys: boolean; providerIds: string[] };
};

/**
 * What the sign-in page shows `actor` (the browser's live session) when `callbackUrl` returns to an
 * interaction whose app asks for a sign-in newer than this session's; null when it doesn't (no such
 * interaction, it ended, or the session already answers it).
 */
export async function confirmSignInFor(actor: SessionActor, callbackUrl: string, now = Date.now()): Promise<ConfirmSignIn | null> {
  const uid = interactionUidOf(callbackUrl);
  if (!uid || actor.mustChangePassword) return null;
  const interaction = await liveInteraction(uid, now);
  if (!interaction) return null;
  const params = (interaction.params ?? {}) as Record<string, unknown>;
  const signIn = await sessionSignIn(actor.accountId, actor.sessionId);
  if (!signIn || !(await freshSignInDue({ params, startedAt: interaction.iat }, signIn, actor.userId, now))) return null;
  const app = typeof params.client_id === "string" ? await findApplicationByClientId(params.client_id) : null;
  const row = await findUserRow(db(), actor.accountId, actor.userId);
  if (!app || app.accountId !== actor.accountId || !row) return null;
  const identity = openIdentity(row);
  return {
    appName: app.name,
    person: { name: identity.name, identifier: identity.email ?? identity.username },
    methods: await methodsOf(row.accountId, row.id, row.idpId, row.passwordHash !== null),
  };
}

/**
 * The user id of the person an app asks to confirm it's them, when a sign-in arrives in a browser on that page: its
 * live Latchkey session is theirs, and the sign-in's way back (`wayBack`, as Auth.js reads it: ./interaction-callback.ts
 * authJsCallbackUrl; Auth.js's callback-url cookie when a provider comes back) is the interaction asking them
 * (confirmSignInFor). Only they may answer it: every sign-in refuses anyone else (lib/sessions/only-person.ts, asked
 * by each of ./nextauth.ts's providers); null when no one is being asked.
 */
export async function personAskedToConfirm(headers: Headers, wayBack = callbackUrlCookie(headers)): Promise<string | null> {
  const callbackUrl = interactionCallbackPath(wayBack, publicOrigin(headers));
  const actor = callbackUrl ? await browserSession(headers) : null;
  return actor && (await confirmSignInFor(actor, callbackUrl!)) ? actor.userId : null;
}

/**
 * The ways the person signs in here, as the sign-in page offers them to everyone (only theirs): a passkey only when
 * they have registered one (the passkey sign-in still checks whose it is when it is used).
 */
async function methodsOf(accountId: string, userId: string, idpId: string | null, hasPassword: boolean): Promise<ConfirmSignIn["methods"]> {
  const options = await signInOptions();
  if (idpId === null) {
    const passkeys = (await passkeySignInAvailable()) && (await passkeyRowsOf(db(), userId)).length > 0;
    return { form: hasPassword && options.localLoginEnabled, passkeys, providerIds: [] };
  }
  // The proxy header's people sign in through the proxy: the page sends them on as it does on any sign-in.
  if (idpId === HEADER_IDP_ID) return { form: false, passkeys: false, providerIds: [] };
  if (options.providers.some((p) => p.id === idpId)) return { form: false, passkeys: false, providerIds: [idpId] };
  const ldap = options.ldapEnabled ? await ldapSourceRow(db(), accountId) : undefined;
  return { form: ldap?.id === idpId, passkeys: false, providerIds: [] };
}
