/**
 * The SMTP connection (nodemailer) for the current settings: SMTP_URL as it
 * is, or host/port/security/credentials from Settings → Email. Timeouts are
 * short: a dead mail server fails a try, and the outbox tries again later.
 *
 * The server goes through the outbound guard (lib/security/outbound-guard.ts)
 * as identity providers and LDAP do: link-local and cloud metadata addresses
 * are never contacted. Loopback and private LAN ranges are allowed (a relay on
 * the same machine or the LAN is the usual homelab set-up). The name is
 * resolved and checked here, and nodemailer connects to the checked address,
 * so a name that resolves differently the second time can't slip past; TLS
 * still verifies the certificate against the name.
 *
 * What a failure tells the person (smtpFailureText) is a mail server's reply
 * to our commands, or one of a few fixed texts: never what some other service
 * on that port said (an SSH or HTTP banner), else "Send test email" would be
 * a port scanner reading the network's banners.
 */
import "server-only";
import net from "node:net";
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { checkedAddress, OutboundAddressRefused } from "@/lib/security/outbound-guard";
import type { MailTransportSettings } from "./settings";

const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };
const SMTP_DESTINATIONS = { allowInternal: true };

export async function createMailTransport(s: MailTransportSettings) {
  const options = s.url ? smtpUrlOptions(s.url) : settingsOptions(s);
  const name = String(options.host);
  const address = await checkedAddress(name, SMTP_DESTINATIONS);
  // Connect to the checked address; TLS (and STARTTLS) still checks the certificate against the name.
  const tls = net.isIP(name.replace(/^\[|\]$/g, "")) ? options.tls : { ...options.tls, servername: name };
  return nodemailer.createTransport({ ...options, host: address, tls, ...TIMEOUTS });
}

function settingsOptions(s: MailTransportSettings): SMTPTransport.Options {
  if (!s.host) throw new Error("Mail is not set up: no SMTP server");
  return {
    host: s.host,
    port: s.port,
    secure: s.security === "tls",
    requireTLS: s.security === "starttls",
    ignoreTLS: s.security === "none",
    auth: s.username ? { user: s.username, pass: s.password ?? "" } : undefined,
  };
}

function smtpUrlOptions(url: string): SMTPTransport.Options {
  const parsed = new URL(url);
  const secure = parsed.protocol === "smtps:";
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    auth: parsed.username ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : undefined,
  };
}

/** "Name <address>" for the From header: the sender name set in Settings → Email, else the instance's name. */
export function fromHeader(s: Pick<MailTransportSettings, "fromName" | "fromAddress">, instanceName = "Latchkey"): { name: string; address: string } {
  return { name: s.fromName ?? instanceName, address: s.fromAddress ?? "" };
}

type SmtpError = { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };

/** A reply line a mail server sends: a 2xx–5xx code, then a space or a dash. */
const SMTP_REPLY = /^[2-5]\d\d[ -]/;

/**
 * What a failed connection or send may say to the person and in the deliveries list: the text of a
 * mail server's reply (nodemailer's errors with a responseCode: a refused login, a refused recipient),
 * our own refusal of the address, or a fixed text for a refused connection, a timeout, an unreachable
 * or unknown host, a TLS failure and a failed login. Anything else, however the far end answered, is
 * "didn't answer as a mail server".
 */
export function smtpFailureText(err: unknown, server: { host: string | null; port: number }): string {
  if (err instanceof OutboundAddressRefused) return err.message;
  const where = `${server.host ?? "the mail server"}:${server.port}`;
  const e = (typeof err === "object" && err !== null ? err : {}) as SmtpError;
  const message = typeof e.message === "string" ? e.message : "";
  if (typeof e.responseCode === "number" && typeof e.response === "string" && SMTP_REPLY.test(e.response)) {
    // Printable text only (no control characters), and not a novel.
    return message.replace(/[^\P{C}]+/gu, " ").trim().slice(0, 300);
  }
  // Something answered that isn't a mail server: what it said stays here.
  if (typeof e.response === "string") return `The server at ${where} didn't answer as a mail server`;
  const code = typeof e.code === "string" ? e.code : "";
  const says = (pattern: RegExp) => pattern.test(code) || pattern.test(message);
  if (says(/ECONNREFUSED/)) return `The server at ${where} refused the connection`;
  if (says(/ENOTFOUND|EAI_AGAIN/)) return `The name ${server.host ?? ""} doesn't resolve to an address`;
  if (says(/EHOSTUNREACH|ENETUNREACH/)) return `The server at ${where} can't be reached`;
  if (says(/ETIMEDOUT|timeout|Greeting never received/i)) return `The server at ${where} didn't answer in time`;
  if (says(/^ETLS$|SSL|TLS|certificate|ERR_SSL/)) return `The TLS connection to ${where} failed: check the security setting and the server's certificate`;
  if (code === "EAUTH") return `The server at ${where} didn't accept the username and password`;
  return `The server at ${where} didn't answer as a mail server`;
}
