/**
 * Talking to an LDAP / Active Directory server with ldapts: bind as the
 * service account, find a person by the user filter, check their password
 * by binding as them, read their groups, and "Test connection". Every
 * operation has a timeout, and each call uses its own short connection.
 */
import "server-only";
import { Client, Filter, InvalidCredentialsError, NoSuchObjectError, ResultCodeError, type Entry } from "ldapts";
import type { LdapGroupMapping } from "@/lib/db/schema";
import { checkedAddress, OutboundAddressRefused } from "../outbound-guard";

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
  /** Whether the server may be on a loopback address (lib/idp/outbound-guard.ts). */
  allowInternalAddresses: boolean;
};

export type DirectoryUser = { dn: string; username: string; email: string | null; name: string | null };

/** The directory could not be asked (down, TLS refused, service bind refused): not the person's fault. */
export class DirectoryUnavailable extends Error {}

function first(entry: Entry, attribute: string): string | null {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  if (!key) return null;
  const value = entry[key];
  const one = Array.isArray(value) ? value[0] : value;
  if (one === undefined) return null;
  return (Buffer.isBuffer(one) ? one.toString("utf8") : String(one)).trim() || null;
}

async function connect(config: LdapConfig): Promise<Client> {
  const url = new URL(config.url);
  const tlsOptions = { servername: url.hostname.replace(/^\[|\]$/g, ""), minVersion: "TLSv1.2" as const };
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
  if (config.startTls && url.protocol === "ldap:") await client.startTLS(tlsOptions);
  return client;
}

async function withServiceBind<T>(config: LdapConfig, run: (client: Client) => Promise<T>): Promise<T> {
  let client: Client | undefined;
  try {
    client = await connect(config);
    if (config.bindDn) await client.bind(config.bindDn, config.bindPassword ?? "");
    return await run(client);
  } catch (err) {
    if (err instanceof DirectoryUnavailable) throw err;
    throw new DirectoryUnavailable(describeLdapError(err, config));
  } finally {
    await client?.unbind().catch(() => undefined);
  }
}

/** An admin-readable reason for a failed LDAP operation. */
export function describeLdapError(err: unknown, config: Pick<LdapConfig, "url" | "bindDn" | "searchBase">): string {
  if (err instanceof InvalidCredentialsError) return `The server refused the bind DN ${config.bindDn} with this password.`;
  if (err instanceof NoSuchObjectError) return `The search base ${config.searchBase} does not exist on the server.`;
  if (err instanceof OutboundAddressRefused) {
    return err.reason === "internal"
      ? `${config.url} is on this machine (a loopback address). Turn on "Allow internal addresses" to use it.`
      : `${config.url} is a link-local or cloud metadata address, which Latchkey never contacts.`;
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `The host of ${config.url} could not be found (DNS).`;
  // An LDAP server's own answer is worth showing; anything else (refused, timeout, TLS, a server
  // that is not LDAP) reads the same, so the test cannot be used to map which ports are open.
  if (err instanceof ResultCodeError) return `LDAP error from ${config.url}: ${err.message}`;
  return `Could not connect to ${config.url} within ${TIMEOUT_MS / 1000} s: no answer, connection refused, TLS not accepted, or not an LDAP server.`;
}

/** The one entry the user filter finds for this username, or null (none, or ambiguous). */
export async function findDirectoryUser(config: LdapConfig, username: string): Promise<DirectoryUser | null> {
  if (!username || username.length > 256) return null;
  const filter = config.userFilter.replaceAll("{username}", Filter.escape(username));
  return withServiceBind(config, async (client) => {
    const { searchEntries } = await client.search(config.searchBase, {
      scope: "sub",
      filter,
      attributes: [config.usernameAttribute, config.emailAttribute, config.nameAttribute],
      sizeLimit: 2,
    });
    if (searchEntries.length !== 1) return null;
    const entry = searchEntries[0];
    return {
      dn: entry.dn,
      username: first(entry, config.usernameAttribute) ?? username,
      email: first(entry, config.emailAttribute),
      name: first(entry, config.nameAttribute),
    };
  }).catch((err) => {
    // A size-limit error means the filter matched more than one entry: nobody in particular.
    if (err instanceof DirectoryUnavailable && /size limit/i.test(err.message)) return null;
    throw err;
  });
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
    throw new DirectoryUnavailable(describeLdapError(err, config));
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

export type LdapTestResult = { ok: true; message: string } | { ok: false; message: string };

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
    return { ok: true, message: `Connected to ${config.url}${config.startTls ? " (StartTLS)" : ""}, bound as ${config.bindDn || "anonymous"}; the user filter finds ${users} under ${config.searchBase}.` };
  } catch (err) {
    return { ok: false, message: err instanceof DirectoryUnavailable ? err.message : describeLdapError(err, config) };
  }
}
