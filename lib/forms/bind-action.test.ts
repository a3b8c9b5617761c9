import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { bindAction } from "./bind-action";

describe("bindAction", () => {
  it("gives the same bound function for the same action and arguments, and binds them", async () => {
    const action = async (id: string, flag: boolean, state: string) => `${id}:${flag}:${state}`;
    const first = bindAction(action, "u1", true);
    expect(bindAction(action, "u1", true)).toBe(first);
    expect(bindAction(action, "u1", false)).not.toBe(first);
    expect(bindAction(async (id: string, flag: boolean, state: string) => `${id}${flag}${state}`, "u1", true)).not.toBe(first);
    expect(await first("s")).toBe("u1:true:s");
  });

  it("binds again once the kept one has expired", () => {
    vi.useFakeTimers();
    try {
      const action = async (id: string) => id;
      const first = bindAction(action, "u2");
      vi.advanceTimersByTime(31_000);
      expect(bindAction(action, "u2")).not.toBe(first);
    } finally {
      vi.useRealTimers();
    }
  });
});

/** React's own bind of a server reference, in a client component, hangs a form posted without JavaScript (see bind-action.ts). */
describe("client components", () => {
  it("bind server actions with bindAction, never .bind()", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.tsx?$/.test(entry.name)) {
          const text = fs.readFileSync(file, "utf8");
          if (/^\s*["']use client["']/.test(text) && /Action\w*\)?\.bind\(/.test(text)) offenders.push(file);
        }
      }
    };
    for (const dir of ["app", "components"]) walk(path.join(process.cwd(), dir));
    expect(offenders).toEqual([]);
  });
});
