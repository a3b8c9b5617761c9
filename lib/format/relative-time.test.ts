import { describe, expect, it } from "vitest";
import { exactTime, relativeTime } from "./relative-time";

const now = new Date("2026-06-15T12:00:00Z");
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

describe("relativeTime", () => {
  it("uses the largest unit that fits, in words", () => {
    expect(relativeTime(ago(5), now)).toBe("now");
    expect(relativeTime(ago(90), now)).toBe("2 minutes ago");
    expect(relativeTime(ago(2 * 3600), now)).toBe("2 hours ago");
    expect(relativeTime(ago(26 * 3600), now)).toBe("yesterday");
    expect(relativeTime(ago(8 * 24 * 3600), now)).toBe("last week");
    expect(relativeTime(ago(400 * 24 * 3600), now)).toBe("last year");
  });

  it("says when a future moment is", () => {
    expect(relativeTime(new Date(now.getTime() + 3 * 24 * 3600 * 1000), now)).toBe("in 3 days");
  });
});

describe("exactTime", () => {
  it("shows the moment in the given time zone, named", () => {
    expect(exactTime(now, "UTC")).toBe("Jun 15, 2026, 12:00:00 PM UTC");
    expect(exactTime(now, "Europe/Berlin")).toBe("Jun 15, 2026, 2:00:00 PM GMT+2");
  });
});
