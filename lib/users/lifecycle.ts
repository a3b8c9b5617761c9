/**
 * Creating, editing and deleting users. Each change checks the rules
 * (./rules.ts) on fresh data inside its write transaction, records its
 * activity events in that same transaction, and then refreshes the directory.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, getTableColumns, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { actorParty } from "@/lib/audit/actor-party";
import { assertMayGrantRoles, assertMayPutInGroups, assertNoSelfLockout, assertOutranks } from "@/lib/auth/escalation";
import { permissionChange, resolvePermissions, rolesGrantedByGroups } from "@/lib/auth/effective-permissions";
import { recordEvent } from "@/lib/audit/record";
import type { ImportedHashKind } from "@/lib/crypto/imported-hashes";
import { hashPassword } from "@/lib/crypto/passwords";
import { emit, noneEnded } from "@/lib/data/effects";
import { entryTermsOf, indexEntity, newEntryWritten, pgNewEntryCtes } from "@/lib/data/search-index";
import { write } from "@/lib/data/unit-of-work";
import { resolveSet, type SetValue } from "@/lib/data/patch";
import { dialect, type Tx } from "@/lib/db/database";
import { perTransaction, perTransactionBy, type PreparedRows } from "@/lib/db/prepared";
import * as pgSchema from "@/lib/db/schema.pg";
import { users, type Role } from "@/lib/db/schema";
import { Invalid, NotFound } from "@/lib/errors";
import { groupIdsOfUser, setUserGroups } from "@/lib/groups/membership";
import { autoGroupsWithinLimits } from "@/lib/groups/schemas";
import { generatePassword } from "./generated-password";
import { assertEmailAvailable } from "./email-availability";
import { assertPasswordAllowed } from "@/lib/passwords/policy";
import { endUnusedRecoveryLinks } from "./owner-recovery";
import { findUserRow, openUser, sealEmail, sealName, sealUsername, userLabel, type UserRecord } from "./records";
import { mayListHeldBack, moveUsername, retireUsername } from "./retired-usernames";
import { assertSettableUsername, assertUsernameAvailable, checkNewPersonNames, usernameBaseFor } from "./username";
import { assertProvesItsThem, type FactorProof } from "@/lib/mfa/proof";
import { assertCanCreateUser, assertCanDeleteUser, assertCanUpdateUser, emailNotOurs, transferNeedsProof, vouchesForEmail } from "./rules";
import type { CreateUserInput, UpdateUserInput } from "./schemas";
import { indexUser, unindexUser, userIndexRef, USERS_SCOPE } from "./search-source";
import { countUserAdded, countUserRemoved, userAddedCte } from "./user-counts";

/** The user as it is now, inside a transaction; other accounts' users are "not found". */
export async function loadUser(tx: Tx, accountId: string, userId: string): Promise<UserRecord> {
  const row = await findUserRow(tx, accountId, userId);
  if (!row) throw new NotFound("User");
  return openUser(row, await groupIdsOfUser(tx, accountId, userId));
}

export type NewUser = {
  email: string | null;
  /** When the email was proven or vouched for by this road (records.ts sealEmail), or null: the caller decides. */
  emailVerifiedAt: Date | null;
  name: string;
  /** Checked available (assertUsernameAvailable) or chosen free (allocateUsername) in the same transaction. */
  username: string;
  role: Role;
  isServiceUser: boolean;
  passwordHash: string | null;
  mustChangePassword: boolean;
  autoGroups: string[];
};

/** The user row's insert, kept per unit-of-work tx (lib/db/prepared.ts): every create runs it. */
const NEW_USER_COLUMNS = [
  "id",
  "accountId",
  "emailCiphertext",
  "emailIndex",
  "nameCiphertext",
  "usernameCiphertext",
  "usernameIndex",
  "role",
  "isServiceUser",
  "passwordHash",
  "mustChangePassword",
] as const;
type NewUserRow = { [K in (typeof NEW_USER_COLUMNS)[number]]: (typeof users.$inferInsert)[K] };
/** The insert's values: a placeholder per column. */
function newUserValues() {
  return {
    ...Object.fromEntries(NEW_USER_COLUMNS.map((column) => [column, sql.placeholder(column)])),
    // Nullable, and a timestamp's mapping can't encode a null placeholder: bound as epoch ms (or null) as is.
    emailVerifiedAt: sql`${sql.placeholder("emailVerifiedAtMs")}`,
  };
}

