/**
 * Signing in a directory user on the normal sign-in form: find them with the
 * user filter, check the password by binding as them, then find or create
 * their Latchkey user (./../external-sign-in.ts) and sync mapped groups.
 */
import "server-only";
import type { RequestMeta } from "@/lib/auth/actor";
import type { LdapSourceRow } from "@/lib/db/schema";
import { signInExternal, type ExternalPolicy, type ExternalSignedIn } from "../external-sign-in";
import { directorySubjects, findDirectoryUser, findDirectoryUserById, isDirectoryId, verifyDirectoryPassword, type DirectoryUser, type LdapConfig } from "./directory";
import { mappedGroupsOf } from "./group-mapping";
import { ldapConfigOf } from "./source";

/** Unknown to the directory, or the wrong password: the caller answers both the same way. */
export class DirectoryCredentialsRejected extends Error {
  constructor(readonly reason: "unknown_user" | "wrong_password") {
    super(reason);
  }
}

/**
 * Whom to look up: `typed`, what the person typed; `boundTo`, the directory subject the Latchkey user they typed
 * is bound by, if any: an entry's id (./directory.ts stableIdsOf) or, for people bound before ids were read, the
 * username (so a person who typed their email is found by it).
 */
export type DirectoryLookup = { typed: string; boundTo: string | null };

/** The entry a sign-in is about: the bound entry by its id; if it is gone (a username reused), what was typed. */
async function lookUp(config: LdapConfig, { typed, boundTo }: DirectoryLookup): Promise<DirectoryUser | null> {
  if (boundTo && !isDirectoryId(boundTo)) return findDirectoryUser(config, boundTo);
  return (boundTo ? await findDirectoryUserById(config, boundTo) : null) ?? findDirectoryUser(config, typed);
}

/** `beforeSession`: the orchestration's last word before a session (two-factor's second step), see ExternalPolicy. */
export async function signInWithDirectory(
  source: LdapSourceRow,
  lookup: DirectoryLookup,
  password: string,
  meta: RequestMeta,
  /** Asked before the session (two-factor's second step), and the only person it may be (ExternalPolicy's). */
  { beforeSession, onlyPerson }: Pick<ExternalPolicy, "beforeSession" | "onlyPerson"> = {},
): Promise<ExternalSignedIn> {
  const config = ldapConfigOf(source);
  const entry = await lookUp(config, lookup);
  if (!entry) throw new DirectoryCredentialsRejected("unknown_user");
  if (!(await verifyDirectoryPassword(config, entry.dn, password))) throw new DirectoryCredentialsRejected("wrong_password");

  const syncGroups = await mappedGroupsOf(config, entry.dn);
  return signInExternal(
    source.accountId,
    {
      idpId: source.id,
      // The entry's own id where the directory keeps one: a username handed to someone new later is then a new
      // person here, not the old account. People bound by another of its ids, or by username before, are moved to it.
      ...directorySubjects(entry),
      email: entry.email,
      emailVerified: true,
      name: entry.name,
      username: entry.username,
    },
    {
      method: "ldap",
      sourceName: source.name,
      signup: source.autoCreate ? "open" : "existing",
      allowedDomains: [],
      allowLinking: false,
      matchByEmail: false,
      defaultRole: source.defaultRole === "owner" ? "user" : source.defaultRole,
      defaultGroups: syncGroups?.member ?? [],
      syncGroups,
      beforeSession,
      onlyPerson,
    },
    meta,
  );
}

/**
 * The same directory lookup a directory sign-in makes, for attempts that end
 * up elsewhere, so that whether an identifier is a local user doesn't show in
 * the time an attempt takes. Its answer and errors are ignored.
 */
export async function directoryLookupCover(source: LdapSourceRow, username: string): Promise<void> {
  await findDirectoryUser(ldapConfigOf(source), username).catch(() => null);
}
