/**
 * Signing in someone an external source vouched for (an OIDC provider, the
 * LDAP directory, a trusted proxy): find their user by (source, subject),
 * or claim/link/create one by the rules of that source, refuse blocked users,
 * and create our server-side session row, all in one write transaction with
 * its activity events. Refusals are recorded with their reason and thrown as
 * ExternalSignInRefused, whose message is safe to show the person.
 *
 * The rule for privileged accounts (isPrivileged, lib/auth/privileged.ts:
 * anything beyond what the built-in user and auditor roles hold, whether from
 * the primary role, extra roles or groups' roles): an external source never
 * reaches such an account by email, whatever its settings (linking, the
 * proxy's match by email, a user set up ahead of time for the source). Such
 * an account is only signed in through an identity already bound to it: the
 * same source (idp_id) and the same subject. An email is only as trustworthy
 * as the weakest source that may assert it, and whoever controls a source (its
 * configuration, or the directory or proxy behind it) could otherwise take
 * over the accounts that run Latchkey. Users and auditors may still be linked
 * or matched by email where the source allows it. For the same reason an
 * email match accepts only invites that would not make a privileged account;
 * a privileged invite is accepted through its link only.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import type { RequestMeta } from "@/lib/auth/actor";
import { permissionChange, resolvePermissions } from "@/lib/auth/effective-permissions";
import { grantIsPrivileged, userIsPrivileged } from "@/lib/auth/privileged";
import type { MessageRef, ServerMessageKey } from "@/lib/errors";
import { recordEvent } from "@/lib/audit/record";
import { emit, noneEnded } from "@/lib/data/effects";
import { writeSystem } from "@/lib/data/unit-of-work";
import type { Tx } from "@/lib/db/database";
import { emailBlindIndexes, idpSubjectBlindIndexes } from "@/lib/crypto/blind-index";
import { sealIdpSubject } from "@/lib/db/idp-subject";
import { groups, invites, users, type Role, type UserRow } from "@/lib/db/schema";
import { inviterStillMayInvite } from "@/lib/invites/inviter-rule";
import { retireInviteToken } from "@/lib/invites/invites";
import { isExpired, openInvite } from "@/lib/invites/records";
import { groupIdsOfUser, setUserGroups } from "@/lib/groups/membership";
import { hasFactor, mfaSummary } from "@/lib/mfa/records";
import { notThePerson } from "@/lib/sessions/only-person";
import { createSession } from "@/lib/sessions/sessions";
import { externalSignInMethod } from "@/lib/sessions/sign-in-method";
import { indexUser } from "@/lib/users/search-source";
import { countUserAdded } from "@/lib/users/user-counts";
import { emailSchema } from "@/lib/users/fields";
import { findUserRowsByEmail, openIdentity, sealEmail, sealName, sealUsername, userLabel } from "@/lib/users/records";
import { asDisplayText } from "@/lib/format/display-text";
import { wayInStillOpen } from "./way-in";
import { allocateUsername, usernameBaseFor } from "@/lib/users/username";

export type ExternalIdentity = {
  /** The source: an OIDC provider id, the LDAP source id, or "header". */
  idpId: string;
  /** The person's stable id at that source. */
  subject: string;
  /**
   * Other ids the person may be bound by, in order (LDAP: the entry's other id attributes, then the username an
   * older Latchkey bound by before the entry's own id was read): a user found by one alone is moved to `subject`.
   */
  formerSubjects?: readonly string[];
  email: string | null;
  /** Whether the source vouches for the email (OIDC email_verified; directories and proxies are trusted). */
  emailVerified: boolean;
  name: string | null;
  /**
   * usernames: the username the source knows them by (LDAP's directory username, the
   * proxy's user name, OIDC's preferred_username), for a person created here. A
   * username someone else in the account holds is never taken over: the new
   * person gets it with a number (alice2), the same as any derived username.
   */
  username?: string | null;
};

