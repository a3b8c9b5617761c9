/**
 * Background work of the server process, started once from lib/startup.ts
 * (instrumentation), never from a page load: activity retention, recording the
 * count of failed sign-ins a capped hour left unrecorded, pruning the
 * sign-in throttle's, rate limits', ended sessions' and outbox's stale rows, the
 * one-time cleaning of names stored before names were held to one line, the outbox
 * delivery pass, the search index's merge of recent postings, the LDAP directory check
 * (lib/idp/ldap/directory-sync.ts, every LDAP_SYNC_INTERVAL_MINUTES), and the server's heartbeat
 * (lib/data/heartbeat.ts). (The search index's backfill starts from lib/startup.ts: it
 * must be planned before requests are served.)
 *
 * Every process runs the timers; the shared work runs under a lease
 * (lib/data/lease.ts), so with several replicas on one database one of them
 * does it. The lease outlives the interval, so the same replica keeps it
 * until it stops.
 */
import "server-only";
import { pruneActivity } from "@/lib/audit/retention";
import { recordUnrecordedFailedSignIns } from "@/lib/audit/unrecorded-sign-ins";
import { pruneSignInThrottles } from "@/lib/security/sign-in-throttle";
import { config } from "@/lib/config";
import { beat, SERVER_HEARTBEAT } from "@/lib/data/heartbeat";
import { checkDatabaseSchema } from "@/lib/db/database";
import { databaseTroubleLine } from "@/lib/db/unavailable";
import { checkClockOffset } from "@/lib/data/clock-offset";
import { withLease } from "@/lib/data/lease";
import { deliverOutbox, handlesOutbox, pruneFinishedOutbox } from "@/lib/data/outbox";
import { searchMergePass } from "@/lib/data/search-merge";
import { deleteExpiredModels } from "@/lib/oidc/adapter";
import { rotateSigningKeys } from "@/lib/oidc/signing-keys";
import { pruneRateLimits } from "@/lib/security/rate-limit";
import { pruneEndedSessions } from "@/lib/sessions/sessions";
import { pruneRetiredUsernames } from "@/lib/users/retired-usernames";
import { pruneExpiredInvites } from "@/lib/invites/expired";
import { cleanStoredNames } from "@/lib/users/name-cleanup";
import { cleanStoredRecordNames } from "@/lib/ops/record-name-cleanup";
import { cleanStoredLogos } from "@/lib/appearance/logo-cleanup";
import { syncDirectories } from "@/lib/idp/ldap/directory-sync";

const HOUR_MS = 3_600_000;
/** The outbox pass: what the after-commit nudge missed (a failed try due again, another process's crash). */
const OUTBOX_PASS_MS = 30_000;
/** The search index's merge: what the after-commit nudges left (a few writes, another replica's). */
const SEARCH_MERGE_PASS_MS = 10_000;
export const MAINTENANCE_LEASE = { name: "maintenance", ttlMs: 1.5 * HOUR_MS };
export const OUTBOX_LEASE = { name: "outbox", ttlMs: 3 * OUTBOX_PASS_MS };
/** The directory check's lease outlives its interval (the same replica keeps it), at least a run's worst case. */
export const directorySyncLease = (intervalMinutes: number) => ({ name: "directory-sync", ttlMs: Math.max(3 * intervalMinutes * 60_000, 10 * 60_000) });
/** Tests play two processes with these (lib/data/lease.ts). */
type LeaseOptions = { holder?: string; now?: Date };

const globalForJobs = globalThis as unknown as { latchkeyJobsStarted?: boolean };

type MaintenanceCounts = {
  eventsPruned: number;
  throttleRowsPruned: number;
  rateLimitRowsPruned: number;
  sessionsPruned: number;
  outboxRowsPruned: number;
  expiredInvitesRemoved: number;
  retiredInviteLinksPruned: number;
};

type MaintenanceStep = {
  name: string;
  run: () => Promise<Partial<MaintenanceCounts> | number>;
  /** A step that must have succeeded in this pass first; when it failed, this one waits for the next pass. */
  needs?: string;
};

/**
 * The pass's steps, in order. A step that throws is logged with its name and reported in `failed`, and the rest
 * still run (a failing activity retention must not stop the session prune or the key rotation), except a step
 * that `needs` it.
 */
const maintenanceSteps = (now: Date): MaintenanceStep[] => [
  { name: "activity retention", run: async () => ({ eventsPruned: (await pruneActivity(now)).reduce((n, p) => n + p.pruned, 0) }) },
  { name: "sign-in throttles", run: async () => ({ throttleRowsPruned: await pruneSignInThrottles(now, config().signIn) }) },
  { name: "unrecorded failed sign-ins", run: () => recordUnrecordedFailedSignIns(now) },
  // A capped hour's count of unrecorded failed sign-ins lives in its rate-limit row, which this prune drops.
  { name: "rate limits", needs: "unrecorded failed sign-ins", run: async () => ({ rateLimitRowsPruned: await pruneRateLimits(now) }) },
  { name: "ended sessions", run: async () => ({ sessionsPruned: await pruneEndedSessions(now) }) },
  { name: "finished outbox messages", run: async () => ({ outboxRowsPruned: await pruneFinishedOutbox(now) }) },
  // Usernames held back after a deletion or rename whose holding period is over (the lookups already ignore them).
  { name: "retired usernames", run: () => pruneRetiredUsernames(now) },
  // Invites 30 days past their link's expiry (a person who never joined isn't kept for good), and old retired links.
  { name: "expired invites", run: () => pruneExpiredInvites(now) },
  // The OpenID provider: expired codes, tokens and sessions go; signing keys rotate on their schedule.
  { name: "expired OpenID records", run: () => deleteExpiredModels(now) },
  { name: "signing key rotation", run: () => rotateSigningKeys(now) },
  // Once per instance (later passes read one row): names from before the one-line rule (people's; groups',
  // roles', apps', providers', tokens', the mail sender's), logos from before uploads were encoded again.
  { name: "stored names", run: () => cleanStoredNames({ now }) },
  { name: "stored record names", run: () => cleanStoredRecordNames({ now }) },
  { name: "stored logos", run: () => cleanStoredLogos({ now }) },
];

