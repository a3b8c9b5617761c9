/**
 * A real command-line OpenID client for tests: Debian's oidc-agent (package oidc-agent-cli), the agent run in the
 * foreground with its socket, configuration and HOME in a temp dir (never the user's own), and its tools (oidc-gen,
 * oidc-token) run against it. Used by e2e/oidc-agent.spec.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stopProcess } from "./processes";
import { noteSecret } from "./secrets";

const TOOLS = ["oidc-agent", "oidc-gen", "oidc-token"].map((name) => `/usr/bin/${name}`);
const INSTALL = "Install it with: DEBIAN_FRONTEND=noninteractive apt-get install -y oidc-agent-cli (.ci/run does this).";

/** Throws (never skips) with what to install when oidc-agent's tools aren't there. */
export function requireOidcAgent(): void {
  const missing = TOOLS.filter((tool) => !fs.existsSync(tool));
  if (missing.length) throw new Error(`The oidc-agent test needs ${missing.join(", ")}, which ${missing.length > 1 ? "are" : "is"} not installed. ${INSTALL}`);
}

/** A tool's run: its exit code and what it printed (both streams, in order). */
export type ToolRun = { code: number | null; output: string };

/** A tool started in the background: what it has printed so far, and its end. */
export type RunningTool = { output: () => string; done: Promise<ToolRun> };

export type OidcAgent = {
  /** Starts oidc-gen with these arguments, asking nothing (the encryption password comes from the environment: --pw-env). */
  gen: (args: string[]) => RunningTool;
  /** Runs oidc-token with these arguments to its end. */
  token: (args: string[]) => Promise<ToolRun>;
  stop: () => Promise<void>;
};

export async function startOidcAgent(): Promise<OidcAgent> {
  requireOidcAgent();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-oidc-agent-"));
  const socket = path.join(home, "agent.sock");
  const password = crypto.randomBytes(18).toString("base64url");
  noteSecret(password);
  const env = { ...process.env, HOME: home, OIDC_SOCK: socket, OIDC_ENCRYPTION_PW: password, LANG: "C" };
  // --console: in the foreground, so the test owns the process.
  const agent: ChildProcess = spawn(TOOLS[0], ["--console", "--socket-path", socket, "--no-autoload"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let agentOutput = "";
  agent.stdout?.on("data", (d) => (agentOutput += d));
  agent.stderr?.on("data", (d) => (agentOutput += d));
  const deadline = Date.now() + 10_000;
  while (!fs.existsSync(socket)) {
    if (agent.exitCode !== null || Date.now() > deadline) {
      agent.kill("SIGKILL");
      fs.rmSync(home, { recursive: true, force: true });
      throw new Error(`oidc-agent did not start: ${agentOutput}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const run = (tool: string, args: string[]): RunningTool => {
    const child = spawn(tool, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    const done = new Promise<ToolRun>((resolve) => child.once("close", (code) => resolve({ code, output })));
    return { output: () => output, done };
  };
  return {
    gen: (args) => run(TOOLS[1], ["--pw-env", "--prompt=none", ...args]),
    token: (args) => run(TOOLS[2], args).done,
    stop: async () => {
      await stopProcess(agent);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
