/**
 * scripts/thread-pool-priority.cjs, as the server starts with it (NODE_OPTIONS from
 * scripts/server-environment.mjs): libuv's pool threads, and only they, run at lower CPU
 * priority, and that is where argon2 hashes. Linux only, as the module is.
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs script without types
import { missingServerEnvironment } from "../../scripts/server-environment.mjs";

const root = path.resolve(__dirname, "../..");

// Runs in the child: each thread's nice value (field 19 of /proc/…/stat) and CPU time spent
// (schedstat, ns) while two argon2id hashes run, and what the preload published.
const CHILD = `
const fs = require("node:fs");
const argon2 = require("argon2");
const field = (tid) => fs.readFileSync("/proc/self/task/" + tid + "/stat", "utf8").split(") ")[1].split(" ");
const ran = (tid) => Number(fs.readFileSync("/proc/self/task/" + tid + "/schedstat", "utf8").split(" ")[0]);
const tids = fs.readdirSync("/proc/self/task");
const before = new Map(tids.map((t) => [t, ran(t)]));
const options = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
Promise.all([argon2.hash("one", options), argon2.hash("two", options)]).then(() => {
  const threads = tids.map((t) => ({ tid: Number(t), nice: Number(field(t)[16]), ranMs: (ran(t) - before.get(t)) / 1e6 }));
  console.log(JSON.stringify({ pid: process.pid, published: globalThis[Symbol.for("latchkey.threadPoolPriority")] ?? null, threads }));
});
`;

type Report = { pid: number; published: { threads: number[]; nice: number } | null; threads: { tid: number; nice: number; ranMs: number }[] };

function runChild(env: Record<string, string>): Report {
  const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
  const out = execFileSync(process.execPath, ["-e", CHILD], { cwd: root, env: { ...inherited, ...env }, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1) as string) as Report;
}

describe("the thread pool's priority (scripts/thread-pool-priority.cjs)", () => {
  it("lowers the pool's threads only, and argon2 hashes on them", () => {
    const own = os.getPriority();
    const expected = Math.min(19, own + 10);
    const report = runChild({ ...missingServerEnvironment({}), UV_THREADPOOL_SIZE: "3" });

    expect(report.published?.nice).toBe(expected);
    const pool = new Set(report.published?.threads);
    expect(pool.size).toBe(3);
    expect(pool.has(report.pid)).toBe(false);
    for (const thread of report.threads) expect(thread.nice, `thread ${thread.tid}`).toBe(pool.has(thread.tid) ? expected : own);
    // Two hashes of ~20 ms of CPU each: nearly all of it on the lowered threads.
    const onPool = report.threads.filter((t) => pool.has(t.tid)).reduce((sum, t) => sum + t.ranMs, 0);
    const elsewhere = report.threads.filter((t) => !pool.has(t.tid)).reduce((sum, t) => sum + t.ranMs, 0);
    expect(onPool).toBeGreaterThan(15);
    expect(onPool).toBeGreaterThan(elsewhere);
  });

  it("leaves every thread alone without the preload", () => {
    const report = runChild({ UV_THREADPOOL_SIZE: "3" });
    expect(report.published).toBeNull();
    for (const thread of report.threads) expect(thread.nice).toBe(os.getPriority());
  });
});
