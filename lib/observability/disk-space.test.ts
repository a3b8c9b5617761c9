/**
 * A nearly full SQLite disk (review 18's known-left): nothing warned before writes failed. Now DATA_DIR's free
 * space (statfs, stubbed here) below the minimum is its own check ("disk": "low", a warning: still ready, since
 * the one SQLite instance still serves), one log line when it turns low and one when there is room again, and a
 * metric.
 */
import fs from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { dialect } from "@/lib/db/database";
import { renderMetrics } from "@/lib/observability/metrics";
import { DISK_FREE_MIN_BYTES } from "./disk-space";
import { readiness } from "@/lib/ops/readiness";

const started = Symbol.for("latchkey.started");

/** statfs as the filesystem would answer with `free` bytes available (4 KiB blocks). */
const real = fs.promises.statfs;
function diskWithFree(free: number) {
  return vi.spyOn(fs.promises, "statfs").mockImplementation(async (p, opts) => ({ ...(await real(p as string, opts as never)), bsize: 4096, bavail: Math.floor(free / 4096) }) as never);
}

afterEach(async () => {
  vi.restoreAllMocks();
  // Back to the real disk (and the remembered state with it).
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  await readiness();
  vi.restoreAllMocks();
  delete (globalThis as Record<symbol, unknown>)[started];
});

describe.runIf(dialect() === "sqlite")("DATA_DIR's free space (SQLite)", () => {
  it("below the minimum: disk \"low\" (still ready), one log line; room again: \"ok\", one line", async () => {
    (globalThis as Record<symbol, unknown>)[started] = true;
    expect(await readiness()).toMatchObject({ ready: true, checks: { disk: "ok", writes: "ok" } });

    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    diskWithFree(DISK_FREE_MIN_BYTES - 4096);
    // Writes still work on such a disk: the check warns, and the instance stays in its load balancer.
    expect(await readiness()).toMatchObject({ ready: true, checks: { database: "ok", writes: "ok", disk: "low" } });
    await readiness();
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0][0])).toMatch(/^The disk of DATA_DIR \(.+\) is nearly full: 64\.0 MiB free, below 64 MiB; writes will fail \(503\) once it is full\./);

    diskWithFree(DISK_FREE_MIN_BYTES * 4);
    expect(await readiness()).toMatchObject({ ready: true, checks: { disk: "ok" } });
    expect(logged).toHaveBeenCalledTimes(2);
    expect(String(logged.mock.calls[1][0])).toMatch(/^The disk of DATA_DIR \(.+\) has room again: 256\.0 MiB free\.$/);
  });

});

it("DATA_DIR's free bytes are a metric (both dialects)", async () => {
  diskWithFree(123 * 4096);
  expect((await renderMetrics()).body).toMatch(/^latchkey_data_dir_free_bytes 503808$/m);
});