const insertUserRow = perTransaction(
  (tx) =>
    tx
      .insert(users)
      // Drizzle encodes a placeholder in values() with the column's own mapping (booleans as on any insert); its types don't say so.
      .values(newUserValues() as unknown as typeof users.$inferInsert)
      .returning()
      .prepare() as unknown as PreparedRows<typeof users.$inferSelect>,
);

/**
 * On PostgreSQL the insert carries the account's user count's +1 (./user-counts.ts userAddedCte): one statement, one
 * round trip, where they were two. `counted`: how many count rows it moved (0: the account isn't counted yet).
 */
const insertCountedUserRow = perTransactionBy((tx: Tx, isServiceUser: boolean) => {
  const added = userAddedCte(tx, isServiceUser);
  // And the user's search entry with its postings (lib/data/search-index.ts pgNewEntryCtes; round 32): `indexed` 0
  // when the account has no users scope yet (its first user), then indexed the usual way.
  const entry = pgNewEntryCtes(tx, USERS_SCOPE, { entityId: "id", accountId: "accountId", terms: "indexTerms" });
  const pgTx = tx as unknown as PgDatabase<PgQueryResultHKT>;
  return pgTx
    .with(added, ...entry.ctes)
    .insert(pgSchema.users)
    .values(newUserValues() as unknown as typeof pgSchema.users.$inferInsert)
    .returning({ ...getTableColumns(pgSchema.users), counted: sql<number | string>`(select count(*) from ${added})`, indexed: entry.indexed })
    .prepare(`latchkey_insert_indexed_user_${isServiceUser ? "service" : "person"}`) as unknown as PreparedRows<
    typeof users.$inferSelect & { counted: number | string; indexed: number | string }
  >;
});

/**
 * Inserts a user and their groups (the email must be checked available first); returns the stored record.
 * A brand-new id has no memberships or index entry to replace, and the insert returns the stored row:
 * no statement here re-reads or clears what it just wrote.
 */
export async function insertUser(tx: Tx, accountId: string, user: NewUser): Promise<UserRecord> {
  const userId = crypto.randomUUID();
  const { emailVerifiedAt, ...email } = user.email ? sealEmail(userId, user.email, user.emailVerifiedAt) : { emailCiphertext: null, emailIndex: null, emailVerifiedAt: null };
  const values: NewUserRow & { emailVerifiedAtMs: number | null } = {
    id: userId,
    accountId,
    ...email,
    emailVerifiedAtMs: emailVerifiedAt?.getTime() ?? null,
    ...sealName(userId, user.name),
    ...sealUsername(userId, user.username),
    role: user.role,
    isServiceUser: user.isServiceUser,
    passwordHash: user.passwordHash,
    mustChangePassword: user.mustChangePassword,
  };
  let row: typeof users.$inferSelect;
  let addedWithInsert: { moved: boolean } | undefined;
  const indexRef = userIndexRef({ accountId, id: userId, name: user.name, email: user.email, username: user.username });
  if (dialect() === "postgres") {
    const indexTerms = entryTermsOf(indexRef);
    const [{ counted, indexed, ...inserted }] = await insertCountedUserRow(tx, user.isServiceUser).execute({ ...values, indexTerms });
    row = inserted;
    addedWithInsert = { moved: Number(counted) > 0 };
    await newEntryWritten(tx, indexRef, indexTerms, Number(indexed) > 0);
  } else {
    [row] = await insertUserRow(tx).execute(values);
    await indexEntity(tx, indexRef, { fresh: true });
  }
  const groupIds = [...new Set(user.autoGroups)];
  if (groupIds.length > 0) await setUserGroups(tx, accountId, userId, groupIds);
  await countUserAdded(tx, accountId, user.isServiceUser, addedWithInsert);
  return openUser(row, groupIds);
}

