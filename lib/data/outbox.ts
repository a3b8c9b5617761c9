/**
 * The outbox: work that leaves the process (mail, webhooks) is written as a
 * row in the unit of work that causes it — `enqueue(tx, …)` — so nothing is
 * sent for a change that rolls back, and nothing is lost when the process dies
 * after the commit. Delivery is at least once:
 *  - a pass claims due rows in one short unit of work (claimed_until,
 *    claim_id), so two passes (in this process or another replica) never hold
 *    the same row at once; each row's claim is checked and extended just
 *    before its turn, so a row whose claim ran out while earlier ones were
 *    sent, and which another pass took over, is not sent twice;
 *  - it calls the topic's handler outside any transaction (a slow SMTP server
 *    must not hold the write lock), then marks the row delivered — or, when the
 *    handler throws, due again after a back-off, until MAX_ATTEMPTS, when the
 *    row stays as "failed" with its last error for an operator to read (30 days);
 *  - a process that dies mid-delivery leaves a claim that expires, and the
 *    next pass delivers the row again. Handlers must therefore tolerate a
 *    repeat (the row id is a natural idempotency key).
 * A commit that enqueued nudges a pass in this process at once; the jobs loop
 * (lib/jobs.ts) runs a pass periodically for everything else.
 */
import "server-only";
import crypto from "node:crypto";
import { and, asc, desc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { db, type Tx } from "@/lib/db/database";
import { outbox } from "@/lib/db/schema";
import { nudgedPass } from "./nudged-pass";
import { afterCommit, inUnitOfWork, writeSystem } from "./unit-of-work";

/**
 * Every topic and its payload, in one place (like DomainEffects in
 * ./effects.ts). The capability that sends mail or calls webhooks adds its
 * topics here; payloads are JSON (no Dates, no secrets that must not rest in
 * the database unencrypted).
 */
export interface OutboxTopics {}

export type OutboxTopic = keyof OutboxTopics;

/**
 * Whom a message is for: the person (by user id) or the invite. The row goes with them (the foreign keys
 * cascade), sent or not: nothing is sent to someone deleted, or for an invite that was withdrawn (review 31).
 */
export type MessageFor = { userId?: string | null; inviteId?: string | null };

export type OutboxMessage<K extends OutboxTopic = OutboxTopic> = {
  id: string;
  accountId: string;
  topic: K;
  payload: OutboxTopics[K];
  /** 1 on the first try. */
  attempt: number;
};

type Handler<K extends OutboxTopic> = (message: OutboxMessage<K>) => Promise<void>;
type Registered = { name: string; handler: Handler<OutboxTopic> };

/**
 * Tries before a message is given up as failed: with the back-off below, the
 * tries of one message spread over about 24 hours (a mail server down for a
 * day still gets the message when it comes back).
 */
export const MAX_ATTEMPTS = 31;
/** How long a given-up message is kept for an operator to read and retry: long after a reset or confirmation link in it stopped working. */
export const FAILED_KEEP_MS = 30 * 24 * 3_600_000;
/** How long a claim holds a row: longer than any handler may take. */
export const CLAIM_MS = 5 * 60_000;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 3_600_000;
/** Rows one pass claims; the next pass (or the nudge loop) takes the rest. */
const BATCH = 50;
const ERROR_MAX_CHARS = 2_000;

/** The wait before try number `attempt + 1`: 30 s, doubling, at most an hour. */
export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1), BACKOFF_MAX_MS);
}

// On globalThis: Next.js bundles instrumentation and routes separately; the registry must be one.
type State = { handlers: Map<string, Registered> };
const holder = globalThis as unknown as { latchkeyOutbox?: State };
function state(): State {
  holder.latchkeyOutbox ??= { handlers: new Map() };
  return holder.latchkeyOutbox;
}

/**
 * Registers the one handler of a topic (idempotent per name, so a module
 * loaded twice registers once). Two different handlers for one topic is a
 * wiring mistake: a retry would repeat the one that had succeeded.
 */
export function handleOutbox<K extends OutboxTopic>(topic: K, name: string, handler: Handler<K>): void {
  const existing = state().handlers.get(topic);
  if (existing && existing.name !== name) {
    throw new Error(`Outbox topic "${topic}" is already handled by "${existing.name}"`);
  }
  state().handlers.set(topic, { name, handler: handler as unknown as Handler<OutboxTopic> });
}

/** Whether this process handles any topic (no handler: a pass has nothing to do here). */
export function handlesOutbox(): boolean {
  return state().handlers.size > 0;
}

/**
 * Queues a message in the unit of work tx belongs to. It is delivered after
 * the commit (never when the unit rolls back). Returns the message id.
 */
