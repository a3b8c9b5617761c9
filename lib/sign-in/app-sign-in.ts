/**
 * An app asks Latchkey who the person is (the OpenID provider's interaction):
 * one sign-in, one set of rules. The browser's Latchkey session decides:
 *  - none (or it ended): the person signs in on /login with every method it
 *    offers (password, LDAP, external providers, proxy header, two-factor)
 *    and comes back here;
 *  - the app named someone else with id_token_hint (lib/oidc/id-token-hint.ts):
 *    the app is told login_required, nobody is signed in to it;
 *  - a person who may not use the app (blocked, service user, awaiting
 *    approval, outside the app's allowed groups): refused, the app is told
 *    access_denied;
 *  - the app asks for a fresh sign-in (prompt=login, or a max_age the session's
 *    sign-in is older than: lib/oidc/reauthentication.ts; or two factors where the
 *    session has one and a new sign-in would give two: ./step-up.ts) and nobody signed in
 *    since the request began: /login again, where the page asks the signed-in
 *    person to confirm it's them (lib/sign-in/reauthentication.ts);
 *  - the app asks the person to choose the account (prompt=select_account)
 *    and nobody signed in since the request began: "Continue" or "Use
 *    another account";
 *  - the app requires consent and the person hasn't granted these scopes:
 *    the consent page;
 *  - otherwise: finished at once, nothing asked.
 * Every outcome is an activity event (app sign-in, refusal, consent).
 */
import "server-only";
import type { InteractionResults } from "oidc-provider";
import type Provider from "oidc-provider";
import { findApplicationByClientId, mayUseApps, type ProviderApplication } from "@/lib/applications/for-provider";
import type { RequestMeta, SessionActor } from "@/lib/auth/actor";
import { APPLICATION_SIGN_IN } from "@/lib/applications/queries";
import { recordEvent } from "@/lib/audit/record";
import { db } from "@/lib/db/database";
import { grantedScopes } from "@/lib/oidc/grants";
import { authenticationContext } from "@/lib/oidc/authentication-context";
import { accountChoiceDue, type ReauthenticationParams } from "@/lib/oidc/reauthentication";
import { whileSignedIn, writeInRequest } from "@/lib/oidc/request-scope";
import { offeredScopes, personForApp } from "@/lib/oidc/provider";
import { sessionSignIn } from "@/lib/sessions/sessions";
import { findUserRow, signedInLabel } from "@/lib/users/records";
import { freshSignInDue } from "./step-up";

export type AppSignInRequest = {
  provider: Provider;
  session: SessionActor | null;
  clientId: string;
  /** The scopes the app asked for (the authorization request's scope). */
  requestedScope: string;
  /** The authorization request's prompt and max_age, and when it began (the interaction's iat, epoch seconds). */
  reauthentication: { params: ReauthenticationParams; startedAt: number };
  /** The person the app named with id_token_hint (its sub), if it named one. */
  hintedSubject?: string;
  /** The interaction's grant, if the provider already has one for this person and app. */
  grantId?: string;
  /**
   * The person's answer on the consent page, when this is that answer; "deny" is also "Back to the app" on the page
   * that says they have no access to it.
   */
  consent?: "allow" | "deny";
  /**
   * This request answers one of the interaction's pages (consent, "Continue"): the person has seen who is
   * signed in, which answers the app's prompt=select_account.
   */
  answered?: boolean;
  /**
   * Whom the answered page was shown to (its `shown_to`; "" when the form had none). Someone else signed in since
   * (another tab): the answer is not theirs, so it counts for nothing and they are asked "Continue" first.
   */
  answeredFor?: string;
  meta: RequestMeta;
};

export type AppSignInOutcome =
  | { kind: "sign_in" }
  | { kind: "reauthenticate" }
  | { kind: "must_change_password" }
  | { kind: "consent"; appName: string; scopes: string[]; signedInAs: string; shownTo: string }
  /**
   * The app asked the person to choose the account (prompt=select_account): "Continue" the one signed in, or
   * "Use another account" (signed out of Latchkey, then back to this sign-in for whoever signs in).
   */
  | { kind: "choose_account"; appName: string; signedInAs: string; shownTo: string }
  /**
   * The person may not sign in to this app: Latchkey says so itself, names who is signed in (`signedInAs`), and
   * "Back to the app" (on a device app, "Cancel the device's sign-in") sends the app access_denied; "Use another
   * account" signs out of Latchkey and back in on the way to the same sign-in (./app-sign-in-http.ts).
   */
  | { kind: "refused"; appName: string; closed: boolean; device: boolean; signedInAs: string; shownTo: string }
  | { kind: "finish"; result: InteractionResults };

const deny = (description: string): AppSignInOutcome => ({ kind: "finish", result: { error: "access_denied", error_description: description } });

function scopesOf(requested: string): string[] {
  return offeredScopes(requested.split(" "));
}

async function record(app: ProviderApplication, userId: string, action: string, details: Record<string, unknown>, meta: RequestMeta): Promise<void> {
  // With the interaction's other writes (the grant, its result) when they are held for one unit of work.
  await writeInRequest((tx) =>
    recordEvent(tx, {
      accountId: app.accountId,
      action,
      actor: { type: "user", id: userId },
      target: { type: "application", id: app.id, label: app.name },
      details: { client_id: app.clientId, ...details },
      meta,
    }),
  );
}