export type CreatedUser = { user: UserRecord; password: string | null };

/**
 * Creates a person with a generated password (shown once, to be changed at
 * first sign-in), or a service user with no email and no password.
 * `hash` is a seam for the benchmark, which seeds users without paying argon2 each time.
 */
export async function createUser(
  actor: Actor,
  input: CreateUserInput,
  meta: RequestMeta,
  hash: (password: string) => Promise<string> = hashPassword,
): Promise<CreatedUser> {
  assertCanCreateUser(actor, input.role, input.is_service_user);
  // A password the admin chose (NetStacks' shape) meets the policy and is never echoed; else one is generated and shown once.
  const chosen = !input.is_service_user ? input.password : undefined;
  if (chosen) await assertPasswordAllowed(chosen, { email: input.email, name: input.name, username: input.username }, "password");
  const password = input.is_service_user || chosen ? null : generatePassword();
  const passwordHash = chosen ? await hash(chosen) : password ? await hash(password) : null;
  const user = await write(actor, (tx, me) => createUserIn(tx, me, input, { passwordHash, mustChangePassword: password !== null }, meta));
  return { user, password };
}

/** A new user's password as stored: a hash (or none), and whether it must be changed at the first sign-in. */
export type NewUserPassword = {
  passwordHash: string | null;
  mustChangePassword: boolean;
  /** The kind of a hash brought from another system (./import.ts): said in the user.created event. */
  importedHash?: ImportedHashKind;
  /**
   * false: the address is stored unproven (an import's row that doesn't say the old provider proved it). Otherwise
   * whoever may create people vouches for the address they set.
   */
  emailProven?: boolean;
};

/**
 * createUser's rules and writes inside a unit of work the caller opened: the one create path, shared by
 * createUser and the import of people from another identity provider (./import.ts), which creates a whole
 * file's people in one transaction. Every check reads under `me` (the actor re-read by write()).
 */
export async function createUserIn(tx: Tx, me: Actor, input: CreateUserInput, secret: NewUserPassword, meta: RequestMeta): Promise<UserRecord> {
  assertCanCreateUser(me, input.role, input.is_service_user);
  // Apps trust group names: a person's groups come from someone who may change people's groups. Service users
  // never sign in to apps (lib/oidc refuses them), and their groups are service_users:create's.
  if (!input.is_service_user) assertMayPutInGroups(me, input.auto_groups);
  // Groups that grant roles confer them: only what the actor holds.
  await assertMayGrantRoles(tx, me, await rolesGrantedByGroups(tx, me.accountId, input.auto_groups));
  // The email free, and the username typed free or one chosen: both fields' holders in one read.
  const username = await checkNewPersonNames(tx, me.accountId, {
    email: input.email,
    username: input.username,
    base: () => usernameBaseFor({ email: input.email, name: input.name }),
    explainHeldBack: mayListHeldBack(me),
  });
  const created = await insertUser(tx, me.accountId, {
    email: input.email ?? null,
    // An admin who may create people vouches for the addresses they set (as setting it directly on anyone); an
    // import only for those its file says were proven (./import.ts).
    emailVerifiedAt: input.email && secret.emailProven !== false ? new Date() : null,
    name: input.name,
    username,
    role: input.role,
    isServiceUser: input.is_service_user,
    passwordHash: secret.passwordHash,
    mustChangePassword: secret.mustChangePassword,
    autoGroups: input.auto_groups,
  });
  await recordEvent(tx, {
    accountId: me.accountId,
    action: input.is_service_user ? "service_user.created" : "user.created",
    actor: me,
    target: { type: "user", id: created.id, label: userLabel(created) },
    details: {
      role: input.role,
      auto_groups: created.autoGroups,
      ...(secret.importedHash ? { imported_password_hash: secret.importedHash } : {}),
      ...(input.email && secret.emailProven === false ? { email_verified: false } : {}),
    },
    meta,
  });
  return created;
}

function sameSet(a: string[], b: string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}

