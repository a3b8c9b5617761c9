/**
 * GET /api/ready: whether this process should get traffic. Ready when start-up
 * finished (the key was checked against the data, migrations ran), the
 * database answers now, has exactly the migrations this version ships (more:
 * a newer version migrated it, and this older process must not serve:
 * lib/db/schema-version.ts), its last write did not fail for want of a
 * database that can write (a full or read-only disk, PostgreSQL gone: the
 * probe then writes the heartbeat's row itself, which clears it once the
 * cause is gone; so does the heartbeat every 30 s), and the
 * process is not shutting down (scripts/server.mjs flags that on SIGTERM, so a
 * load balancer stops sending before the server stops accepting).
 */
import "server-only";
import { beat } from "@/lib/data/heartbeat";
import { checkDatabaseSchema, dialect, writesFailing } from "@/lib/db/database";
import { diskSpaceCheck, type DiskCheck } from "@/lib/observability/disk-space";

export type Check = "ok" | "failed" | "pending";
/** "newer": the database has migrations this version doesn't know (a newer version upgraded it). */
export type MigrationsCheck = Check | "newer";
export type Readiness = {
  ready: boolean;
  /** disk: SQLite only (DATA_DIR holds the database); "low" below lib/observability/disk-space.ts's minimum, a warning that leaves `ready` as it is. */
  checks: { database: Check; migrations: MigrationsCheck; writes: Check; disk?: DiskCheck | "failed"; encryption_key: Check; shutting_down: boolean };
};

const flag = (name: string) => (globalThis as Record<symbol, unknown>)[Symbol.for(name)] === true;

export async function readiness(): Promise<Readiness> {
  const started = flag("latchkey.started");
  const shuttingDown = flag("latchkey.shuttingDown");
  let database: Check = "pending";
  let migrations: MigrationsCheck = "pending";
  let writes: Check = "pending";
  if (started) {
    try {
      const schema = await checkDatabaseSchema();
      database = "ok";
      migrations = schema === "current" ? "ok" : schema === "newer" ? "newer" : "failed";
    } catch {
      database = "failed";
    }
    // After a write failed so, this probe writes itself (the heartbeat's row), so readiness comes back with the database, not a heartbeat later.
    if (writesFailing() && database === "ok" && migrations !== "newer") await beat().catch(() => undefined);
    writes = writesFailing() ? "failed" : "ok";
  }
  const disk = started && dialect() === "sqlite" ? await diskSpaceCheck().catch((): "failed" => "failed") : undefined;
  const checks = {
    database,
    migrations,
    writes,
    ...(disk && { disk }),
    encryption_key: started ? ("ok" as const) : ("pending" as const),
    shutting_down: shuttingDown,
  };
  // A low disk is a warning, not unreadiness: SQLite is one instance, and it still serves (reads, and writes until
  // the disk is really full, when `writes` says so). Not ready would take it out of its load balancer whole.
  return { ready: started && !shuttingDown && database === "ok" && migrations === "ok" && writes === "ok", checks };
}