export type ExternalPolicy = {
  method: "oidc" | "ldap" | "header";
  /** The source's display name, for events and messages. */
  sourceName: string;
  /** Who may come in the first time: anyone, verified emails of allowed domains, or nobody new. */
  signup: "open" | "domains" | "existing";
  allowedDomains: string[];
  /**
   * Link an existing local user (user or auditor) with the same verified email to this source; they keep their
   * password, unless nobody had proven their address (then what was set up under it ends: see identify).
   */
  allowLinking: boolean;
  /** Sign in an existing user (user or auditor) with the same email as they are, without linking (the trusted proxy). */
  matchByEmail: boolean;
  defaultRole: Role;
  defaultGroups: string[];
  /** New people created here wait for an admin's approval before they may sign in. */
  requireApproval?: boolean;
  /** Keep these groups in step with the source on every sign-in: [all mapped ids, ids the person should have]. */
  syncGroups?: { managed: string[]; member: string[] };
  /**
   * Asked in the sign-in's transaction once the person is known and allowed in, before any
   * session: a returned error is thrown after the transaction commits, and no session is
   * made. The sign-in orchestration passes two-factor's second step here (LDAP on the form).
   */
  beforeSession?: (tx: Tx, user: UserRow, now: Date) => Promise<Error | null>;
  /**
   * The user id of the only person this sign-in may be (an app asked them to confirm it's them:
   * lib/sign-in/reauthentication.ts): the source vouching for anyone else is refused (lib/sessions/only-person.ts),
   * and nothing the sign-in would have found, linked or created for that other person is kept.
   */
  onlyPerson?: string;
};

export const REFUSAL_REASONS = [
  "no_email",
  "email_not_verified",
  "email_taken",
  "not_invited",
  "domain_not_allowed",
  "blocked_user",
  "service_user",
  "privileged_account",
  "second_factor_account",
  "privileged_invite",
  "pending_approval",
  "not_the_person",
  "source_closed",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

const REFUSAL_KEYS: Record<RefusalReason, ServerMessageKey> = {
  no_email: "refusedNoEmail",
  email_not_verified: "refusedEmailNotVerified",
  email_taken: "refusedEmailTaken",
  not_invited: "refusedNotInvited",
  domain_not_allowed: "refusedDomainNotAllowed",
  blocked_user: "refusedBlocked",
  service_user: "refusedServiceUser",
  pending_approval: "refusedPendingApproval",
  privileged_account: "refusedPrivileged",
  second_factor_account: "refusedSecondFactor",
  privileged_invite: "refusedPrivilegedInvite",
  not_the_person: "refusedNotThePerson",
  source_closed: "refusedSourceClosed",
};

/** refusalMessage's catalog entry ("serverMessages"): the source is a name, or itself a catalog text ("The directory"). */
export function refusalRef(reason: RefusalReason, source: string | MessageRef): MessageRef {
  return { key: REFUSAL_KEYS[reason], params: { source } };
}

/** What the person is told; the activity log keeps the reason code. */
export function refusalMessage(reason: RefusalReason, sourceName: string): string {
  switch (reason) {
    case "no_email":
      return `${sourceName} did not share a usable email address, which Latchkey needs to set up your account`;
    case "email_not_verified":
      return `${sourceName} did not confirm that your email address is verified`;
    case "email_taken":
      return `An account with your email already exists in Latchkey, and ${sourceName} is not allowed to link to it. Ask an admin.`;
    case "not_invited":
      return `You don't have a Latchkey account yet. Ask an admin to add you before signing in with ${sourceName}.`;
    case "domain_not_allowed":
      return `Accounts of your email domain can't sign in with ${sourceName}`;
    case "blocked_user":
      return "Your account is blocked. Ask an admin.";
    case "service_user":
      return "Service users can't sign in";
    case "pending_approval":
      return "Your account is waiting for an admin's approval. Try again once an admin has approved it.";
    case "privileged_account":
      return `${sourceName} can't sign you in: your email belongs to an account with admin powers here, and those are never signed in by email. Sign in the way you usually do.`;
    case "second_factor_account":
      return `${sourceName} can't sign you in: your email belongs to an account protected by two-factor authentication here, which ${sourceName} would skip. Sign in the way you usually do; to use ${sourceName} instead, remove your second factors in Profile first, or ask an admin.`;
    case "privileged_invite":
      return `${sourceName} can't accept your invite: it comes with admin powers, and such an invite is accepted only through its invite link. Open the link you were sent to set up your account.`;
    case "not_the_person":
      return `${sourceName} signed you in as someone else, not as the person signed in here. To confirm it's you, sign in to ${sourceName} with your own account (signing out of the other one there first), or choose “Use another account”.`;
    case "source_closed":
      return `${sourceName} was switched off as a way to sign in just now. Sign in another way, or ask an admin.`;
  }
}

export class ExternalSignInRefused extends Error {
  constructor(
    readonly reason: RefusalReason,
    sourceName: string,
    /** The existing user the attempt was about, for the activity log (never shown to the person). */
    readonly user?: { id: string; label: string },
  ) {
    super(refusalMessage(reason, sourceName));
  }
}

export type ExternalSignedIn = { userId: string; sessionId: string; created: boolean; linked: boolean };

async function findBySubject(tx: Tx, accountId: string, idpId: string, subject: string): Promise<UserRow | undefined> {
  const [row] = await tx
    .select()
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.idpId, idpId), inArray(users.idpSubjectIndex, idpSubjectBlindIndexes(idpId, subject))))
    .limit(1);
  return row;
}