type UserChanges = Omit<Partial<UpdateUserInput>, "auto_groups"> & { auto_groups?: SetValue };

/** What an update changes, worked out from the stored user and the fields given: no reads, no writes. */
type UserUpdatePlan = {
  /** The fields given, with the role, groups and block state filled in from the stored user. */
  input: UpdateUserInput;
  name: boolean;
  email: boolean;
  username: boolean;
  groups: boolean;
  /** Groups the person joins (each confers the roles it grants). */
  joined: string[];
  /** Whether the email counts as proven after the update, and whether that differs from before. */
  verifiedAfter: boolean;
  proof: boolean;
  /**
   * An explicit block of someone the directory check blocked makes the block the admin's: the directory's mark
   * goes, so their next directory sign-in doesn't lift it (../idp/external-sign-in.ts).
   */
  adoptsBlock: boolean;
};

function planUserUpdate(me: Actor, before: UserRecord, changes: UserChanges): UserUpdatePlan {
  const input: UpdateUserInput = {
    ...changes,
    role: changes.role ?? before.role,
    auto_groups: changes.auto_groups === undefined ? before.autoGroups : autoGroupsWithinLimits(resolveSet(before.autoGroups, changes.auto_groups)),
    is_blocked: changes.is_blocked ?? before.isBlocked,
  };
  const email = input.email !== undefined && input.email.trim() !== before.email;
  // Proven or not (email_verified): a new address is proven when the actor vouches for it and didn't say false.
  const verifiedAfter = email ? input.email_verified ?? vouchesForEmail(me) : input.email_verified ?? before.emailVerified;
  return {
    input,
    name: input.name !== undefined && input.name !== before.name,
    email,
    username: input.username !== undefined && input.username.trim() !== before.username,
    groups: !sameSet(input.auto_groups, before.autoGroups),
    joined: input.auto_groups.filter((g) => !before.autoGroups.includes(g)),
    verifiedAfter,
    proof: verifiedAfter !== before.emailVerified,
    adoptsBlock: changes.is_blocked === true && before.isBlocked && Boolean(before.directorySuspendedAt),
  };
}

/** The profile fields (name, email, username, groups, the email's proof) the plan changes. */
function profileChanges(plan: UserUpdatePlan): boolean {
  return plan.name || plan.email || plan.username || plan.groups || plan.proof;
}

/** Every rule the update must meet, checked under the write before anything is written. */
async function assertMayUpdate(tx: Tx, me: Actor, before: UserRecord, plan: UserUpdatePlan): Promise<void> {
  const { input } = plan;
  assertCanUpdateUser(me, before, {
    profile: profileChanges(plan),
    groups: plan.groups,
    email: plan.email,
    emailProof: plan.proof || (plan.email && input.email_verified === true),
    role: input.role,
    isBlocked: input.is_blocked,
    adoptsBlock: plan.adoptsBlock,
  });
  await assertOutranks(tx, me, before);
  // Joining a group confers the roles it grants: nobody adds anyone (themselves included) to more than they hold.
  if (plan.joined.length > 0) await assertMayGrantRoles(tx, me, await rolesGrantedByGroups(tx, me.accountId, plan.joined));
  const notOurs = emailNotOurs(before);
  if (notOurs && (plan.email || plan.proof)) throw new Invalid(notOurs, { [plan.email ? "email" : "email_verified"]: [notOurs] });
  if (plan.proof && !plan.email && !before.email) {
    throw new Invalid("There is no email address to confirm", { email_verified: ["There is no email address to confirm"] });
  }
  if (plan.email) await assertEmailAvailable(tx, me.accountId, input.email!, { userId: before.id });
  if (plan.username) {
    // A new username meets every rule; one stored before the look-alike rules may be sent back unchanged.
    assertSettableUsername(input.username!);
    await assertUsernameAvailable(tx, me.accountId, input.username!, before.id, { explainHeldBack: mayListHeldBack(me) });
  }
}

