/**
 * What an operator sees of mail (Settings → Email): recent deliveries with
 * recipient, subject, state, tries and the server's last answer — never a
 * body (it may hold a link) — and "Retry" for one that was given up. Also the
 * "Send test email" button, which talks to the server at once and shows its
 * answer (not through the outbox: the owner is waiting for the answer), then
 * lists it with the rest, sent or failed; a failed one isn't retried (another
 * test is the retry).
 */
import "server-only";
import { mailBrandOf } from "@/lib/instance/branding";
import { type Actor, NO_REQUEST, type RequestMeta } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/policy";
import { actorParty } from "@/lib/audit/actor-party";
import { recordEvent } from "@/lib/audit/record";
import { outboxMessage, recentOutboxMessages, requeueFailed } from "@/lib/data/outbox";
import { write } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { NotFound } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { testEmailLimit } from "@/lib/security/limits";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { MAIL_TOPIC, openEnvelope, recordSentMail, sentAtOnce, type MailKind, type MailPayload } from "./delivery";
import { testMailSchema } from "./schemas";
import { mailTransportSettings } from "./settings";
import { mailLocaleOf } from "./language";
import { testMail } from "./templates";
import { createMailTransport, fromHeader, smtpFailureText } from "./transport";

export type Delivery = {
  id: string;
  to: string;
  subject: string;
  kind: MailKind;
  state: "queued" | "sent" | "failed";
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
  nextTryAt: Date | null;
  /** A failed message an admin may queue again ("Retry"): not a test email. */
  retryable: boolean;
};

const RECENT = 50;

export async function listDeliveries(actor: Actor): Promise<Delivery[]> {
  assertCan(actor, "settings:read", "Only admins, auditors and the owner can see mail deliveries");
  const rows = await recentOutboxMessages(actor.accountId, MAIL_TOPIC, RECENT);
  return rows.map((row) => {
    const payload = row.payload as MailPayload;
    const envelope = openEnvelope(payload);
    return {
      id: row.id,
      to: envelope.to,
      subject: envelope.subject,
      kind: payload.kind,
      state: row.status === "delivered" ? "sent" : row.status === "failed" ? "failed" : "queued",
      attempts: row.attempts,
      lastError: row.lastError,
      createdAt: row.createdAt,
      sentAt: row.deliveredAt,
      nextTryAt: row.status === "pending" ? row.availableAt : null,
      retryable: row.status === "failed" && !sentAtOnce(payload),
    };
  });
}

/** An admin's "Retry" of a message that was given up: queued again, due now. */
export async function retryDelivery(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
  assertCan(actor, "users:update", "You don't have permission to retry deliveries");
  // A test email was tried at once, by a person reading the answer: "Send test email" again is its retry.
  const message = await outboxMessage(id);
  if (message?.topic === MAIL_TOPIC && sentAtOnce(message.payload as MailPayload)) throw new NotFound("Failed delivery");
  await write(actor, async (tx, me) => {
    assertCan(me, "users:update", "You don't have permission to retry deliveries");
    if (!(await requeueFailed(tx, { accountId: me.accountId, topic: MAIL_TOPIC, id }))) throw new NotFound("Failed delivery");
    await recordEvent(tx, {
      accountId: me.accountId,
      action: "email.retried",
      actor: me,
      target: { type: "email", id },
      meta,
    });
  });
}

/**
 * Sends a test message now; the answer is the server's (accepted or refused), for the owner to read,
 * as far as it is a mail server's (lib/mail/transport.ts smtpFailureText). Counted per person
 * (testEmailLimit): each try opens a connection to a server the owner names.
 */
export async function sendTestEmail(
  actor: Actor,
  rawInput: { to: unknown },
  meta: RequestMeta = NO_REQUEST,
): Promise<{ ok: boolean; response: string }> {
  assertCan(actor, "settings:email", "Only the owner can send a test email");
  const { to } = parseOrThrow(testMailSchema, rawInput);
  const settings = await mailTransportSettings(db(), actor.accountId);
  if (!settings.url && !settings.host) return { ok: false, response: "No mail server is set: enter one and save first." };
  if (!settings.fromAddress) return { ok: false, response: "No sender address is set: enter one and save first." };
  await consumeRateLimit(testEmailLimit(), `${actor.accountId}:${actor.userId}`);
  const brand = await mailBrandOf(db(), actor.accountId, settings.publicUrl);
  // In the language of the person sending it, who reads it.
  const mail = testMail(await mailLocaleOf(db(), actor.accountId, actor.kind === "system" ? null : actor.userId), { publicUrl: settings.publicUrl, brand });
  let answer: { ok: boolean; response: string };
  try {
    const transport = await createMailTransport(settings);
    try {
      const info = await transport.sendMail({ from: fromHeader(settings, brand.name), to, subject: mail.subject, text: mail.text, html: mail.html });
      answer = { ok: true, response: String(info.response ?? "accepted") };
    } finally {
      transport.close();
    }
  } catch (err) {
    answer = { ok: false, response: smtpFailureText(err, settings) };
  }
  // Listed under Recent deliveries, where an admin looks for "did my test mail go?", and on record as who sent it
  // (a mail to an address the person chose, through the instance's server).
  await write(actor, async (tx, me) =>
    recordSentMail(tx, { accountId: me.accountId, to, kind: "test", mail, ...answer }, { actor: await actorParty(tx, me), meta }),
  );
  return answer;
}
