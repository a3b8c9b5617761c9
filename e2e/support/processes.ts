/** The servers the tests start as child processes (slapd, Apache). */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { canConnect } from "./ports";

/** SIGTERM, then SIGKILL if it hasn't exited within 5 s; nothing if it already has. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

/** SIGKILL to a child started `detached` (its own process group) and all it started; nothing if the group is gone. */
export function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // The group is gone: nothing left.
  }
}

/**
 * Waits until `child` accepts connections on 127.0.0.1:port. Null once it does; otherwise why not (it exited, or
 * it didn't listen within `ms`: then it is killed), for the caller's error message.
 */
export async function untilListening(child: ChildProcess, port: number, ms = 15_000): Promise<string | null> {
  const deadline = Date.now() + ms;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null) return `exited early (${child.exitCode})`;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      return `did not listen on ${port} within ${ms / 1000} s`;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}

/**
 * Spawns a server the test owns (in the foreground) and waits until it listens on 127.0.0.1:port. If it doesn't,
 * removes its temp `dir` and throws with what it printed and `log()` (its error log), for the test's message.
 */
export async function startOwnedServer(
  name: string,
  command: string,
  args: string[],
  { port, dir, log, env }: { port: number; dir: string; log: () => string; env?: NodeJS.ProcessEnv },
): Promise<ChildProcess> {
  let output = "";
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: env ?? process.env });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const why = await untilListening(child, port);
  if (why) {
    const logged = log();
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`${name} ${why}:\n${output}\n${logged}`);
  }
  return child;
}