async function existingGroupIds(tx: Tx, accountId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const wanted = [...new Set(ids)];
  const found = await tx
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.accountId, accountId), inArray(groups.id, wanted)));
  const known = new Set(found.map((g) => g.id));
  return wanted.filter((id) => known.has(id));
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

/** What a sign-in into an account whose address nobody had proven ended (see endWhatTheUnprovenSetUp), for its event. */
type TookOver = { email_was_unproven: true; sessions_ended: number; tokens_deleted: number; totp_removed: boolean; passkeys_removed: number };

type Found = { row: UserRow; created: boolean; linked: boolean; tookOver?: TookOver };

/**
 * A source vouching for an address nobody had proven (email_verified_at empty) meets the account set up under
 * it: whoever set it up (a recruiter who accepted the invite's link with a password of their own) needn't own the
 * address. Their password goes, their second factors (review 47: a passkey signed in on its own where the account
 * stays local, as after the proxy's match), sessions, access tokens and app grants end, and the address is proven now.
 */
async function endWhatTheUnprovenSetUp(tx: Tx, accountId: string, row: UserRow, now: Date): Promise<{ row: UserRow; tookOver: TookOver }> {
  const ended = noneEnded();
  const removed = { totp: false, passkeys: 0 };
  await emit(tx, "user.second_factors_void", { accountId, userId: row.id, removed });
  await emit(tx, "user.sessions_revoked", { accountId, userId: row.id, revokeTokens: true, ended });
  const changes = { passwordHash: null, mustChangePassword: false, emailVerifiedAt: now };
  await tx.update(users).set(changes).where(and(eq(users.accountId, accountId), eq(users.id, row.id)));
  const tookOver: TookOver = { email_was_unproven: true, sessions_ended: ended.sessions, tokens_deleted: ended.tokens, totp_removed: removed.totp, passkeys_removed: removed.passkeys };
  return { row: { ...row, ...changes }, tookOver };
}

