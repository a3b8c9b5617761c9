// Temporary directories unit tests write into: each test file's data directory, backups, copies, a
// second instance. All of a run's go under one root the global set-up makes and removes
// (test/global-setup.ts), each test file's under a folder of its own that its afterAll removes
// (test/unit-env.ts), so a run leaves none of its databases, keys or backups in the temp directory.
// (A worker process is stopped, not exited, so an exit handler would not run; a file whose tests are
// all skipped runs no afterAll: the run's root catches those.)
import fs from "node:fs";
import path from "node:path";
import { inject } from "vitest";

/** The environment survives vi.resetModules (test/fresh-instance.ts), which a module variable would not. */
const FILE_ROOT = "LATCHKEY_TEST_SCRATCH";

function fileRoot(): string {
  const existing = process.env[FILE_ROOT];
  if (existing && fs.existsSync(existing)) return existing;
  const made = fs.mkdtempSync(path.join(inject("scratchRoot"), "file-"));
  process.env[FILE_ROOT] = made;
  return made;
}

/** A new empty directory, removed when this test file's tests end. */
export function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(fileRoot(), prefix));
}

/** Removes this test file's scratch directories (its tests have ended). */
export function removeScratchDirs(): void {
  const root = process.env[FILE_ROOT];
  if (root) fs.rmSync(root, { recursive: true, force: true });
  delete process.env[FILE_ROOT];
}
