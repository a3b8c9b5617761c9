/**
 * The account's mail settings (Settings → Email): the SMTP server, the
 * sender, the public address links start with, and which security notices
 * are sent. SMTP_URL / SMTP_FROM / PUBLIC_URL in the environment win over the
 * stored values (then the page is read-only for them). The SMTP password is
 * sealed at rest and never leaves this module except to the transport.
 */
import "server-only";
import { eq } from "drizzle-orm";
import { literalLimit } from "@/lib/db/prepared";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertCan, can } from "@/lib/auth/policy";
import { recordEvent } from "@/lib/audit/record";
import { config } from "@/lib/config";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import { write } from "@/lib/data/unit-of-work";
import { db, type Db, type Tx } from "@/lib/db/database";
import { mailSettings, type MailSecurity, type MailSettingsRow } from "@/lib/db/schema";
import { Conflict, Invalid, PreconditionFailed } from "@/lib/errors";
import { mailBrandOf, type MailBrand } from "@/lib/instance/branding";
import { publicUrlFrom } from "@/lib/instance/public-url";
import { patched, type Patch } from "@/lib/data/patch";
import { parseOrThrow } from "@/lib/http/validation";
import { assertProvesItsThem } from "@/lib/mfa/proof";
import { mailSettingsInputSchema, mailSettingsProofSchema, type MailSettingsInput, type MailSettingsProof } from "./schemas";

/** A change of the settings: the fields that change (and the proof, when a session moves where mail goes). */
export type MailSettingsPatch = Patch<MailSettingsInput & MailSettingsProof> | Record<string, unknown>;

export type MailNotices = { passwordChanged: boolean; twoFactorChanged: boolean; accessTokenCreated: boolean; newBrowser: boolean };
export type NoticeKind = keyof MailNotices;

/** What the page and the API show: never the password. */
export type MailSettingsView = {
  /** environment: SMTP_URL is set (server and sender are read-only). */
  source: "environment" | "settings";
  host: string | null;
  port: number;
  security: MailSecurity;
  /** Only for the owner (settings:email): to others, whether one is set. */
  username: string | null;
  hasUsername: boolean;
  hasPassword: boolean;
  fromName: string | null;
  fromAddress: string | null;
  publicUrl: string | null;
  publicUrlFromEnvironment: boolean;
  notices: MailNotices;
  /** Mail is sent: a server, a sender and a public address are all known. */
  enabled: boolean;
};

/** What the sender needs (the password opened). */
export type MailTransportSettings = {
  url: string | null;
  host: string | null;
  port: number;
  security: MailSecurity;
  username: string | null;
  password: string | null;
  fromName: string | null;
  fromAddress: string | null;
  publicUrl: string | null;
};

const passwordField = (accountId: string) => ({ table: "mail_settings", column: "password", rowId: accountId });

async function loadRow(q: Db | Tx, accountId: string): Promise<MailSettingsRow | undefined> {
  const [row] = await q.select().from(mailSettings).where(eq(mailSettings.accountId, accountId)).limit(literalLimit(1));
  return row;
}

/** "Name <address>" or "address" (SMTP_FROM) split into its parts. */
function parseFrom(from: string): { name: string | null; address: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  if (match) return { name: match[1].trim() || null, address: match[2].trim() };
  return { name: null, address: from.trim() };
}

function fromEnvironment(): Omit<MailTransportSettings, "publicUrl"> | null {
  const { smtpUrl, smtpFrom } = config();
  if (!smtpUrl) return null;
  const url = new URL(smtpUrl);
  const from = smtpFrom ? parseFrom(smtpFrom) : null;
  const tls = url.protocol === "smtps:";
  return {
    url: smtpUrl,
    host: url.hostname || null,
    port: url.port ? Number(url.port) : tls ? 465 : 587,
    security: tls ? "tls" : "starttls",
    username: url.username ? decodeURIComponent(url.username) : null,
    password: url.password ? decodeURIComponent(url.password) : null,
    fromName: from?.name ?? null,
    fromAddress: from?.address ?? (url.username && url.username.includes("%40") ? decodeURIComponent(url.username) : null),
  };
}

/** The settings the sender uses now (environment first); no permission check: the system sends. */
export async function mailTransportSettings(q: Db | Tx, accountId: string): Promise<MailTransportSettings> {
  const row = await loadRow(q, accountId);
  const env = fromEnvironment();
  const publicUrl = publicUrlFrom(row);
  if (env) return { ...env, publicUrl };
  return {
    url: null,
    host: row?.host ?? null,
    port: row?.port ?? 587,
    security: row?.security ?? "starttls",
    username: row?.username ?? null,
    password: row?.passwordCiphertext ? decryptField(row.passwordCiphertext, passwordField(accountId)) : null,
    fromName: row?.fromName ?? null,
    fromAddress: row?.fromAddress ?? null,
    publicUrl,
  };
}