/** Finds, claims, links or creates the user; throws ExternalSignInRefused with the reason otherwise. */
async function identify(tx: Tx, accountId: string, who: ExternalIdentity, policy: ExternalPolicy, meta: RequestMeta, now: Date): Promise<Found> {
  const known = await findBySubject(tx, accountId, who.idpId, who.subject);
  if (known) return { row: known, created: false, linked: false };
  let former: UserRow | undefined;
  for (const subject of who.formerSubjects ?? []) if (!former) former = await findBySubject(tx, accountId, who.idpId, subject);
  if (former) {
    const bound = sealIdpSubject(former.id, who.idpId, who.subject);
    await tx.update(users).set(bound).where(and(eq(users.accountId, accountId), eq(users.id, former.id)));
    return { row: { ...former, ...bound }, created: false, linked: false };
  }

  const email = who.email ? emailSchema.safeParse(who.email) : null;
  // usernames: directories and proxies may know people without an email (sites without mail); they come in by username.
  if (!email?.success && policy.method !== "oidc" && policy.signup === "open") return createExternalUser(tx, accountId, null, who, policy, meta, now);
  if (!email?.success) {
    throw new ExternalSignInRefused("no_email", policy.sourceName);
  }
  if (!who.emailVerified) {
    throw new ExternalSignInRefused("email_not_verified", policy.sourceName);
  }
  const address = email.data;
  const sameEmail = (await findUserRowsByEmail(tx, address)).find((r) => r.accountId === accountId);
  if (sameEmail) {
    if (sameEmail.isServiceUser) throw new ExternalSignInRefused("email_taken", policy.sourceName);
    // Privileged accounts are never reached by email (see the rule at the top): checked before any branch below.
    if (await userIsPrivileged(tx, sameEmail)) {
      throw new ExternalSignInRefused("privileged_account", policy.sourceName, { id: sameEmail.id, label: userLabel(openIdentity(sameEmail)) });
    }
    // Someone an admin created for this source ahead of time: their first sign-in claims the row.
    const preCreated = sameEmail.idpId === who.idpId && sameEmail.idpSubjectIndex === null;
    if (preCreated || (policy.allowLinking && sameEmail.idpId === null)) {
      // Review 47: a source signs in with no second step here, so linking by email would let whoever holds the address
      // at the source past the person's own second factor. (Under an address nobody had proven, the factors go
      // instead: endWhatTheUnprovenSetUp.)
      if (sameEmail.emailVerifiedAt !== null && hasFactor(await mfaSummary(tx, sameEmail.id))) {
        throw new ExternalSignInRefused("second_factor_account", policy.sourceName, { id: sameEmail.id, label: userLabel(openIdentity(sameEmail)) });
      }
      // Their own password stays theirs. A temporary one an admin set (must be
      // changed) was never chosen by them: it goes, now that they have a way in.
      // Under an address nobody had proven, nothing set up before stays (endWhatTheUnprovenSetUp).
      const taken = sameEmail.emailVerifiedAt === null ? await endWhatTheUnprovenSetUp(tx, accountId, sameEmail, now) : null;
      const passwordHash = sameEmail.mustChangePassword || taken ? null : sameEmail.passwordHash;
      // The source has just vouched for this very address (who.emailVerified, checked above): an unproven one is proven now.
      const emailVerifiedAt = sameEmail.emailVerifiedAt ?? now;
      await tx
        .update(users)
        .set({ ...sealIdpSubject(sameEmail.id, who.idpId, who.subject), passwordHash, mustChangePassword: false, emailVerifiedAt })
        .where(and(eq(users.accountId, accountId), eq(users.id, sameEmail.id)));
      const label = userLabel(openIdentity(sameEmail));
      await recordEvent(tx, {
        accountId,
        action: "user.idp.linked",
        actor: { type: "user", id: sameEmail.id, label },
        target: { type: "user", id: sameEmail.id, label },
        details: {
          method: policy.method,
          idp_id: who.idpId,
          provider: policy.sourceName,
          had_local_password: sameEmail.passwordHash !== null,
          kept_local_password: passwordHash !== null,
          ...taken?.tookOver,
        },
        meta,
        at: now,
      });
      return { row: { ...sameEmail, ...sealIdpSubject(sameEmail.id, who.idpId, who.subject), passwordHash, mustChangePassword: false, emailVerifiedAt }, created: false, linked: true };
    }
    if (policy.matchByEmail) {
      if (sameEmail.emailVerifiedAt !== null) return { row: sameEmail, created: false, linked: false };
      return { ...(await endWhatTheUnprovenSetUp(tx, accountId, sameEmail, now)), created: false, linked: false };
    }
    throw new ExternalSignInRefused("email_taken", policy.sourceName);
  }

  // Someone an admin invited: the provider's verified email accepts the invite, with its role and groups
  // (one that would make a privileged account only through its link: see the rule at the top).
  const invited = await acceptPendingInvite(tx, accountId, address, who, policy, meta, now);
  if (invited) return { row: invited, created: true, linked: false };

  if (policy.signup === "existing") {
    throw new ExternalSignInRefused("not_invited", policy.sourceName);
  }
  if (policy.signup === "domains" && !policy.allowedDomains.includes(domainOf(address))) {
    throw new ExternalSignInRefused("domain_not_allowed", policy.sourceName);
  }

  return createExternalUser(tx, accountId, address, who, policy, meta, now);
}

