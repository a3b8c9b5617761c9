// Types of ./watchdog.mjs for its TypeScript callers (the unit tests).
export type Output = { write(chunk: string | Uint8Array): unknown };
export function runWatched(options: {
  name: string;
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  quietMs: number;
  ceilingMs: number;
  diagnose?: () => Promise<string>;
  diagnoseTimeoutMs?: number;
  checkEveryMs?: number;
  out?: Output;
  err?: Output;
}): Promise<{ status: number; stopped?: string; signal: NodeJS.Signals | null; longestQuietMs: number }>;