export async function enqueue<K extends OutboxTopic>(
  tx: Tx,
  message: { accountId: string; topic: K; payload: OutboxTopics[K] } & MessageFor,
): Promise<string> {
  if (!state().handlers.has(message.topic)) {
    throw new Error(`No outbox handler is registered for "${message.topic}": is lib/reactions.ts loaded?`);
  }
  const id = crypto.randomUUID();
  const now = new Date();
  await tx.insert(outbox).values({
    id,
    accountId: message.accountId,
    topic: message.topic,
    payload: message.payload,
    availableAt: now,
    createdAt: now,
    userId: message.userId ?? null,
    inviteId: message.inviteId ?? null,
  });
  // Synchronous on purpose: the writer's caller must not wait for the delivery.
  afterCommit(tx, () => nudgeOutbox());
  return id;
}

/**
 * Records, in tx's unit of work, a message its caller already tried itself (a test email: the person waits for the
 * server's answer): finished as sent, or failed with the answer. Listed with the rest of its topic, for the same
 * time (pruneFinishedOutbox); never claimed by a pass, so the outbox doesn't send it again. Returns the id.
 */
export async function recordFinished<K extends OutboxTopic>(
  tx: Tx,
  message: { accountId: string; topic: K; payload: OutboxTopics[K]; error: string | null; at?: Date },
): Promise<string> {
  const id = crypto.randomUUID();
  const at = message.at ?? new Date();
  await tx.insert(outbox).values({
    id,
    accountId: message.accountId,
    topic: message.topic,
    payload: message.payload,
    status: message.error === null ? "delivered" : "failed",
    attempts: 1,
    availableAt: at,
    createdAt: at,
    deliveredAt: message.error === null ? at : null,
    lastError: message.error?.slice(0, ERROR_MAX_CHARS) ?? null,
  });
  return id;
}

type Claimed = { id: string; accountId: string; topic: string; payload: unknown; attempts: number; claimId: string };

/** Claims up to BATCH due rows of the topics this process handles; no other pass can claim them until the claim expires. */
async function claimDue(now: Date): Promise<Claimed[]> {
  const topics = [...state().handlers.keys()];
  if (topics.length === 0) return [];
  return writeSystem(async (tx) => {
    const due = await tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          eq(outbox.status, "pending"),
          lte(outbox.availableAt, now),
          or(isNull(outbox.claimedUntil), lte(outbox.claimedUntil, now)),
          inArray(outbox.topic, topics),
        ),
      )
      .orderBy(asc(outbox.availableAt))
      .limit(BATCH);
    if (due.length === 0) return [];
    const claimId = crypto.randomUUID();
    // Under the instance's write lock: nothing changed these rows between the select and this update.
    const claimed = await tx
      .update(outbox)
      .set({ claimedUntil: new Date(now.getTime() + CLAIM_MS), claimId, attempts: sql`${outbox.attempts} + 1` })
      .where(
        inArray(
          outbox.id,
          due.map((d) => d.id),
        ),
      )
      .returning({ id: outbox.id, accountId: outbox.accountId, topic: outbox.topic, payload: outbox.payload, attempts: outbox.attempts });
    return claimed.map((row) => ({ ...row, claimId }));
  });
}

/**
 * Just before a message's turn: keeps its claim for another CLAIM_MS from `at`, or says it is no
 * longer ours. A pass claims a whole batch at once and sends one message after the other, so with a
 * slow mail server the batch's claim can run out before the later messages' turn, and another pass
 * (another replica, or this process's periodic one) claims and sends them: sending them here as
 * well would be the repeat the claim exists to prevent. Under the write lock, so the check and the
 * extension are one step (a pass that took the row over has written its own claim_id).
 */
async function keepClaim(row: Claimed, at: Date): Promise<boolean> {
  const kept = await writeSystem((tx) =>
    tx
      .update(outbox)
      .set({ claimedUntil: new Date(at.getTime() + CLAIM_MS) })
      .where(and(eq(outbox.id, row.id), eq(outbox.claimId, row.claimId), eq(outbox.status, "pending")))
      .returning({ id: outbox.id }),
  );
  return kept.length === 1;
}

/** Records the outcome, only while the claim is still ours (an expired claim may have passed to another process). */
async function settle(row: Claimed, now: Date, error: unknown): Promise<void> {
  const ours = and(eq(outbox.id, row.id), eq(outbox.claimId, row.claimId));
  await writeSystem(async (tx) => {
    if (error === undefined) {
      await tx
        .update(outbox)
        .set({ status: "delivered", deliveredAt: new Date(), claimedUntil: null, claimId: null, lastError: null })
        .where(ours);
      return;
    }
    const lastError = (error instanceof Error ? error.message : String(error)).slice(0, ERROR_MAX_CHARS);
    const givenUp = row.attempts >= MAX_ATTEMPTS;
    await tx
      .update(outbox)
      .set({
        status: givenUp ? "failed" : "pending",
        availableAt: givenUp ? undefined : new Date(now.getTime() + backoffMs(row.attempts)),
        claimedUntil: null,
        claimId: null,
        lastError,
      })
      .where(ours);
    if (givenUp) console.error(`Outbox message ${row.id} (${row.topic}) failed ${row.attempts} times and is given up: ${lastError}`);
  });
}

