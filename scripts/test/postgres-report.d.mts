// Types of ./postgres-report.mjs for its TypeScript callers (the unit tests).
export function notedServers(notesDir: string): Array<{ note: string; port: number; url: string; dataDir: string; dir: string }>;
export function describeServer(url: string, options?: { timeoutMs?: number }): Promise<string>;
export function describeServers(notesDir: string): Promise<string>;
export function stopNotedServers(notesDir: string): number;