/** A person new to Latchkey, created at their first sign-in through the source (just in time). */
async function createExternalUser(
  tx: Tx,
  accountId: string,
  address: string | null,
  who: ExternalIdentity,
  policy: ExternalPolicy,
  meta: RequestMeta,
  now: Date,
): Promise<Found> {
  const id = crypto.randomUUID();
  const name = asDisplayText(who.name, 100) || address || asDisplayText(who.username, 100) || asDisplayText(who.subject, 100);
  const username = await allocateUsername(tx, accountId, usernameBaseFor({ username: who.username, email: address, name }));
  const [row] = await tx
    .insert(users)
    .values({
      id,
      accountId,
      // The source vouches for the address: OIDC only with email_verified (checked in identify); directories and proxies are trusted.
      ...(address ? sealEmail(id, address, now) : {}),
      ...sealName(id, name),
      ...sealUsername(id, username),
      role: policy.defaultRole,
      passwordHash: null,
      ...sealIdpSubject(id, who.idpId, who.subject),
      createdAt: now,
      pendingApproval: !!policy.requireApproval,
    })
    .returning();
  await indexUser(tx, { accountId, id, name, email: address, username });
  await countUserAdded(tx, accountId, false);
  const groupIds = await existingGroupIds(tx, accountId, policy.defaultGroups);
  await setUserGroups(tx, accountId, id, groupIds);
  await recordEvent(tx, {
    accountId,
    action: "user.created",
    actor: { type: "user", id, label: name },
    target: { type: "user", id, label: name },
    details: {
      role: policy.defaultRole,
      auto_groups: groupIds,
      method: policy.method,
      idp_id: who.idpId,
      provider: policy.sourceName,
      just_in_time: true,
      ...(policy.requireApproval ? { pending_approval: true } : {}),
    },
    meta,
    at: now,
  });
  return { row, created: true, linked: false };
}

async function acceptPendingInvite(
  tx: Tx,
  accountId: string,
  email: string,
  who: ExternalIdentity,
  policy: ExternalPolicy,
  meta: RequestMeta,
  now: Date,
): Promise<UserRow | null> {
  const [row] = await tx
    .select()
    .from(invites)
    .where(and(eq(invites.accountId, accountId), inArray(invites.emailIndex, emailBlindIndexes(email))))
    .limit(1);
  if (!row) return null;
  const invite = openInvite(row);
  if (isExpired(invite, now) || !(await inviterStillMayInvite(tx, invite))) return null;
  if (await grantIsPrivileged(tx, accountId, { role: invite.role, groupIds: invite.autoGroups })) {
    throw new ExternalSignInRefused("privileged_invite", policy.sourceName);
  }
  const id = crypto.randomUUID();
  const name = invite.name || asDisplayText(who.name, 100) || email;
  // usernames: the one the admin named on the invite (kept for it), else the provider's, made unique.
  const username = invite.username ?? (await allocateUsername(tx, accountId, usernameBaseFor({ username: who.username, email, name })));
  const [user] = await tx
    .insert(users)
    .values({
      id,
      accountId,
      // The provider's verified address (checked in identify), not the invite's link: vouched for as at any external sign-in.
      ...sealEmail(id, email, now),
      ...sealName(id, name),
      ...sealUsername(id, username),
      role: invite.role,
      passwordHash: null,
      ...sealIdpSubject(id, who.idpId, who.subject),
      createdAt: now,
    })
    .returning();
  await indexUser(tx, { accountId, id, name, email, username });
  await countUserAdded(tx, accountId, false);
  const groupIds = await existingGroupIds(tx, accountId, invite.autoGroups);
  await setUserGroups(tx, accountId, id, groupIds);
  await tx.delete(invites).where(eq(invites.id, invite.id));
  await retireInviteToken(tx, accountId, row.tokenDigest, "used", now);
  const self = { type: "user" as const, id, label: name };
  await recordEvent(tx, {
    accountId,
    action: "invite.accepted",
    actor: self,
    target: { type: "invite", id: invite.id, label: name },
    details: { invited_by: invite.createdBy, method: policy.method, idp_id: who.idpId, provider: policy.sourceName },
    meta,
    at: now,
  });
  await recordEvent(tx, {
    accountId,
    action: "user.created",
    actor: self,
    target: { type: "user", id, label: name },
    details: { role: invite.role, auto_groups: groupIds, via: "invite", method: policy.method, idp_id: who.idpId, provider: policy.sourceName },
    meta,
    at: now,
  });
  return user;
}

