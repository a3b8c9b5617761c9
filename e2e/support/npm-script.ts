/**
 * Runs one of the project's commands as an operator does (`npm run --silent <script> -- <args>`) from the
 * project's root, with `env` over this process's environment: its exit code and its output (standard output
 * and error as they came). The specs of the commands (verify-events, rotate-key, users, recover-owner,
 * backup, restore, db:copy) share it.
 */
import { spawn } from "node:child_process";
import path from "node:path";

export type ScriptRun = { code: number | null; output: string };

const ROOT = path.resolve(__dirname, "..", "..");

export function runNpmScript(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<ScriptRun> {
  const child = spawn("npm", ["run", "--silent", script, "--", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}
