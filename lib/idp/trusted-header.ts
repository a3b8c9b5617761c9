/**
 * Trusted header (reverse proxy) authentication. Off by default. When on, a
 * request whose socket peer address (never X-Forwarded-For: the client
 * writes that) is in a trusted range and which carries the user header signs
 * that user in. The same header from any other address is ignored.
 *
 * Who the header names: a user who came in through the proxy before (by the
 * header's user name), else an existing user or auditor with the proxy's
 * email (email header, or the user name when it is an email address); never
 * an owner or admin by email (./external-sign-in.ts). With auto-create on,
 * anyone else with an email gets a new user with the default role. Only the
 * owner configures it.
 */
import "server-only";
import crypto from "node:crypto";
import { isAddressInRanges } from "@/lib/http/address-ranges";
import type { RequestMeta } from "@/lib/auth/actor";
import { db } from "@/lib/db/database";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { instanceAccountId } from "@/lib/instance/account";
import { hasInvisibleCharacters, hasUnsafeDisplayCharacters } from "@/lib/format/display-text";
import { signInExternal, type ExternalIdentity, type ExternalPolicy, type ExternalSignedIn } from "./external-sign-in";
import { HEADER_IDP_ID, loadSignInSettings, type SignInSettings } from "./records";

export const PROXY_SOURCE_NAME = "Your sign-in proxy";


/** What a request sent in the header, without the spaces and tabs HTTP puts around a value (not trim()'s set). */
export function sentHeader(headers: Headers, name: string): string | undefined {
  return headers.get(name)?.replace(/^[ \t]+|[ \t]+$/g, "");
}

/** A header's value: as sent (sentHeader), bounded, without a C0 control or DEL. */
function headerText(headers: Headers, name: string | null): string | null {
  if (!name) return null;
  const value = sentHeader(headers, name);
  if (!value || value.length > 256 || /[\u0000-\u001f\u007f]/.test(value)) return null;
  return value;
}

/**
 * A header value fit to identify someone (the user and email headers). HTTP hands each byte over as one character
 * (Latin-1), and JavaScript's trim() would also drop a no-break space (0xA0), making a proxy's "alice" + 0xA0 into
 * "alice" (review 45): headerText drops only HTTP's spaces and tabs. A control character (C0, C1), a no-break space,
 * an invisible one (a soft hyphen, a zero-width space) or a direction mark anywhere refuses the value: no proxy's
 * honest user name carries them. The value itself is kept as it was read (the subject a person was first seen with
 * stays theirs). The display name header is not held to this: asDisplayText cleans what a name carries.
 */
export function headerValue(headers: Headers, name: string | null): string | null {
  const value = headerText(headers, name);
  if (!value) return null;
  const text = whatItSays(value);
  if (hasUnsafeDisplayCharacters(text) || hasInvisibleCharacters(text) || text.includes("\u00a0")) return null;
  return value;
}

/**
 * The text a header value carries, for the check above. A proxy sends a name outside ASCII as UTF-8, whose bytes
 * read as Latin-1 hold C1 controls and no-break spaces ("Łukasz" is 0xC5 0x81 …, "à" 0xC3 0xA0): judged as those
 * bytes, every such name would be refused. A value that is UTF-8 is judged as the text it encodes; any other
 * (Latin-1 from an older proxy, or a lone byte like "alice" + 0xA0) as the characters it was read as.
 */
function whatItSays(value: string): string {
  if (/[^\u0000-\u00ff]/.test(value)) return value;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(value, "latin1"));
  } catch {
    return value;
  }
}

export type ProxyIdentity = { user: string; email: string | null; name: string | null };

/** The identity the proxy asserts, or null when header sign-in is off, the peer is untrusted, or there's no header. */
export function proxyIdentity(headers: Headers, settings: SignInSettings): ProxyIdentity | null {
  if (!settings.headerEnabled || settings.headerTrustedRanges.length === 0) return null;
  if (!isAddressInRanges(headers.get(PEER_HEADER), settings.headerTrustedRanges)) return null;
  const user = headerValue(headers, settings.headerUser);
  if (!user) return null;
  const email = headerValue(headers, settings.headerEmail) ?? (user.includes("@") ? user : null);
  // A header sent twice reads as its values joined with a comma: a proxy that adds its header beside the
  // client's (rather than replacing it) would otherwise sign in a name the client wrote half of (review 45).
  // No user name or address a proxy vouches for holds one; a display name may ("Doe, Jane").
  if (user.includes(",") || email?.includes(",")) return null;
  return { user, email, name: headerText(headers, settings.headerName) };
}

/** For the sign-in page: whether this request could be signed in by its proxy. */
export async function proxySignInAvailable(headers: Headers): Promise<boolean> {
  const accountId = await instanceAccountId();
  return accountId !== null && proxyIdentity(headers, await loadSignInSettings(db(), accountId)) !== null;
}

export class NoProxyIdentity extends Error {}

/**
 * Which proxy identity a session signed in through the header belongs to: the header's name and a digest
 * of the user it named (the session cookie carries it; never the name itself).
 */
export type ProxyBinding = { header: string; user: string };

const userDigest = (user: string) => crypto.createHash("sha256").update(user.toLowerCase()).digest("base64url").slice(0, 22);

/**
 * Whether a request may go on with a session the proxy header signed in: yes, unless the request carries
 * that header naming someone else. A shared browser whose proxy sign-in changed hands (the proxy now names
 * Bob) is then no longer Alice's session; a request without the header (a path the proxy leaves bare) goes
 * on. Whoever sends the header, a trusted proxy or not, can only end the session for their own request.
 */
export function proxyStillNames(binding: ProxyBinding, header: (name: string) => string | string[] | null | undefined): boolean {
  const sent = header(binding.header);
  const value = (Array.isArray(sent) ? sent.join(", ") : sent)?.trim();
  return !value || userDigest(value) === binding.user;
}

/** The proxy's identity as the external sign-in takes it. */
export function headerIdentity(who: ProxyIdentity): ExternalIdentity {
  return { idpId: HEADER_IDP_ID, subject: who.user.toLowerCase(), email: who.email, emailVerified: true, name: who.name ?? who.user, username: who.user };
}

/** The proxy header's rules for the external sign-in (`onlyPerson`: ExternalPolicy's). */
export function headerPolicy(settings: SignInSettings, onlyPerson?: string): ExternalPolicy {
  return {
    method: "header",
    sourceName: PROXY_SOURCE_NAME,
    signup: settings.headerAutoCreate ? "open" : "existing",
    allowedDomains: [],
    allowLinking: false,
    matchByEmail: true,
    defaultRole: settings.headerDefaultRole === "owner" ? "user" : settings.headerDefaultRole,
    defaultGroups: [],
    onlyPerson,
  };
}

/** `onlyPerson`: the only person this sign-in may be (ExternalPolicy.onlyPerson), when an app asked them to confirm it's them. */
export async function signInWithTrustedHeader(headers: Headers, meta: RequestMeta, onlyPerson?: string): Promise<ExternalSignedIn & { proxy: ProxyBinding }> {
  const accountId = await instanceAccountId();
  if (!accountId) throw new NoProxyIdentity("Setup is not complete");
  const settings = await loadSignInSettings(db(), accountId);
  const who = proxyIdentity(headers, settings);
  if (!who) throw new NoProxyIdentity("No trusted proxy header on this request");
  const signedIn = await signInExternal(accountId, headerIdentity(who), headerPolicy(settings, onlyPerson), meta);
  return { ...signedIn, proxy: { header: settings.headerUser.toLowerCase(), user: userDigest(who.user) } };
}