/**
 * Keeps the person's mapped groups in step with the source. A change is recorded as an admin's edit
 * of someone's groups is ("user.updated": auto_groups from → to and the permissions that came or went),
 * by the source, and goes through setUserGroups, so the same effects follow (user.groups_changed: apps
 * limited to groups and invites the person may no longer make end in this transaction).
 */
export async function syncMappedGroups(
  tx: Tx,
  accountId: string,
  user: UserRow,
  sync: NonNullable<ExternalPolicy["syncGroups"]>,
  who: Pick<ExternalIdentity, "idpId">,
  policy: Pick<ExternalPolicy, "method" | "sourceName">,
  meta: RequestMeta,
  now: Date,
): Promise<boolean> {
  const managed = new Set(await existingGroupIds(tx, accountId, sync.managed));
  if (managed.size === 0) return false;
  const before = await groupIdsOfUser(tx, accountId, user.id);
  const mine = new Set(before);
  // Groups the mapping doesn't mention are the admins' business and stay as they are.
  const wanted = new Set([...mine].filter((g) => !managed.has(g)));
  for (const g of sync.member) if (managed.has(g)) wanted.add(g);
  if (wanted.size === mine.size && [...wanted].every((g) => mine.has(g))) return false;
  const after = [...wanted];
  const held = { accountId, userId: user.id, role: user.role };
  const permissionsBefore = await resolvePermissions(tx, held);
  await setUserGroups(tx, accountId, user.id, after);
  await recordEvent(tx, {
    accountId,
    action: "user.updated",
    actor: { type: "system", id: null, label: policy.sourceName },
    target: { type: "user", id: user.id, label: userLabel(openIdentity(user)) },
    details: {
      changed: ["auto_groups"],
      auto_groups: { from: before, to: after },
      ...permissionChange(permissionsBefore, await resolvePermissions(tx, held)),
      via: "group_mapping",
      method: policy.method,
      idp_id: who.idpId,
      provider: policy.sourceName,
    },
    meta,
    at: now,
  });
  return true;
}

/**
 * The directory has the person again (they just signed in through it): the block the directory check put on
 * them when their entry was gone (lib/idp/ldap/directory-sync.ts) is lifted, on record. A block an admin put
 * on them stays.
 */
async function liftDirectorySuspension(tx: Tx, accountId: string, row: UserRow, who: ExternalIdentity, policy: ExternalPolicy, meta: RequestMeta, now: Date): Promise<UserRow> {
  if (policy.method !== "ldap" || row.directorySuspendedAt === null || row.idpId !== who.idpId) return row;
  await tx.update(users).set({ isBlocked: false, directorySuspendedAt: null }).where(and(eq(users.accountId, accountId), eq(users.id, row.id)));
  await recordEvent(tx, {
    accountId,
    action: "user.unblocked",
    actor: { type: "system", id: null, label: policy.sourceName },
    target: { type: "user", id: row.id, label: userLabel(openIdentity(row)) },
    details: { reason: "directory_entry_back", method: policy.method, idp_id: who.idpId, provider: policy.sourceName },
    meta,
    at: now,
  });
  return { ...row, isBlocked: false, directorySuspendedAt: null };
}

async function recordRefusal(
  accountId: string,
  err: ExternalSignInRefused,
  who: ExternalIdentity,
  policy: ExternalPolicy,
  meta: RequestMeta,
  user?: { id: string; label: string },
): Promise<void> {
  await writeSystem(async (tx) => {
    await recordEvent(tx, {
      accountId,
      action: "user.login.failed",
      actor: user ? { type: "user", id: user.id, label: user.label } : { type: "anonymous", id: null },
      target: user ? { type: "user", id: user.id, label: user.label } : undefined,
      details: { reason: err.reason, method: policy.method, idp_id: who.idpId, provider: policy.sourceName },
      meta,
    });
  });
}