/** The user's row, groups and search index as the plan says; a new email goes out to the outbox's readers. */
async function storeUserUpdate(tx: Tx, before: UserRecord, plan: UserUpdatePlan): Promise<void> {
  const { input } = plan;
  const { accountId, id: userId } = before;
  const verifiedAt = plan.verifiedAfter ? new Date() : null;
  await tx
    .update(users)
    .set({
      ...(plan.name ? sealName(userId, input.name!) : {}),
      ...(plan.email ? sealEmail(userId, input.email!, verifiedAt) : plan.proof ? { emailVerifiedAt: verifiedAt } : {}),
      ...(plan.username ? sealUsername(userId, input.username!) : {}),
      role: input.role,
      isBlocked: input.is_blocked,
      // An admin's unblock (or explicit block) is theirs: a block the directory check put on them no longer waits for the directory.
      ...(input.is_blocked && !plan.adoptsBlock ? {} : { directorySuspendedAt: null }),
    })
    .where(and(eq(users.accountId, accountId), eq(users.id, userId)));
  // The username given up is held back for a while (./retired-usernames.ts): only this person may take it back,
  // and one of theirs taken back is held no longer.
  if (plan.username) await moveUsername(tx, accountId, userId, before.username, input.username!);
  if (plan.groups) await setUserGroups(tx, accountId, userId, input.auto_groups);
  if (plan.email) await emit(tx, "user.email_changed", { accountId, userId, movedFrom: before.email });
  if (plan.name || plan.email || plan.username) {
    await indexUser(tx, {
      accountId,
      id: userId,
      name: input.name ?? before.name,
      email: plan.email ? input.email!.trim() : before.email,
      username: plan.username ? input.username!.trim() : before.username,
    });
  }
}

/** user.updated's details (what changed, groups and proof before → after) and private details (the personal fields). */
function profileEventDetails(before: UserRecord, plan: UserUpdatePlan, permissions: Record<string, unknown>) {
  const { input } = plan;
  const details = {
    changed: [plan.name && "name", plan.email && "email", plan.username && "username", plan.groups && "auto_groups", plan.proof && "email_verified"].filter(Boolean),
    ...(plan.groups ? { auto_groups: { from: before.autoGroups, to: input.auto_groups } } : {}),
    ...(plan.proof ? { email_verified: { from: before.emailVerified, to: plan.verifiedAfter } } : {}),
    // Groups that grant roles: the permissions that came or went with them (a role change says it in its own event).
    ...(input.role === before.role ? permissions : {}),
  };
  const privateDetails = {
    ...(plan.name ? { name: { from: before.name, to: input.name } } : {}),
    ...(plan.email ? { email: { from: before.email, to: input.email!.trim() } } : {}),
    ...(plan.username ? { username: { from: before.username, to: input.username!.trim() } } : {}),
  };
  return { details, privateDetails };
}

/**
 * Applies the fields given; a field left out keeps its stored value (forms send only what the person
 * changed), and the groups may be an edit of the stored set (lib/data/patch).
 * `proof`: an owner's session making someone else the owner proves it's them first (./rules.ts
 * transferNeedsProof; the password, else a code from the app, else a recent sign-in), before the write: the
 * proof counts guesses and records a refusal in writes of its own.
 */
