/**
 * The data directory holds the encryption key, the session secret and the SQLite database: whoever may create or
 * rename files in it may put their own key or database in place (a key planted before the first start, a
 * replaced latchkey.db, a -wal file SQLite replays into it). So it is made private (0700) when Latchkey creates
 * it, and one that every user of the machine may write to is refused, whether it is the directory itself or the
 * target of a link (a link is followed: its target's mode is what protects the files). A group-writable
 * directory is accepted: container platforms give volumes to the server's group (Kubernetes' fsGroup, mode 2775).
 */
import "server-only";
import fs from "node:fs";

/** DATA_DIR can't be used as it is: the message names it, what is wrong and the fix. */
export class UnsafeDataDirError extends Error {
  constructor(dir: string, mode: number) {
    super(
      `DATA_DIR ${dir} is writable by every user of this machine (mode ${mode.toString(8).padStart(4, "0")}): anyone could put their own ` +
        `encryption key or database in it. Make it private (chmod 700 ${dir}, or at least chmod o-w) and start again. Nothing was read or written.`,
    );
    this.name = "UnsafeDataDirError";
  }
}

/** Creates DATA_DIR (mode 0700) if it is missing, and refuses one every user may write to. */
export function ensurePrivateDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = fs.statSync(dir).mode & 0o7777;
  if (mode & 0o002) throw new UnsafeDataDirError(dir, mode);
}
