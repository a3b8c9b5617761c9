/**
 * Mail on the outbox (lib/data/outbox.ts): `queueMail(tx, …)` writes the
 * message in the unit of work of the change that causes it; the outbox's
 * sender delivers it after the commit, one sender at a time across replicas
 * (claims), with back-off for about 24 hours. The recipient, subject and body
 * rest in the database sealed (a reset link is a secret); the Message-ID is
 * derived from the message's id, so a repeat after a crash is the same
 * message to the receiving server. Every try's outcome is an activity event
 * (email.sent / email.failed) without the address, link or token.
 */
import "server-only";
import { mailBrandOf } from "@/lib/instance/branding";
import crypto from "node:crypto";
import { NO_REQUEST, type RequestMeta } from "@/lib/auth/actor";
import type { EventParty } from "@/lib/audit/new-event";
import { recordEvent } from "@/lib/audit/record";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import { enqueue, handleOutbox, MAX_ATTEMPTS, recordFinished, type OutboxMessage } from "@/lib/data/outbox";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { mailEnabled, mailTransportSettings } from "./settings";
import type { ComposedMail } from "./templates";
import { createMailTransport, fromHeader, smtpFailureText } from "./transport";

/** "test": Settings → Email's "Send test email", sent at once and recorded finished (./deliveries.ts), never queued. */
export const MAIL_KINDS = ["invite", "password_reset", "email_change", "email_change_notice", "security_notice", "test"] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/** A message sent at once by a person waiting for the answer (a test email): never queued again ("Retry"); another try is the retry. */
export function sentAtOnce(payload: MailPayload): boolean {
  return payload.kind === "test";
}

export type MailPayload = {
  mailId: string;
  kind: MailKind;
  /** Sealed {to, subject}: what the deliveries list may show. */
  envelope: string;
  /** Sealed {text, html}: never shown (it may hold a link). */
  body: string;
};

declare module "@/lib/data/outbox" {
  interface OutboxTopics {
    mail: MailPayload;
  }
}

export const MAIL_TOPIC = "mail" as const;

const field = (mailId: string, column: "envelope" | "body") => ({ table: "outbox", column: `mail_${column}`, rowId: mailId });

export function openEnvelope(payload: MailPayload): { to: string; subject: string } {
  return JSON.parse(decryptField(payload.envelope, field(payload.mailId, "envelope"))) as { to: string; subject: string };
}

/** A message as the outbox keeps it: recipient, subject and body sealed. */
function sealedMail(message: { to: string; kind: MailKind; mail: ComposedMail }): MailPayload {
  const mailId = crypto.randomUUID();
  return {
    mailId,
    kind: message.kind,
    envelope: encryptField(JSON.stringify({ to: message.to, subject: message.mail.subject }), field(mailId, "envelope")),
    body: encryptField(JSON.stringify({ text: message.mail.text, html: message.mail.html }), field(mailId, "body")),
  };
}

/**
 * Queues a message in the unit of work tx belongs to; it is sent after the commit. Returns the outbox message id.
 * `for`: the person it is for or about (their user id), or the invite: the message goes with them, so a deleted
 * person or a withdrawn invite is sent nothing more, and no copy of the address stays behind (review 31). Null
 * only for a message to nobody the database keeps.
 */
export async function queueMail(
  tx: Tx,
  message: { accountId: string; to: string; kind: MailKind; mail: ComposedMail; for: { userId: string } | { inviteId: string } | null },
): Promise<string> {
  return enqueue(tx, { accountId: message.accountId, topic: MAIL_TOPIC, payload: sealedMail(message), ...message.for });
}

/**
 * Records a message sent at once, outside the outbox (a test email), where the deliveries list reads, and its
 * activity event by whoever sent it: sent, or failed with the server's answer (without addresses, as a queued one's).
 * Never sent again from there.
 */
