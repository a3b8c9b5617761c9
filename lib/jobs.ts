/**
 * Background work of the server process, started once from lib/startup.ts
 * (instrumentation), never from a page load: activity retention, pruning the
 * sign-in throttle's stale rows. (The search index's backfill starts from
 * lib/startup.ts: it must be planned before requests are served.)
 */
import "server-only";
import { pruneActivity } from "@/lib/audit/retention";
import { pruneSignInThrottles } from "@/lib/auth/sign-in-throttle";
import { config } from "@/lib/config";

const HOUR_MS = 3_600_000;

const globalForJobs = globalThis as unknown as { latchkeyJobsStarted?: boolean };

/** One maintenance pass; exported for tests and for `now`-driven runs. */
export async function runMaintenance(now = new Date()): Promise<{ eventsPruned: number; throttleRowsPruned: number }> {
  const pruned = await pruneActivity(now);
  const throttleRowsPruned = await pruneSignInThrottles(now, config().signIn);
  return { eventsPruned: pruned.reduce((n, p) => n + p.pruned, 0), throttleRowsPruned };
}

function runLogged(): void {
  runMaintenance().then(
    (r) => {
      if (r.eventsPruned > 0) console.log(`Activity retention: removed ${r.eventsPruned} events older than ${config().activityRetentionDays} days`);
    },
    (err: unknown) => console.error("Maintenance job failed:", err),
  );
}

export function startBackgroundJobs(): void {
  if (globalForJobs.latchkeyJobsStarted) return;
  globalForJobs.latchkeyJobsStarted = true;
  // Shortly after start (not in the way of the first requests), then hourly. unref: never keeps the process alive.
  setTimeout(runLogged, 5_000).unref();
  setInterval(runLogged, HOUR_MS).unref();
}
