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
import { assertCan } from "@/lib/auth/policy";
import { actorParty } from "@/lib/audit/actor-party";
import { recordEvent } from "@/lib/audit/record";
import { config } from "@/lib/config";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import { write } from "@/lib/data/unit-of-work";
import { db, type Db, type Tx } from "@/lib/db/database";
import { mailSettings, type MailSecurity, type MailSettingsRow } from "@/lib/db/schema";
import { Invalid, PreconditionFailed } from "@/lib/errors";
import { mailBrandOf, type MailBrand } from "@/lib/instance/branding";
import { publicUrlFrom } from "@/lib/instance/public-url";
import type { MailSettingsValues } from "./schemas";

export type MailNotices = { passwordChanged: boolean; twoFactorChanged: boolean; accessTokenCreated: boolean; newBrowser: boolean };
export type NoticeKind = keyof MailNotices;

/** What the page and the API show: never the password. */
export type MailSettingsView = {
  /** environment: SMTP_URL is set (server and sender are read-only). */
  source: "environment" | "settings";
  host: string | null;
  port: number;
  security: MailSecurity;
  username: string | null;
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

async function view(q: Db | Tx, accountId: string): Promise<MailSettingsView> {
  const row = await loadRow(q, accountId);
  const s = await mailTransportSettings(q, accountId);
  return {
    source: s.url ? "environment" : "settings",
    host: s.host,
    port: s.port,
    security: s.security,
    username: s.username,
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

export async function getMailSettings(actor: Actor): Promise<MailSettingsView> {
  assertCan(actor, "settings:read", READ_DENIED);
  return view(db(), actor.accountId);
}

/** Saves the page (input parsed with mailSettingsInputSchema); the fields the environment decides stay as they are. Returns what is stored now. */
export async function saveMailSettings(actor: Actor, input: MailSettingsValues, meta: RequestMeta, now = new Date()): Promise<MailSettingsView> {
  assertCan(actor, "settings:email", MANAGE_DENIED);
  const env = config();
  return write(actor, async (tx, me) => {
    assertCan(me, "settings:email", MANAGE_DENIED);
    const before = await loadRow(tx, me.accountId);
    const serverFromEnv = env.smtpUrl !== null;
    const next = {
      host: serverFromEnv ? (before?.host ?? null) : input.host,
      port: serverFromEnv ? (before?.port ?? 587) : input.port,
      security: serverFromEnv ? (before?.security ?? "starttls") : input.security,
      username: serverFromEnv ? (before?.username ?? null) : input.username,
      fromName: serverFromEnv ? (before?.fromName ?? null) : input.from_name,
      fromAddress: serverFromEnv ? (before?.fromAddress ?? null) : input.from_address,
      publicUrl: env.publicUrl !== null ? (before?.publicUrl ?? null) : input.public_url,
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
    let passwordCiphertext = before?.passwordCiphertext ?? null;
    const passwordChanged = !serverFromEnv && (input.clear_password || Boolean(input.password));
    if (!serverFromEnv && input.clear_password) passwordCiphertext = null;
    else if (!serverFromEnv && input.password) passwordCiphertext = encryptField(input.password, passwordField(me.accountId));
    const prev: Record<string, unknown> = before ? { ...pick(before) } : {};
    const changed = Object.keys(next).filter((k) => JSON.stringify(prev[k] ?? null) !== JSON.stringify((next as Record<string, unknown>)[k]));
    if (passwordChanged) changed.push("password");
    if (changed.length === 0 && before) return view(tx, me.accountId);
    await tx
      .insert(mailSettings)
      .values({ accountId: me.accountId, ...next, passwordCiphertext, updatedAt: now })
      .onConflictDoUpdate({ target: mailSettings.accountId, set: { ...next, passwordCiphertext, updatedAt: now } });
    await recordEvent(tx, {
      accountId: me.accountId,
      action: "settings.email.updated",
      actor: await actorParty(tx, me),
      target: { type: "account", id: me.accountId },
      details: { changed },
      meta,
      at: now,
    });
    return view(tx, me.accountId);
  });
}

function pick(row: MailSettingsRow) {
  return {
    host: row.host,
    port: row.port,
    security: row.security,
    username: row.username,
    fromName: row.fromName,
    fromAddress: row.fromAddress,
    publicUrl: row.publicUrl,
    noticePasswordChanged: row.noticePasswordChanged,
    noticeTwoFactorChanged: row.noticeTwoFactorChanged,
    noticeAccessTokenCreated: row.noticeAccessTokenCreated,
    noticeNewBrowser: row.noticeNewBrowser,
  };
}

/** For services that must send now: refuses (412) when mail is off, saying what to do. */
export function assertMailEnabled(status: { enabled: boolean }): void {
  if (!status.enabled) throw new PreconditionFailed("Mail is not set up: the owner configures it in Settings → Email");
}