/** Who the identity is here (identify) and whether they may come in; throws ExternalSignInRefused when not. Approval is the caller's. */
async function admit(tx: Tx, accountId: string, who: ExternalIdentity, policy: ExternalPolicy, meta: RequestMeta, now: Date): Promise<{ found: Found; label: string }> {
  const identified = await identify(tx, accountId, who, policy, meta, now);
  const someoneElse = await notThePerson(tx, accountId, policy.onlyPerson, identified.row.id);
  // Thrown in the transaction: whatever identify did for the other person is rolled back.
  if (someoneElse) throw new ExternalSignInRefused("not_the_person", policy.sourceName, someoneElse.asked);
  const found = { ...identified, row: await liftDirectorySuspension(tx, accountId, identified.row, who, policy, meta, now) };
  const label = userLabel(openIdentity(found.row));
  if (found.row.isBlocked) throw new ExternalSignInRefused("blocked_user", policy.sourceName, { id: found.row.id, label });
  if (found.row.isServiceUser) throw new ExternalSignInRefused("service_user", policy.sourceName);
  return { found, label };
}

/** Whom a sign-in would make (previewExternalSignIn): an existing person, a new one, or a refusal and its reason. */
export type SignInPreview =
  | { outcome: "existing"; user: { id: string; label: string } }
  | { outcome: "new" }
  | { outcome: "refused"; reason: RefusalReason; message: string };

class PreviewDone extends Error {
  constructor(readonly preview: SignInPreview) {
    super("preview done");
  }
}

/**
 * Whom the source's identity would sign in as, by the very rules of a sign-in (admit), without signing in: the
 * sign-in's transaction runs to that point and is rolled back, so nothing it would claim, link, create or record
 * is kept, and no effect leaves it.
 */
export async function previewExternalSignIn(accountId: string, who: ExternalIdentity, policy: ExternalPolicy, meta: RequestMeta): Promise<SignInPreview> {
  try {
    await writeSystem(async (tx) => {
      const { found, label } = await admit(tx, accountId, who, policy, meta, new Date());
      if (found.created) throw new PreviewDone({ outcome: "new" });
      if (found.row.pendingApproval) throw new ExternalSignInRefused("pending_approval", policy.sourceName);
      throw new PreviewDone({ outcome: "existing", user: { id: found.row.id, label } });
    });
  } catch (err) {
    if (err instanceof PreviewDone) return err.preview;
    if (err instanceof ExternalSignInRefused) return { outcome: "refused", reason: err.reason, message: err.message };
    throw err;
  }
  throw new Error("A sign-in preview ended without an answer");
}

export async function signInExternal(accountId: string, who: ExternalIdentity, policy: ExternalPolicy, meta: RequestMeta): Promise<ExternalSignedIn> {
  const now = new Date();
  try {
    const result = await writeSystem(async (tx): Promise<ExternalSignedIn | { pending: { id: string; label: string } } | { interrupted: Error }> => {
      if (!(await wayInStillOpen(tx, accountId, policy.method, who.idpId))) throw new ExternalSignInRefused("source_closed", policy.sourceName);
      const { found, label } = await admit(tx, accountId, who, policy, meta, now);
      // Created (and kept) but not let in: the refusal is thrown after this transaction commits.
      if (found.row.pendingApproval) return { pending: { id: found.row.id, label } };
      if (policy.syncGroups) await syncMappedGroups(tx, accountId, found.row, policy.syncGroups, who, policy, meta, now);
      const interrupted = policy.beforeSession ? await policy.beforeSession(tx, found.row, now) : null;
      if (interrupted) return { interrupted };
      await tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, found.row.id));
      const sessionId = await createSession(tx, found.row, externalSignInMethod(policy.method, who.idpId), meta, now);
      await recordEvent(tx, {
        accountId,
        action: "user.login",
        actor: { type: "user", id: found.row.id, label },
        target: { type: "user", id: found.row.id, label },
        details: { method: policy.method, idp_id: who.idpId, provider: policy.sourceName, ...found.tookOver },
        meta,
        at: now,
      });
      return { userId: found.row.id, sessionId, created: found.created, linked: found.linked };
    });
    if ("pending" in result) throw new ExternalSignInRefused("pending_approval", policy.sourceName, result.pending);
    if ("interrupted" in result) throw result.interrupted;
    return result;
  } catch (err) {
    // The transaction rolled back (nothing was created or linked); the refusal is recorded on its own.
    if (err instanceof ExternalSignInRefused) await recordRefusal(accountId, err, who, policy, meta, err.user);
    throw err;
  }
}