/**
 * A silent sign-in (prompt=none, which the provider answers without the interaction when the browser's Latchkey
 * session is the person it remembers: lib/oidc/provider.ts) is a sign-in to the app like any other.
 */
export async function recordSilentAppSignIn(clientId: string, userId: string, grantedScope: string, meta: RequestMeta): Promise<void> {
  const app = await findApplicationByClientId(clientId);
  if (app) await record(app, userId, APPLICATION_SIGN_IN, { scopes: scopesOf(grantedScope), silent: true }, meta);
}

async function grantFor(provider: Provider, session: SessionActor, clientId: string, scopes: string[], grantId?: string): Promise<string> {
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  const grant = existing && existing.accountId === session.userId && existing.clientId === clientId ? existing : new provider.Grant({ accountId: session.userId, clientId });
  grant.addOIDCScope(scopes.join(" "));
  return grant.save();
}

export async function decideAppSignIn(request: AppSignInRequest): Promise<AppSignInOutcome> {
  const { provider, session, clientId, meta } = request;
  const app = await findApplicationByClientId(clientId);
  if (!app) return deny("This app is no longer registered with Latchkey");
  if (!session || session.accountId !== app.accountId) return { kind: "sign_in" };
  // The app asked for the person its ID token names: anyone else signed in here is not an answer to that request.
  if (request.hintedSubject !== undefined && request.hintedSubject !== session.userId) {
    return { kind: "finish", result: { error: "login_required", error_description: "id_token_hint and authenticated subject do not match" } };
  }
  if (session.mustChangePassword) return { kind: "must_change_password" };
  // An answer from a page shown to someone else (signed in as another person in another tab since) is no answer.
  const answerIsTheirs = request.answeredFor === undefined || request.answeredFor === session.userId;
  const consent = answerIsTheirs ? request.consent : undefined;
  const shownTo = session.userId;

  // One query for the person and the app's groups, kept for the request: the authorization request resumed in
  // this same request (lib/sign-in/app-sign-in-http.ts) asks the provider's findAccount the same question.
  const allowed = (await personForApp(session.userId, app.clientId)) !== null;
  if (!allowed) {
    // Apps show an access_denied in their own words, or not at all (mod_auth_openidc shows "Invalid Request"), so
    // the person hears why here first, as Keycloak's and Authentik's own refusal pages say it. The answer to that
    // page ("Back to the app") ends the request as the standard says: access_denied to the app.
    if (consent === "deny") return deny(`You don't have access to ${app.name}. Ask an admin.`);
    const person = await findUserRow(db(), app.accountId, session.userId);
    const reason = person && mayUseApps(person) ? "not_in_allowed_groups" : "not_allowed_user";
    await record(app, session.userId, "app.sign_in.refused", { reason }, meta);
    return {
      kind: "refused",
      appName: app.name,
      closed: app.restrictedToGroups && app.allowedGroupIds.length === 0,
      device: app.type === "device",
      signedInAs: signedInLabel(person),
      shownTo,
    };
  }

  // The person authenticated when their Latchkey session began, not now: the ID token's auth_time says so, and an
  // app asking for a newer sign-in than that gets one first (a new session, whose start is then the auth_time).
  const signIn = await sessionSignIn(session.accountId, session.sessionId);
  if (!signIn) return { kind: "sign_in" };
  const { signedInAt } = signIn;
  if (await freshSignInDue(request.reauthentication, signIn, session.userId)) return { kind: "reauthenticate" };
  const signedInAs = async () => signedInLabel(await findUserRow(db(), app.accountId, session.userId));
  if (!answerIsTheirs || accountChoiceDue(request.reauthentication, signedInAt, request.answered === true)) {
    return { kind: "choose_account", appName: app.name, signedInAs: await signedInAs(), shownTo };
  }

  const scopes = scopesOf(request.requestedScope);
  if (app.requireConsent) {
    if (consent === "deny") {
      await record(app, session.userId, "app.consent.denied", { scopes }, meta);
      return deny("You declined the app's request");
    }
    if (consent !== "allow") {
      const granted = await grantedScopes(app.accountId, session.userId, app.clientId);
      if (!scopes.every((s) => granted.has(s))) return { kind: "consent", appName: app.name, scopes, signedInAs: await signedInAs(), shownTo };
    } else {
      await record(app, session.userId, "app.consent.given", { scopes }, meta);
    }
  }

  // The grant, its event and the code commit only if the session is still live then (whileSignedIn).
  await whileSignedIn(session);
  const grantId = await grantFor(provider, session, app.clientId, scopes, request.grantId);
  await record(app, session.userId, APPLICATION_SIGN_IN, { scopes }, meta);
  const ts = Math.floor(signedInAt.getTime() / 1000);
  // How the session was signed in to (the ID token's acr and amr: lib/oidc/authentication-context.ts).
  const { acr, amr } = authenticationContext(signIn);
  return {
    kind: "finish",
    // select_account: the person chose this account, or wasn't asked to (the provider's prompt is then resolved).
    result: { login: { accountId: session.userId, remember: true, ts, acr, amr }, consent: { grantId }, select_account: {} },
  };
}