export async function updateUser(actor: Actor, userId: string, changes: UserChanges, meta: RequestMeta, proof?: FactorProof): Promise<UserRecord> {
  if (transferNeedsProof(actor, userId, changes.role)) await assertProvesItsThem(actor, proof, "ownership.transfer", meta);
  return write(actor, async (tx, me) => {
    const before = await loadUser(tx, actor.accountId, userId);
    const plan = planUserUpdate(me, before, changes);
    const { input } = plan;
    await assertMayUpdate(tx, me, before, plan);

    // Role and group changes change what the user may do: the events say before → after.
    const roleChanges = input.role !== before.role;
    const permissionsBefore = roleChanges || plan.groups ? await resolvePermissions(tx, { accountId: actor.accountId, userId, role: before.role }) : null;
    const party = await actorParty(tx, me);
    const target = { type: "user", id: userId, label: userLabel(before) };
    const event = async (action: string, details?: Record<string, unknown>, privateDetails?: Record<string, unknown>) =>
      recordEvent(tx, { accountId: actor.accountId, action, actor: party, target, details, privateDetails, meta });

    await storeUserUpdate(tx, before, plan);
    const permissions = permissionsBefore ? permissionChange(permissionsBefore, await resolvePermissions(tx, { accountId: actor.accountId, userId, role: input.role })) : {};
    if (profileChanges(plan)) {
      const { details, privateDetails } = profileEventDetails(before, plan, permissions);
      await event("user.updated", details, privateDetails);
    }
    if (roleChanges) {
      if (input.role === "owner") {
        // Ownership moves: the actor (the owner, checked by the rules) steps down to admin, and their unused recovery
        // link ends (it stopped working with their ownership; it must not come back with it).
        await tx.update(users).set({ role: "admin" }).where(and(eq(users.accountId, actor.accountId), eq(users.id, actor.userId)));
        await endUnusedRecoveryLinks(tx, actor.accountId, actor.userId);
        await event("account.ownership.transferred", { from_user_id: actor.userId, to_user_id: userId });
      } else {
        await event("user.role.changed", { role: { from: before.role, to: input.role }, ...permissions });
      }
    }
    const ended = noneEnded();
    const blocking = input.is_blocked && !before.isBlocked;
    // Blocking ends their sessions and a person's access tokens, and withdraws their invites (lib/sessions, lib/tokens, lib/invites react).
    if (blocking) await emit(tx, "user.blocked", { accountId: actor.accountId, userId, ended });
    // What the block ended (a person's access tokens for good: lib/tokens reacts).
    if (input.is_blocked !== before.isBlocked) await event(input.is_blocked ? "user.blocked" : "user.unblocked", blocking ? { sessions_ended: ended.sessions, tokens_deleted: ended.tokens } : undefined);
    if (plan.adoptsBlock) await event("user.blocked", { reason: "directory_block_taken_over" });
    // A new role may no longer allow inviting (with their extra and group roles): their pending invites are withdrawn.
    if (roleChanges) await emit(tx, "permissions.changed", { accountId: actor.accountId, userIds: [userId], ended });
    // Leaving a group can take the actor's own management permissions away.
    if (plan.groups && userId === me.userId) await assertNoSelfLockout(tx, me);
    if (ended.invites > 0) {
      await event("invite.withdrawn", { invites: ended.invites, reason: input.is_blocked ? "inviter_blocked" : "inviter_role_changed" });
    }
    return loadUser(tx, actor.accountId, userId);
  });
}

export async function deleteUser(actor: Actor, userId: string, meta: RequestMeta): Promise<void> {
  await write(actor, async (tx, me) => {
    const target = await loadUser(tx, actor.accountId, userId);
    assertCanDeleteUser(me, target);
    await assertOutranks(tx, me, target);
    const party = await actorParty(tx, me);
    // Sessions, tokens and memberships go with the row (foreign keys cascade); events stay.
    // Their pending invites are withdrawn (lib/invites reacts).
    const ended = noneEnded();
    await emit(tx, "user.deleted", { accountId: actor.accountId, userId, ended });
    await tx.delete(users).where(and(eq(users.accountId, actor.accountId), eq(users.id, userId)));
    // Their username is held back for a while, so nobody takes over what apps keyed on it (./retired-usernames.ts).
    await retireUsername(tx, actor.accountId, userId, target.username);
    await unindexUser(tx, actor.accountId, userId);
    await countUserRemoved(tx, actor.accountId, target.isServiceUser);
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: target.isServiceUser ? "service_user.deleted" : "user.deleted",
      actor: party,
      target: { type: "user", id: userId, label: userLabel(target) },
      details: { role: target.role, invites_withdrawn: ended.invites },
      meta,
    });
  });
}

/** Block or unblock, through the same rules and events as any other update. */
export async function setUserBlocked(actor: Actor, userId: string, isBlocked: boolean, meta: RequestMeta): Promise<UserRecord> {
  return updateUser(actor, userId, { is_blocked: isBlocked }, meta);
}