/** One maintenance pass; exported for tests and for `now`-driven runs. `failed` names the steps that threw. */
export async function runMaintenance(now = new Date()): Promise<MaintenanceCounts & { failed: string[]; skipped: string[] }> {
  const counts: MaintenanceCounts = {
    eventsPruned: 0,
    throttleRowsPruned: 0,
    rateLimitRowsPruned: 0,
    sessionsPruned: 0,
    outboxRowsPruned: 0,
    expiredInvitesRemoved: 0,
    retiredInviteLinksPruned: 0,
  };
  const failed: string[] = [];
  const skipped: string[] = [];
  for (const step of maintenanceSteps(now)) {
    if (step.needs && failed.includes(step.needs)) {
      skipped.push(step.name);
      console.error(`Maintenance step "${step.name}" waits for the next pass ("${step.needs}" failed)`);
      continue;
    }
    try {
      const result = await step.run();
      if (typeof result === "object") Object.assign(counts, result);
    } catch (err) {
      failed.push(step.name);
      console.error(`Maintenance step "${step.name}" failed (the others ran):`, err);
    }
  }
  return { ...counts, failed, skipped };
}

/** The maintenance pass on the replica holding its lease (elsewhere: nothing, ran: false). */
export async function maintenancePass(options: LeaseOptions = {}) {
  return withLease(MAINTENANCE_LEASE.name, MAINTENANCE_LEASE.ttlMs, () => runMaintenance(options.now), options);
}

/** The periodic outbox pass on the replica holding its lease (each process's nudges run regardless: claims keep them apart). */
export async function outboxPass(options: LeaseOptions = {}) {
  // Nothing to send from here: don't take the write lock every 30 s for it.
  if (!handlesOutbox()) return { ran: false as const };
  return withLease(OUTBOX_LEASE.name, OUTBOX_LEASE.ttlMs, () => deliverOutbox({ now: options.now }), options);
}

/**
 * This process's directory check while it runs. The lease keeps other replicas out, not this process's own next
 * tick: with a 1-minute interval the first run and the first tick both came at 60 s and ran side by side, and the
 * second's outcome ("0 blocked": the first had blocked them already) was the one Settings → LDAP showed.
 */
let directorySyncRunning = false;

/** The directory check on the replica holding its lease (elsewhere, with the check off, or already running here: nothing, ran: false). */
export async function directorySyncPass(options: LeaseOptions = {}) {
  const interval = config().ldapSyncIntervalMinutes;
  if (interval === null || directorySyncRunning) return { ran: false as const };
  directorySyncRunning = true;
  try {
    const lease = directorySyncLease(interval);
    return await withLease(lease.name, lease.ttlMs, () => syncDirectories(options.now), options);
  } finally {
    directorySyncRunning = false;
  }
}

function runLogged(): void {
  maintenancePass().then(
    (r) => {
      if (r.ran && r.result.eventsPruned > 0) {
        console.log(`Activity retention: removed ${r.result.eventsPruned} events older than ${config().activityRetentionDays} days`);
      }
    },
    (err: unknown) => console.error("Maintenance job failed:", databaseTroubleLine(err) ?? err),
  );
}

function deliverLogged(): void {
  outboxPass().catch((err: unknown) => console.error("Outbox pass failed:", databaseTroubleLine(err) ?? err));
}

function directorySyncLogged(): void {
  // Each source's trouble is logged by the check itself, once per run.
  directorySyncPass().catch((err: unknown) => console.error("Directory check failed:", err));
}

/**
 * The database's schema against this code's (a newer replica may have migrated it: lib/db/schema-version.ts,
 * which logs the news), then the heartbeat (not from a process that must stop serving), then this server's
 * clock against the database's (which logs only when it is off: lib/data/clock-offset.ts).
 */
function beatLogged(): void {
  checkDatabaseSchema()
    .then((schema) => (schema === "newer" ? undefined : beat()))
    .catch((err: unknown) => console.error("Server heartbeat failed:", databaseTroubleLine(err) ?? err))
    .then(() => checkClockOffset())
    .catch((err: unknown) => console.error("Comparing this server's clock with the database's failed:", err));
}

function mergeLogged(): void {
  searchMergePass().catch((err: unknown) => console.error("Search index merge failed:", databaseTroubleLine(err) ?? err));
}

export function startBackgroundJobs(): void {
  if (globalForJobs.latchkeyJobsStarted) return;
  globalForJobs.latchkeyJobsStarted = true;
  // Shortly after start (not in the way of the first requests), then hourly. unref: never keeps the process alive.
  setTimeout(runLogged, 5_000).unref();
  setInterval(runLogged, HOUR_MS).unref();
  setInterval(deliverLogged, OUTBOX_PASS_MS).unref();
  setInterval(mergeLogged, SEARCH_MERGE_PASS_MS).unref();
  const directoryInterval = config().ldapSyncIntervalMinutes;
  if (directoryInterval !== null) {
    setTimeout(directorySyncLogged, 60_000).unref();
    setInterval(directorySyncLogged, directoryInterval * 60_000).unref();
  }
  // From the start: `npm run restore` refuses to run beside a server (lib/ops/running-server.ts).
  beatLogged();
  setInterval(beatLogged, SERVER_HEARTBEAT.everyMs).unref();
}
