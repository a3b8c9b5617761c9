/** The servers the tests start as child processes (slapd, Apache). */
import type { ChildProcess } from "node:child_process";

/** SIGTERM, then SIGKILL if it hasn't exited within 5 s; nothing if it already has. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}