/**
 * One delivery pass: claims what is due and hands each message to its
 * topic's handler. `now` is for tests (a pass "later"). Returns what happened.
 */
export async function deliverOutbox(options: { now?: Date } = {}): Promise<{ delivered: number; failed: number }> {
  if (inUnitOfWork()) throw new Error("deliverOutbox() inside a unit of work: it opens its own");
  const now = options.now ?? new Date();
  const claimed = await claimDue(now);
  const startedMs = Date.now();
  let delivered = 0;
  let failed = 0;
  for (const row of claimed) {
    // The pass's clock: `now`, moved on by the time the messages before this one took.
    if (!(await keepClaim(row, new Date(now.getTime() + (Date.now() - startedMs))))) continue;
    const registered = state().handlers.get(row.topic);
    let error: unknown = undefined;
    try {
      if (!registered) throw new Error(`No outbox handler is registered for "${row.topic}"`);
      await registered.handler({
        id: row.id,
        accountId: row.accountId,
        topic: row.topic as OutboxTopic,
        payload: row.payload as never,
        attempt: row.attempts,
      });
    } catch (err) {
      error = err ?? new Error("The handler threw without a reason");
    }
    if (error === undefined) delivered += 1;
    else failed += 1;
    await settle(row, now, error);
  }
  return { delivered, failed };
}

const delivery = nudgedPass("outbox", "Outbox delivery failed:", async () => {
  const { delivered, failed } = await deliverOutbox();
  // A full batch may have left more behind.
  return delivered + failed >= BATCH;
});

/**
 * Starts a pass in this process soon, unless one is running (then that one
 * goes round again). Never throws and never makes the caller wait.
 */
export function nudgeOutbox(): void {
  delivery.nudge();
}

/** Resolves when this process's nudged passes are done (tests, shutdown). */
export async function outboxIdle(): Promise<void> {
  await delivery.idle();
}

/**
 * Deletes finished messages: delivered ones older than keepMs, and failed (given-up) ones older than
 * FAILED_KEEP_MS. Failed ones stay a while for an operator (Settings → Email lists the newest, with "Retry"),
 * not for ever: while mail is set up but broken every mail anyone can cause (a stranger's "Forgot
 * password?" for each known address) ends as one, and the table grew without bound. Returns how many.
 */
export async function pruneFinishedOutbox(now: Date, keepMs = 7 * 24 * 3_600_000): Promise<number> {
  const deliveredBefore = new Date(now.getTime() - keepMs);
  const failedBefore = new Date(now.getTime() - FAILED_KEEP_MS);
  const removed = await writeSystem((tx) =>
    tx
      .delete(outbox)
      .where(
        or(
          and(eq(outbox.status, "delivered"), lt(outbox.deliveredAt, deliveredBefore)),
          and(eq(outbox.status, "failed"), lt(outbox.createdAt, failedBefore)),
        ),
      )
      .returning({ id: outbox.id }),
  );
  return removed.length;
}

/**
 * Puts a message that was given up (failed) back in the queue, due now, with a
 * fresh run of tries; an operator's "Retry". In the caller's unit of work, so
 * the retry's activity event commits with it. Returns false when there is no
 * such failed message of this account and topic.
 */
export async function requeueFailed(tx: Tx, message: { accountId: string; topic: OutboxTopic; id: string }): Promise<boolean> {
  const now = new Date();
  const updated = await tx
    .update(outbox)
    .set({ status: "pending", attempts: 0, availableAt: now, claimedUntil: null, claimId: null })
    .where(and(eq(outbox.id, message.id), eq(outbox.accountId, message.accountId), eq(outbox.topic, message.topic), eq(outbox.status, "failed")))
    .returning({ id: outbox.id });
  if (updated.length === 0) return false;
  afterCommit(tx, () => nudgeOutbox());
  return true;
}

/**
 * Drops an invite's messages not sent yet (queued, or given up and waiting for an operator's Retry), in the
 * caller's unit of work: its link was just renewed, so they carry a link that no longer works. Sent ones stay
 * in the deliveries list as they were. Returns how many went.
 */
export async function dropUnsentForInvite(tx: Tx, accountId: string, inviteId: string): Promise<number> {
  const dropped = await tx
    .delete(outbox)
    .where(and(eq(outbox.accountId, accountId), eq(outbox.inviteId, inviteId), inArray(outbox.status, ["pending", "failed"])))
    .returning({ id: outbox.id });
  return dropped.length;
}

/** An account's newest messages of one topic (an operator's view of recent deliveries). */
export async function recentOutboxMessages(accountId: string, topic: OutboxTopic, limit: number) {
  return db()
    .select()
    .from(outbox)
    .where(and(eq(outbox.accountId, accountId), eq(outbox.topic, topic)))
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(limit);
}

/** The stored state of one message (operators' tools and tests). */
export async function outboxMessage(id: string) {
  const [row] = await db().select().from(outbox).where(eq(outbox.id, id)).limit(1);
  return row;
}
