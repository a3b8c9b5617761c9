/**
 * Free space on DATA_DIR's filesystem, for SQLite (review 18's known-left: nothing warned before a full disk made
 * writes fail). The filesystem's own count (statfs: blocks free to this unprivileged user) is read at each probe
 * and for /metrics; below DISK_FREE_MIN_BYTES the probe reports "disk": "low" and the log says so in one line
 * when it turns low and when it has room again. A warning: readiness stays as it is (SQLite is one instance that
 * still serves; a write that then fails for want of space turns `writes` to "failed", which is not ready).
 * PostgreSQL keeps its data on its own server's disk (its own monitoring's part); DATA_DIR holds only keys
 * there, so only the metric is kept.
 */
import "server-only";
import fs from "node:fs";
import { config } from "@/lib/config";

/** Below this, a unit of work's writes (an activity event with its index entries, the WAL's growth) may not fit. */
export const DISK_FREE_MIN_BYTES = 64 * 1024 * 1024;

export type DiskCheck = "ok" | "low";

const MIB = 1024 * 1024;
const state = globalThis as unknown as { latchkeyDiskLow?: boolean };

/** Bytes free to this process's user on DATA_DIR's filesystem. */
export async function dataDirFreeBytes(): Promise<number> {
  const found = await fs.promises.statfs(config().dataDir);
  return Number(found.bavail) * Number(found.bsize);
}

/** "low" below DISK_FREE_MIN_BYTES, else "ok"; one log line when that changes. */
export async function diskSpaceCheck(): Promise<DiskCheck> {
  const free = await dataDirFreeBytes();
  const low = free < DISK_FREE_MIN_BYTES;
  const where = `DATA_DIR (${config().dataDir})`;
  if (low && !state.latchkeyDiskLow) {
    console.error(
      `The disk of ${where} is nearly full: ${(free / MIB).toFixed(1)} MiB free, below ${DISK_FREE_MIN_BYTES / MIB} MiB; writes will fail (503) once it is full. ` +
        "Free space or grow the filesystem; no restart needed.",
    );
  } else if (!low && state.latchkeyDiskLow) {
    console.error(`The disk of ${where} has room again: ${(free / MIB).toFixed(1)} MiB free.`);
  }
  state.latchkeyDiskLow = low;
  return low ? "low" : "ok";
}