export async function recordSentMail(
  tx: Tx,
  message: { accountId: string; to: string; kind: MailKind; mail: ComposedMail; ok: boolean; response: string },
  by: { actor: EventParty; meta: RequestMeta },
): Promise<void> {
  const answer = redactAddresses(message.response, message.to);
  const payload = sealedMail(message);
  await recordFinished(tx, { accountId: message.accountId, topic: MAIL_TOPIC, payload, error: message.ok ? null : answer });
  await recordEvent(tx, mailEvent(message.accountId, message.ok, payload, { attempt: 1, response: answer.slice(0, 300) }, by));
}

/** The Message-ID of a queued message: the same on every try. */
export function messageIdOf(mailId: string, publicUrl: string | null): string {
  let host = "latchkey.invalid";
  try {
    if (publicUrl) host = new URL(publicUrl).hostname || host;
  } catch {
    // keep the placeholder host
  }
  return `<${mailId}@${host}>`;
}

/** Anything in a server's answer shaped like an address (local@domain, up to the characters that end one in a reply). */
const ADDRESS_IN_REPLY = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+/g;

/**
 * The server's answer without the recipient's address, or any other (it would rest in plaintext in the outbox
 * row, the activity log's details and the log line of a message given up). Servers echo the address as they
 * see fit (lower-cased, the domain in another case, an alias it forwards to): compared case-insensitively,
 * and whatever else looks like an address goes too.
 */
export function redactAddresses(text: string, to: string): string {
  const lowerTo = to.toLowerCase();
  return text.replace(ADDRESS_IN_REPLY, (found) => (lowerTo && found.toLowerCase() === lowerTo ? "<recipient>" : "<address>"));
}

const NOT_SET_UP = "Mail is not set up (Settings → Email)";

async function deliverMail(message: OutboxMessage<typeof MAIL_TOPIC>): Promise<void> {
  const { payload, accountId } = message;
  const { to, subject } = openEnvelope(payload);
  const { text, html } = JSON.parse(decryptField(payload.body, field(payload.mailId, "body"))) as { text: string; html: string };
  const settings = await mailTransportSettings(db(), accountId);
  let response: string;
  try {
    if (!mailEnabled(settings)) throw new Error(NOT_SET_UP);
    const transport = await createMailTransport(settings);
    try {
      const info = await transport.sendMail({
        from: fromHeader(settings, (await mailBrandOf(db(), accountId, null)).name),
        to,
        subject,
        text,
        html,
        messageId: messageIdOf(payload.mailId, settings.publicUrl),
      });
      response = String(info.response ?? "accepted");
    } finally {
      transport.close();
    }
  } catch (err) {
    // What the server said only as far as it is a mail server's reply (lib/mail/transport.ts).
    const answer = redactAddresses(mailEnabled(settings) ? smtpFailureText(err, settings) : NOT_SET_UP, to);
    await record(accountId, false, payload, { attempt: message.attempt, given_up: message.attempt >= MAX_ATTEMPTS, response: answer.slice(0, 300) });
    throw new Error(answer);
  }
  await record(accountId, true, payload, { attempt: message.attempt, response: redactAddresses(response, to).slice(0, 300) });
}

/** A message's "email.sent" / "email.failed": the mail by its id and kind, never its address, link or token. */
function mailEvent(accountId: string, sent: boolean, payload: MailPayload, details: Record<string, unknown>, by: { actor: EventParty; meta: RequestMeta }) {
  return {
    accountId,
    action: sent ? "email.sent" : "email.failed",
    actor: by.actor,
    target: { type: "email", id: payload.mailId },
    details: { kind: payload.kind, ...details },
    meta: by.meta,
  };
}

/** The outbox's own try, by the system's "Mail". */
async function record(accountId: string, sent: boolean, payload: MailPayload, details: Record<string, unknown>): Promise<void> {
  const mail = { actor: { type: "system", id: null, label: "Mail" } as const, meta: NO_REQUEST };
  await writeSystem((tx) => recordEvent(tx, mailEvent(accountId, sent, payload, details, mail)));
}

handleOutbox(MAIL_TOPIC, "mail-sender", deliverMail);
