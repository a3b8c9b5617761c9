/**
 * Talking to an LDAP / Active Directory server with ldapts: bind as the
 * service account, find a person by the user filter, check their password
 * by binding as them, read their groups, and "Test connection". Every
 * operation has a timeout, and each call uses its own short connection.
 */
import "server-only";
import net from "node:net";
import { Client, Filter, InvalidCredentialsError, NoSuchObjectError, ResultCodeError, type Entry } from "ldapts";
import type { LdapGroupMapping } from "@/lib/db/schema";
import type { MessageRef } from "@/lib/errors";
import { checkedAddress, OutboundAddressRefused } from "@/lib/security/outbound-guard";

const TIMEOUT_MS = 5_000;

export type LdapConfig = {
  url: string;
  startTls: boolean;
  bindDn: string;
  bindPassword: string | null;
  searchBase: string;
  userFilter: string;
  usernameAttribute: string;
  emailAttribute: string;
  nameAttribute: string;
  groupSearchBase: string | null;
  groupFilter: string;
  groupNameAttribute: string;
  groupMapping: LdapGroupMapping[];
  /** Whether the server may be on a loopback address (lib/security/outbound-guard.ts). */
  allowInternalAddresses: boolean;
  /** The directory's CA certificate(s), PEM (./ca-certificate.ts): TLS trusts only these; null: Node's usual authorities. */
  tlsCaCertificate: string | null;
};

export type DirectoryUser = {
  dn: string;
  username: string;
  email: string | null;
  name: string | null;
  /**
   * The entry's own ids, which a username given to someone else later doesn't carry (see stableIdsOf): one per
   * id attribute the directory answered, in STABLE_ID_ATTRIBUTES' order; empty when it keeps none.
   */
  stableIds: string[];
};

/**
 * The attributes a directory keeps as an entry's id for its whole life, whatever its names become: OpenLDAP's
 * and most servers' entryUUID (RFC 4530), Active Directory's objectGUID (16 bytes), 389 Directory Server's and
 * FreeIPA's nsUniqueId. Asked by name; a server that doesn't know one ignores it (RFC 4511 4.5.1.8).
 */
const STABLE_ID_ATTRIBUTES = ["entryUUID", "objectGUID", "nsUniqueId"] as const;

/** The attribute a bound subject is an entry's id of (stableIdsOf's "attribute:value"), or undefined for a username. */
function directoryIdAttribute(subject: string): (typeof STABLE_ID_ATTRIBUTES)[number] | undefined {
  return STABLE_ID_ATTRIBUTES.find((a) => subject.startsWith(`${a.toLowerCase()}:`));
}

/** Whether a bound subject is an entry's id (stableIdsOf), not a username. */
export function isDirectoryId(subject: string): boolean {
  return directoryIdAttribute(subject) !== undefined;
}

/**
 * "entryuuid:…" (the attribute's name, lower-cased, then its value; objectGUID's bytes in hex) for each id
 * attribute the entry has. A directory may answer more than one (389 Directory Server with its entryUUID
 * plugin turned on later also keeps nsUniqueId), and a person stays bound by whichever they were bound by.
 */
export function stableIdsOf(entry: Entry): string[] {
  const ids: string[] = [];
  for (const attribute of STABLE_ID_ATTRIBUTES) {
    const value = firstRaw(entry, attribute);
    if (value === undefined) continue;
    const text = Buffer.isBuffer(value) ? value.toString("hex") : String(value).trim().toLowerCase();
    if (text) ids.push(`${attribute.toLowerCase()}:${text}`);
  }
  return ids;
}

/**
 * Whom a directory sign-in binds: the entry's first id (the username for a directory that keeps none), and the
 * subjects the person may be bound by already, each moved to it: the entry's other ids (a directory that started
 * answering a second id attribute doesn't make them someone new, whatever they typed), then the username (bound
 * by an older Latchkey, before ids were read). A username handed to someone new never carries the old entry's ids.
 */
export function directorySubjects(entry: DirectoryUser): { subject: string; formerSubjects: string[] } {
  const username = entry.username.toLowerCase();
  const [first, ...others] = entry.stableIds;
  return first === undefined ? { subject: username, formerSubjects: [] } : { subject: first, formerSubjects: [...others, username] };
}