export function mailEnabled(s: Pick<MailTransportSettings, "host" | "url" | "fromAddress" | "publicUrl">): boolean {
  return Boolean((s.url || s.host) && s.fromAddress && s.publicUrl);
}

export function noticesOf(row: MailSettingsRow | undefined): MailNotices {
  return {
    passwordChanged: row?.noticePasswordChanged ?? true,
    twoFactorChanged: row?.noticeTwoFactorChanged ?? true,
    accessTokenCreated: row?.noticeAccessTokenCreated ?? true,
    newBrowser: row?.noticeNewBrowser ?? true,
  };
}

/** Whether mail is sent, and where its links point (no permission check: any service that may send asks this). */
export async function mailStatus(q: Db | Tx, accountId: string): Promise<{ enabled: boolean; publicUrl: string | null; notices: MailNotices; brand: MailBrand }> {
  const s = await mailTransportSettings(q, accountId);
  return { enabled: mailEnabled(s), publicUrl: s.publicUrl, notices: noticesOf(await loadRow(q, accountId)), brand: await mailBrandOf(q, accountId, s.publicUrl) };
}

/** Whether mail is sent (pages deciding to offer "by email"); nothing secret. */
export async function mailIsOn(accountId: string): Promise<boolean> {
  return mailEnabled(await mailTransportSettings(db(), accountId));
}

/** `showUsername`: the owner's view; admins and auditors learn only whether a username is set. */
async function view(q: Db | Tx, accountId: string, showUsername: boolean): Promise<MailSettingsView> {
  const row = await loadRow(q, accountId);
  const s = await mailTransportSettings(q, accountId);
  return {
    source: s.url ? "environment" : "settings",
    host: s.host,
    port: s.port,
    security: s.security,
    username: showUsername ? s.username : null,
    hasUsername: s.username !== null,
    hasPassword: s.url ? s.password !== null : Boolean(row?.passwordCiphertext),
    fromName: s.fromName,
    fromAddress: s.fromAddress,
    publicUrl: s.publicUrl,
    publicUrlFromEnvironment: config().publicUrl !== null,
    notices: noticesOf(row),
    enabled: mailEnabled(s),
  };
}

const READ_DENIED = "Only admins, auditors and the owner can see the mail settings";
const MANAGE_DENIED = "Only the owner can change the mail settings";
const SAVED_MEANWHILE = "The mail settings changed while you were saving: check them and save again";

export async function getMailSettings(actor: Actor): Promise<MailSettingsView> {
  assertCan(actor, "settings:read", READ_DENIED);
  return view(db(), actor.accountId, can(actor, "settings:email"));
}

/** What is stored, as the form and the API send it (snake_case; never the password): what a patch is laid over. */
function storedInput(row: MailSettingsRow | undefined): MailSettingsInput {
  const s = pick(row);
  return {
    host: s.host,
    port: s.port,
    security: s.security,
    username: s.username,
    from_name: s.fromName,
    from_address: s.fromAddress,
    public_url: s.publicUrl,
    notice_password_changed: s.noticePasswordChanged,
    notice_two_factor_changed: s.noticeTwoFactorChanged,
    notice_access_token_created: s.noticeAccessTokenCreated,
    notice_new_browser: s.noticeNewBrowser,
  };
}

type StoredValues = ReturnType<typeof pick>;

/** The row's columns a save writes (the defaults when nothing is stored yet). */
function pick(row: MailSettingsRow | undefined) {
  const notices = noticesOf(row);
  return {
    host: row?.host ?? null,
    port: row?.port ?? 587,
    security: row?.security ?? ("starttls" as MailSecurity),
    username: row?.username ?? null,
    fromName: row?.fromName ?? null,
    fromAddress: row?.fromAddress ?? null,
    publicUrl: row?.publicUrl ?? null,
    noticePasswordChanged: notices.passwordChanged,
    noticeTwoFactorChanged: notices.twoFactorChanged,
    noticeAccessTokenCreated: notices.accessTokenCreated,
    noticeNewBrowser: notices.newBrowser,
  };
}

/** Where the server's stored password would be sent: it follows these only when entered again. */
const ENDPOINT = { host: "host", port: "port", security: "security setting", username: "username" } as const;
/** Where mail goes (reset links, invites, security notices): a session changing these proves it's the owner. */
const WHERE_MAIL_GOES = ["host", "port", "security", "username", "fromAddress", "publicUrl"] as const;
const NOTICES = ["noticePasswordChanged", "noticeTwoFactorChanged", "noticeAccessTokenCreated", "noticeNewBrowser"] as const;

type SavePlan = { next: StoredValues; password: { set: string } | "clear" | "keep"; changed: string[]; movesMail: boolean };

/**
 * The patch over what is stored, validated whole, and what it changes. Refuses mail without a sender
 * or public address, and a stored password sent somewhere it wasn't entered for: with another host,
 * port, security setting or username it must be entered again (or removed), else "Send test email"
 * would hand it to a server of the editor's choosing (as LDAP's bind password, lib/idp/ldap/source.ts).
 */
