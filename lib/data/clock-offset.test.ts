import { afterEach, describe, expect, it, vi } from "vitest";
import { dialect } from "@/lib/db/database";
import { CLOCK_OFFSET_WARN_MS, checkClockOffset, clockOffsetMs } from "./clock-offset";

const onPostgres = dialect() === "postgres";
const MINUTE = 60_000;

afterEach(() => vi.restoreAllMocks());

describe("this server's clock against the database's", () => {
  it.runIf(onPostgres)("reads no offset when both clocks are this machine's, and the offset of a clock set ahead or behind", async () => {
    expect(Math.abs((await clockOffsetMs())!)).toBeLessThan(1_000);
    const ahead = await clockOffsetMs(() => Date.now() + 5 * MINUTE);
    expect(ahead).toBeGreaterThan(5 * MINUTE - 1_000);
    expect(ahead).toBeLessThan(5 * MINUTE + 1_000);
    expect(await clockOffsetMs(() => Date.now() - 5 * MINUTE)).toBeLessThan(-5 * MINUTE + 1_000);
  });

  it.runIf(onPostgres)("says once in the log that the clock is off, and once that it is back in step", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await checkClockOffset();
    expect(warn).not.toHaveBeenCalled();
    const ahead = () => Date.now() + CLOCK_OFFSET_WARN_MS + 30_000;
    await checkClockOffset(ahead);
    await checkClockOffset(ahead);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/^This server's clock is 40 s ahead of the database server's\. .*keep every replica's clock in sync \(NTP\)/);
    await checkClockOffset();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[1][0])).toMatch(/in step .* again/);
    await checkClockOffset(() => Date.now() - 2 * MINUTE);
    expect(String(warn.mock.calls[2][0])).toMatch(/120 s behind/);
    await checkClockOffset();
  });

  it.runIf(!onPostgres)("has nothing to compare on SQLite (one machine, one clock)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(await clockOffsetMs(() => Date.now() + 5 * MINUTE)).toBeNull();
    expect(await checkClockOffset(() => Date.now() + 5 * MINUTE)).toBeNull();
    expect(warn).not.toHaveBeenCalled();
  });
});