/** The bound subjects among `wanted` that this entry answers for: any of its ids, or its username. */
export function subjectsAnsweredBy(entry: DirectoryUser, wanted: ReadonlySet<string>): string[] {
  return [...entry.stableIds, entry.username.toLowerCase()].filter((key) => wanted.has(key));
}

/** The directory could not be asked (down, TLS refused, service bind refused): not the person's fault. */
export class DirectoryUnavailable extends Error {
  constructor(
    message: string,
    /** The reason's catalog entry ("serverMessages"), for a form in the person's language. */
    readonly ref?: MessageRef,
  ) {
    super(message);
  }
}

/** A reason in English (logs, API) with its catalog entry. */
export type LdapReason = { message: string; ref: MessageRef };

/** An attribute's first value as the server sent it (names match in any case, as LDAP's do), or undefined. */
function firstRaw(entry: Entry, attribute: string): Buffer | string | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  return key === undefined ? undefined : [entry[key]].flat()[0];
}

function first(entry: Entry, attribute: string): string | null {
  const one = firstRaw(entry, attribute);
  if (one === undefined) return null;
  return (Buffer.isBuffer(one) ? one.toString("utf8") : String(one)).trim() || null;
}

/** The server answered StartTLS with a refusal (no TLS configured, or someone in between stripping it): nothing more is sent. */
class StartTlsRefused extends Error {}

async function connect(config: LdapConfig): Promise<Client> {
  const url = new URL(config.url);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  // The certificate is checked against the URL's name (Node's checkServerIdentity, never switched off). An address
  // is no TLS server name (RFC 6066): it is what the client connects to, so the check goes by it unaided.
  // rejectUnauthorized said, not left to Node's default: NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment would
  // otherwise turn the checks off silently, and no switch may (r55).
  const tlsOptions = {
    rejectUnauthorized: true,
    ...(net.isIP(host) ? {} : { servername: host }),
    ...(config.tlsCaCertificate ? { ca: config.tlsCaCertificate } : {}),
    minVersion: "TLSv1.2" as const,
  };
  // Connect to the address that was checked, not the name (which could resolve elsewhere the second time);
  // TLS still verifies the certificate against the name.
  const address = await checkedAddress(url.hostname, { allowInternal: config.allowInternalAddresses });
  const target = new URL(config.url);
  target.hostname = address.includes(":") ? `[${address}]` : address;
  // ldapts speaks TLS from the first byte whenever tlsOptions is given, so only ldaps:// gets them here.
  const client = new Client({
    url: target.href.replace(/\/$/, ""),
    timeout: TIMEOUT_MS,
    connectTimeout: TIMEOUT_MS,
    strictDN: false,
    ...(url.protocol === "ldaps:" ? { tlsOptions } : {}),
  });
  if (config.startTls && url.protocol === "ldap:") {
    try {
      await client.startTLS(tlsOptions);
    } catch (err) {
      // Never on without TLS: the connection ends here, before any bind.
      await client.unbind().catch(() => undefined);
      throw err instanceof ResultCodeError ? new StartTlsRefused(err.message) : err;
    }
  }
  return client;
}

/** Node's codes (OpenSSL's verify results) for a certificate no trusted authority vouches for. */
const UNTRUSTED_CERTIFICATE = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "INVALID_CA",
]);

/** Why the directory's certificate was refused, or null for anything else. */
function certificateReason(code: string | undefined, config: Pick<LdapConfig, "url"> & { tlsCaCertificate?: string | null }): LdapReason | null {
  const { url } = config;
  if (code && UNTRUSTED_CERTIFICATE.has(code)) {
    return config.tlsCaCertificate
      ? {
          message: `The certificate of ${url} is not trusted: it is not signed by the CA certificate in these settings (or it is self-signed). Check that the server presents the certificate your CA issued for it.`,
          ref: { key: "ldapCertificateNotFromCa", params: { url } },
        }
      : {
          message: `The certificate of ${url} is not trusted: no certificate authority this server trusts signed it. If your directory uses a private CA, paste its certificate under "Trusted CA certificate".`,
          ref: { key: "ldapCertificateUntrusted", params: { url } },
        };
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return {
      message: `The certificate of ${url} is not issued for ${host}: use a server URL with a name the certificate carries (its subject alternative names), or have the directory's certificate issued for ${host}`,
      ref: { key: "ldapCertificateName", params: { url, host } },
    };
  }
  if (code === "CERT_HAS_EXPIRED") return { message: `The certificate of ${url} has expired: renew it on the directory server`, ref: { key: "ldapCertificateExpired", params: { url } } };
  if (code === "CERT_NOT_YET_VALID") {
    return { message: `The certificate of ${url} is not valid yet: check the clocks of this server and of the directory`, ref: { key: "ldapCertificateNotYetValid", params: { url } } };
  }
  return null;
}

