/**
 * Starting over inside one test file: closes the process's database connection
 * (lib/db/client.ts keeps it on globalThis) and forgets every loaded module, so
 * modules imported afterwards read the environment again and reopen DATA_DIR.
 * Import lib/ modules dynamically after calling this, errors included: classes
 * from before the reset are different objects.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { vi } from "vitest";

type CachedConnection = { $client: { open: boolean; close(): void } };
type CachedEngine = { reader: { $client?: { close(): void } }; native: { writer?: { open: boolean; close(): void } } };

export function restartWith(env: { DATA_DIR?: string; ENCRYPTION_KEY?: string }): void {
  const holder = globalThis as unknown as { latchkeyDb?: CachedConnection; latchkeyEngine?: CachedEngine };
  if (holder.latchkeyDb?.$client.open) holder.latchkeyDb.$client.close();
  delete holder.latchkeyDb;
  // The engine's connections too (lib/db/database.ts), synchronously like the one above: the last
  // connection to close checkpoints and removes the WAL files, which callers compare right after.
  const open = holder.latchkeyEngine;
  delete holder.latchkeyEngine;
  open?.reader.$client?.close();
  if (open?.native.writer?.open) open.native.writer.close();
  Object.assign(process.env, env);
  vi.resetModules();
}

export function newDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-unit-"));
}
