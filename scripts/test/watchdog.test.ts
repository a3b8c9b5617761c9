/**
 * The test harness's watchdog (./watchdog.mjs): a stage that stops printing, or runs past its ceiling, is reported
 * and killed whole within seconds of its limit, however the report itself fares; a stage that ends by itself
 * passes its output and exit status through. Limits of a second here; the harness's are minutes.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir } from "@/test/scratch";
import { processTree } from "./process-tree.mjs";
import { runWatched } from "./watchdog.mjs";

function capture() {
  let text = "";
  return { write: (chunk: string | Uint8Array) => (text += chunk.toString()), text: () => text };
}

/** A node process running script (plain JavaScript). */
const node = (script: string) => ({ command: process.execPath, args: ["-e", script] });

/**
 * The limit a test stage gets before its first line: the watchdog counts from the spawn, and a node start-up took
 * 0.3-0.45 s on a two-core host at load 8 and over 1 s at load 14 (1 s limits failed there, with no output yet).
 */
const START_UP_MS = 5_000;

const gone = (pid: number) => ["Z", undefined].includes(processTree(pid)[0]?.state);

describe("the test harness's watchdog", () => {
  it("stops a stage that prints nothing more: says why, shows its processes and last output, kills the whole tree", { timeout: 30_000 }, async () => {
    const out = capture();
    const err = capture();
    // A stage stuck waiting, with a process of its own in another process group (as Playwright starts Chromium).
    const stage = node(`
      const child = require("node:child_process").spawn(process.execPath, ["-e", "setTimeout(() => {}, 600000)"], { detached: true, stdio: "ignore" });
      console.log("waiting with " + child.pid);
      setTimeout(() => {}, 600000);
    `);
    const result = await runWatched({
      name: "Sleepy stage",
      ...stage,
      // Its first line comes after two node start-ups.
      quietMs: START_UP_MS,
      ceilingMs: 60_000,
      checkEveryMs: 100,
      // A report that never answers is cut short: the watchdog itself must not hang.
      diagnose: () => new Promise<string>(() => undefined),
      diagnoseTimeoutMs: 300,
      out,
      err,
    });
    // Done, though the report never answered (else the test's timeout ends it): no "less than 10 s" on a wall
    // clock, which a loaded host's start-ups could reach; the report says the diagnostics were cut short.
    expect(result.status).toBe(1);
    // The check runs every 100 ms; on a busy host it may come late.
    expect(result.stopped).toMatch(/^no output for \d+\.\d s \(limit 5\.0 s/);
    const grandchild = Number(/waiting with (\d+)/.exec(out.text())?.[1]);
    const report = err.text();
    expect(report).toContain("Sleepy stage: stopped by the watchdog: no output for");
    expect(report).toMatch(new RegExp(`\\s${grandchild} [RSD]\\s+(\\d+%|new)\\s+\\S+\\s+\\S*node -e setTimeout`));
    expect(report).toContain("(diagnostics: no answer within 0.3 s)");
    expect(report).toMatch(/last lines of output ---\nwaiting with \d+\n--- \(end\)/);
    expect(report).toMatch(/Killed the stage's 2 processes\.$/m);
    // SIGKILL lands on the (stopped) grandchild a moment after it is sent.
    await expect.poll(() => gone(grandchild), { timeout: 5_000 }).toBe(true);
  });

  it("stops a stage that keeps printing past its ceiling, with what diagnose adds", async () => {
    const err = capture();
    const result = await runWatched({
      name: "Endless stage",
      ...node(`setInterval(() => console.log("still going"), 50);`),
      quietMs: 60_000,
      // Past its first lines.
      ceilingMs: START_UP_MS,
      checkEveryMs: 100,
      diagnose: async () => "What the PostgreSQL servers say",
      out: capture(),
      err,
    });
    expect(result.status).toBe(1);
    expect(result.stopped).toMatch(/^still running after \d+\.\d s \(its ceiling/);
    expect(err.text()).toContain("\nWhat the PostgreSQL servers say\n");
    expect(err.text()).toMatch(/still going\n--- \(end\)/);
  });

  it("reads the output that came while this process was stalled before it judges the stage quiet", async () => {
    const printed = path.join(scratchDir("latchkey-watchdog-"), "printed");
    const out = capture();
    const running = runWatched({
      name: "Stage watched from a stalled process",
      ...node(`console.log("ready"); require("node:fs").writeFileSync(${JSON.stringify(printed)}, "");`),
      // Longer than the stage's exit takes on a loaded host once its output is read (0.5 s was not, at load 16).
      quietMs: 3_000,
      ceilingMs: 60_000,
      checkEveryMs: 50,
      out,
      err: capture(),
    });
    // This process stalls (as one on a loaded host isn't run for a while) until the stage has printed and exited and
    // the quiet limit has passed since its start: on waking, its timers run before it reads what waits in the pipes.
    const since = Date.now();
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (!fs.existsSync(printed) || Date.now() - since < 3_200) Atomics.wait(pause, 0, 0, 10);
    const result = await running;
    expect(result).toMatchObject({ status: 0, stopped: undefined });
    expect(out.text()).toBe("ready\n");
  });

  it("passes a stage's output and exit status through when it ends by itself", async () => {
    const out = capture();
    const err = capture();
    const result = await runWatched({
      name: "Quick stage",
      ...node(`console.log("out"); console.error("err"); setTimeout(() => process.exit(3), 300);`),
      quietMs: 10_000,
      ceilingMs: 10_000,
      out,
      err,
    });
    expect(result).toMatchObject({ status: 3, stopped: undefined });
    expect(result.longestQuietMs).toBeGreaterThanOrEqual(250);
    expect(out.text()).toBe("out\n");
    expect(err.text()).toBe("err\n");
  });
});