async function withServiceBind<T>(config: LdapConfig, run: (client: Client) => Promise<T>): Promise<T> {
  let client: Client | undefined;
  try {
    client = await connect(config);
    if (config.bindDn) await client.bind(config.bindDn, config.bindPassword ?? "");
    return await run(client);
  } catch (err) {
    if (err instanceof DirectoryUnavailable) throw err;
    const reason = ldapReason(err, config);
    throw new DirectoryUnavailable(reason.message, reason.ref);
  } finally {
    await client?.unbind().catch(() => undefined);
  }
}

/** An admin-readable reason for a failed LDAP operation, with its catalog entry. */
export function ldapReason(err: unknown, config: Pick<LdapConfig, "url" | "bindDn" | "searchBase"> & { tlsCaCertificate?: string | null }): LdapReason {
  const { url, bindDn, searchBase: base } = config;
  if (err instanceof StartTlsRefused) {
    return { message: `${url} did not accept StartTLS, so nothing was sent over the connection: turn on TLS on the directory, or use ldaps://`, ref: { key: "ldapStartTlsRefused", params: { url } } };
  }
  if (err instanceof InvalidCredentialsError) return { message: `The server refused the bind DN ${bindDn} with this password.`, ref: { key: "ldapBindRefused", params: { bindDn } } };
  if (err instanceof NoSuchObjectError) return { message: `The search base ${base} does not exist on the server.`, ref: { key: "ldapNoSearchBase", params: { base } } };
  if (err instanceof OutboundAddressRefused) {
    return err.reason === "internal"
      ? { message: `${url} is on this machine (a loopback address). Turn on "Allow internal addresses" to use it.`, ref: { key: "ldapLoopback", params: { url } } }
      : { message: `${url} is a link-local or cloud metadata address, which Latchkey never contacts.`, ref: { key: "addressMetadata", params: { address: url } } };
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return { message: `The host of ${url} could not be found (DNS).`, ref: { key: "ldapHostNotFound", params: { url } } };
  // A certificate refused: said as such (the owner must act on it), which tells no more than that a TLS server is there.
  const certificate = certificateReason(code, config);
  if (certificate) return certificate;
  // An LDAP server's own answer is worth showing (as it said it); anything else (refused, timeout, TLS,
  // a server that is not LDAP) reads the same, so the test cannot be used to map which ports are open.
  if (err instanceof ResultCodeError) return { message: `LDAP error from ${url}: ${err.message}`, ref: { key: "ldapServerError", params: { url, detail: err.message } } };
  const seconds = TIMEOUT_MS / 1000;
  return {
    message: `Could not connect to ${url} within ${seconds} s: no answer, connection refused, TLS not accepted, or not an LDAP server.`,
    ref: { key: "ldapUnreachable", params: { url, seconds } },
  };
}

/** The one entry the user filter finds for this username, or null (none, or ambiguous). */
export async function findDirectoryUser(config: LdapConfig, username: string): Promise<DirectoryUser | null> {
  if (!username || username.length > 256) return null;
  return findOneEntry(config, config.userFilter.replaceAll("{username}", Filter.escape(username)), username);
}

/** A filter clause matching the entry with this id (stableIdsOf's "attribute:value"), or null for a username or a malformed id. */
function idClause(stableId: string): string | null {
  const attribute = directoryIdAttribute(stableId);
  if (!attribute) return null;
  const value = stableId.slice(attribute.length + 1);
  // objectGUID is 16 bytes, matched byte by byte (RFC 4515's \hh); the others are text.
  const assertion = attribute === "objectGUID" ? (value.match(/^[0-9a-f]{32}$/) ? value.replace(/../g, "\\$&") : null) : Filter.escape(value);
  return assertion === null ? null : `(${attribute}=${assertion})`;
}

/** The user filter as it matches any username: who may sign in at all. */
function anyUserFilter(config: LdapConfig): string {
  return config.userFilter.replaceAll("{username}", "*");
}

/**
 * The entry with this id (stableIdsOf's "attribute:value"), if the user filter still lets it sign in (with any
 * username), or null: how a person already bound to their entry is found again, whatever their username now.
 */
export async function findDirectoryUserById(config: LdapConfig, stableId: string): Promise<DirectoryUser | null> {
  const clause = idClause(stableId);
  if (clause === null) return null;
  return findOneEntry(config, `(&${anyUserFilter(config)}${clause})`, null);
}

const ENTRY_ATTRIBUTES = (config: LdapConfig) => [config.usernameAttribute, config.emailAttribute, config.nameAttribute, ...STABLE_ID_ATTRIBUTES];

/** An entry as a DirectoryUser; `typed`: the username to go by when the entry has none (null: then it is nobody). */
function directoryUserOf(config: LdapConfig, entry: Entry, typed: string | null): DirectoryUser | null {
  const username = first(entry, config.usernameAttribute) ?? typed;
  if (!username) return null;
  return { dn: entry.dn, username, email: first(entry, config.emailAttribute), name: first(entry, config.nameAttribute), stableIds: stableIdsOf(entry) };
}

/** The one entry `filter` finds, or null; `typed`: the username to go by when the entry has none. */
async function findOneEntry(config: LdapConfig, filter: string, typed: string | null): Promise<DirectoryUser | null> {
  return withServiceBind(config, async (client) => {
    const { searchEntries } = await client.search(config.searchBase, {
      scope: "sub",
      filter,
      attributes: ENTRY_ATTRIBUTES(config),
      explicitBufferAttributes: ["objectGUID"],
      sizeLimit: 2,
    });
    return searchEntries.length === 1 ? directoryUserOf(config, searchEntries[0], typed) : null;
  }).catch((err) => {
    // A size-limit error means the filter matched more than one entry: nobody in particular.
    if (err instanceof DirectoryUnavailable && /size limit/i.test(err.message)) return null;
    throw err;
  });
}

/** Bound subjects per search in findBoundEntries: a filter of a few kilobytes, well under servers' limits (and slapd's default size limit of 500). */
const SUBJECTS_PER_SEARCH = 100;

/** findBoundEntries' answer: the entries found, by bound subject, and the subjects it can't answer for. */
export type BoundEntries = {
  found: Map<string, DirectoryUser>;
  /**
   * Subjects the answer can't be matched to reliably, neither found nor missing: an id that is no filter (a
   * malformed objectGUID), or a person bound by username whose search returned an entry that matches no bound
   * subject (no username attribute, or another value of it), which may be theirs.
   */
  unsure: Set<string>;
};

/**
 * The entries that people bound to this directory are still bound to, by their bound subject (an entry's id,
 * or for people bound before ids were read, their username), where the user filter still lets them sign in.
 * A subject neither found nor unsure has no such entry. One search per SUBJECTS_PER_SEARCH people, an OR of
 * their ids inside the user filter, over one connection: only the bound people are read, however large the
 * directory. Throws DirectoryUnavailable when the directory can't be asked: never a partial answer.
 */
export async function findBoundEntries(config: LdapConfig, subjects: readonly string[]): Promise<BoundEntries> {
  const found = new Map<string, DirectoryUser>();
  const unsure = new Set<string>();
  if (subjects.length === 0) return { found, unsure };
  const wanted = new Set(subjects);
  await withServiceBind(config, async (client) => {
    for (let i = 0; i < subjects.length; i += SUBJECTS_PER_SEARCH) {
      const batch = subjects.slice(i, i + SUBJECTS_PER_SEARCH);
      const byUsername = batch.filter((subject) => !isDirectoryId(subject));
      const clauses: string[] = [];
      for (const subject of batch) {
        const byId = idClause(subject);
        if (byId !== null) clauses.push(`(&${anyUserFilter(config)}${byId})`);
        // Bound by username: the user filter as a sign-in with that username would use it.
        else if (!isDirectoryId(subject)) clauses.push(config.userFilter.replaceAll("{username}", Filter.escape(subject)));
        else unsure.add(subject);
      }
      if (clauses.length === 0) continue;
      const { searchEntries } = await client.search(config.searchBase, { scope: "sub", filter: `(|${clauses.join("")})`, attributes: ENTRY_ATTRIBUTES(config), explicitBufferAttributes: ["objectGUID"] });
      let unmatched = false;
      for (const entry of searchEntries) {
        const user = directoryUserOf(config, entry, entry.dn)!;
        const keys = subjectsAnsweredBy(user, wanted);
        for (const key of keys) found.set(key, user);
        if (keys.length === 0) unmatched = true;
      }
      // An entry that matches nobody by name was found by someone's username: whose isn't known, so none of
      // this batch's username-bound people not found otherwise counts as missing (a sign-in goes by what they type).
      if (unmatched) for (const subject of byUsername) if (!found.has(subject)) unsure.add(subject);
    }
  });
  return { found, unsure };
}

/** Whether the password is the person's: a simple bind as them. An empty password is never tried (it would be an anonymous bind). */
export async function verifyDirectoryPassword(config: LdapConfig, dn: string, password: string): Promise<boolean> {
  if (!password) return false;
  let client: Client | undefined;
  try {
    client = await connect(config);
    await client.bind(dn, password);
    return true;
  } catch (err) {
    if (err instanceof InvalidCredentialsError) return false;
    const reason = ldapReason(err, config);
    throw new DirectoryUnavailable(reason.message, reason.ref);
  } finally {
    await client?.unbind().catch(() => undefined);
  }
}

/** Names of the directory groups the entry belongs to (empty without a group search base). */
export async function directoryGroupNames(config: LdapConfig, dn: string): Promise<string[]> {
  if (!config.groupSearchBase) return [];
  const filter = config.groupFilter.replaceAll("{dn}", Filter.escape(dn));
  return withServiceBind(config, async (client) => {
    const { searchEntries } = await client.search(config.groupSearchBase!, {
      scope: "sub",
      filter,
      attributes: [config.groupNameAttribute],
      sizeLimit: 500,
    });
    return searchEntries.flatMap((e) => [first(e, config.groupNameAttribute), e.dn]).filter((v): v is string => Boolean(v));
  });
}

/** "Test connection": what happened, in English (API) and as a catalog entry (the form). */
export type LdapTestResult = { ok: boolean; message: string; ref?: MessageRef };

/** Connects (with StartTLS if set), binds as the service account and reads the search base. */
export async function testDirectory(config: LdapConfig): Promise<LdapTestResult> {
  try {
    const count = await withServiceBind(config, async (client) => {
      const { searchEntries } = await client.search(config.searchBase, {
        scope: "sub",
        filter: config.userFilter.replaceAll("{username}", "*"),
        attributes: ["1.1"],
        sizeLimit: 1000,
      }).catch((err) => {
        if (/size limit/i.test(String((err as Error).message))) return { searchEntries: new Array(1000) };
        throw err;
      });
      return searchEntries.length;
    });
    const users = count >= 1000 ? "1000 or more users" : `${count} ${count === 1 ? "user" : "users"}`;
    return {
      ok: true,
      message: `Connected to ${config.url}${config.startTls ? " (StartTLS)" : ""}, bound as ${config.bindDn || "anonymous"}; the user filter finds ${users} under ${config.searchBase}.`,
      ref: {
        key: "ldapConnected",
        params: {
          url: config.url,
          startTls: config.startTls ? "yes" : "no",
          bound: config.bindDn || { key: "ldapAnonymous" },
          users: count >= 1000 ? { key: "ldapManyUsers" } : { key: "ldapUsers", params: { count } },
          base: config.searchBase,
        },
      },
    };
  } catch (err) {
    const reason = err instanceof DirectoryUnavailable ? { message: err.message, ref: err.ref } : ldapReason(err, config);
    return { ok: false, ...reason };
  }
}