function planSave(before: MailSettingsRow | undefined, patch: MailSettingsPatch, env: { smtpUrl: string | null; publicUrl: string | null }): SavePlan {
  const input = parseOrThrow(mailSettingsInputSchema, patched(storedInput(before), patch));
  const prev = pick(before);
  const serverFromEnv = env.smtpUrl !== null;
  const next: StoredValues = {
    host: serverFromEnv ? prev.host : input.host,
    port: serverFromEnv ? prev.port : input.port,
    security: serverFromEnv ? prev.security : input.security,
    username: serverFromEnv ? prev.username : input.username,
    fromName: serverFromEnv ? prev.fromName : input.from_name,
    fromAddress: serverFromEnv ? prev.fromAddress : input.from_address,
    publicUrl: env.publicUrl !== null ? prev.publicUrl : input.public_url,
    noticePasswordChanged: input.notice_password_changed,
    noticeTwoFactorChanged: input.notice_two_factor_changed,
    noticeAccessTokenCreated: input.notice_access_token_created,
    noticeNewBrowser: input.notice_new_browser,
  };
  if (!serverFromEnv && next.host) {
    const problems: Record<string, string[]> = {};
    if (!next.fromAddress) problems.from_address = ["Mail needs a sender address"];
    if (!(env.publicUrl ?? next.publicUrl)) problems.public_url = ["Set the public address first: links in mail start with it"];
    if (Object.keys(problems).length) throw new Invalid("Mail can't be turned on yet", problems);
  }
  const changed = (Object.keys(next) as Array<keyof StoredValues>).filter((k) => prev[k] !== next[k]);
  const password = serverFromEnv ? "keep" : input.clear_password ? "clear" : input.password ? { set: input.password } : "keep";
  if (password === "keep" && before?.passwordCiphertext) {
    const moved = (Object.keys(ENDPOINT) as Array<keyof typeof ENDPOINT>).filter((k) => changed.includes(k)).map((k) => ENDPOINT[k]);
    if (moved.length > 0) {
      const message = `Enter the SMTP password again: the ${moved.join(", ").replace(/, ([^,]*)$/, " and $1")} changed, and the stored password is only sent where it was entered`;
      throw new Invalid(message, { password: [message] });
    }
  }
  const movesMail = WHERE_MAIL_GOES.some((k) => changed.includes(k)) || NOTICES.some((k) => prev[k] && !next[k]);
  return { next, password, changed: password === "keep" ? changed : [...changed, "password"], movesMail };
}

/**
 * Saves a change of Settings → Email: the fields in `patch` over what is stored (a form left open, or a
 * PUT naming one field, leaves the others as they are); the fields the environment decides stay. A
 * session that changes where mail goes (server, sender, public address) or turns a security notice off
 * proves it's the owner first (lib/mfa/proof.ts): with a taken session, reset links and notices would
 * otherwise be the taker's. Access tokens don't (as for creating a token). Returns what is stored now.
 */
export async function saveMailSettings(actor: Actor, patch: MailSettingsPatch, meta: RequestMeta, now = new Date()): Promise<MailSettingsView> {
  assertCan(actor, "settings:email", MANAGE_DENIED);
  const env = config();
  const proof = parseOrThrow(mailSettingsProofSchema, patch);
  const asksProof = actor.kind === "session";
  // Decided on what is stored now, before the unit of work: the proof records its refusals in its own.
  const proven = asksProof && planSave(await loadRow(db(), actor.accountId), patch, env).movesMail;
  if (proven) await assertProvesItsThem(actor, { password: proof.current_password, code: proof.code }, "settings.email", meta, now, "current_password");
  return write(actor, async (tx, me) => {
    assertCan(me, "settings:email", MANAGE_DENIED);
    const before = await loadRow(tx, me.accountId);
    const { next, password, changed, movesMail } = planSave(before, patch, env);
    if (asksProof && movesMail && !proven) throw new Conflict(SAVED_MEANWHILE);
    if (changed.length === 0 && before) return view(tx, me.accountId, true);
    const passwordCiphertext = password === "keep" ? (before?.passwordCiphertext ?? null) : password === "clear" ? null : encryptField(password.set, passwordField(me.accountId));
    await tx
      .insert(mailSettings)
      .values({ accountId: me.accountId, ...next, passwordCiphertext, updatedAt: now })
      .onConflictDoUpdate({ target: mailSettings.accountId, set: { ...next, passwordCiphertext, updatedAt: now } });
    await recordEvent(tx, {
      accountId: me.accountId,
      action: "settings.email.updated",
      actor: me,
      target: { type: "account", id: me.accountId },
      details: { changed },
      meta,
      at: now,
    });
    return view(tx, me.accountId, true);
  });
}

/** For services that must send now: refuses (412) when mail is off, saying what to do. */
export function assertMailEnabled(status: { enabled: boolean }): void {
  if (!status.enabled) throw new PreconditionFailed("Mail is not set up: the owner configures it in Settings → Email");
}
