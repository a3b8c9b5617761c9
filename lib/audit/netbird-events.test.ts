/** The activity log in NetBird's Event shape: codes, the person behind a token, meta as strings. */
import { describe, expect, it } from "vitest";
import type { ActivityEvent } from "./events";
import { toNetbirdEvent } from "./netbird-events";

const base: ActivityEvent = {
  id: "e1",
  seq: 1,
  occurredAt: new Date("2026-01-02T03:04:05Z"),
  action: "user.blocked",
  actionLabel: "User blocked",
  actor: { type: "token", id: "tok-1", label: 'Olive Owner (token "ci")' },
  target: { type: "user", id: "u-2", label: "Bob" },
  details: { role: "user", count: 3, nested: { a: 1 } },
  privateDetails: null,
  ip: null,
  userAgent: null,
  hash: null,
};

describe("toNetbirdEvent", () => {
  it("uses NetBird's activity code and names the person behind a token", () => {
    const people = new Map([["u-1", { name: "Olive Owner", email: "olive@example.com" }]]);
    const e = toNetbirdEvent(base, (id) => people.get(id), (t) => (t === "tok-1" ? "u-1" : undefined));
    expect(e).toMatchObject({
      activity_code: "user.block",
      initiator_id: "u-1",
      initiator_name: "Olive Owner",
      initiator_email: "olive@example.com",
      target_id: "u-2",
      timestamp: "2026-01-02T03:04:05.000Z",
    });
    // Every meta value is a string.
    expect(e.meta).toMatchObject({ role: "user", count: "3", nested: '{"a":1}', target_name: "Bob", token_id: "tok-1" });
  });

  it("keeps our own code where NetBird has none, and a deleted person's label", () => {
    const e = toNetbirdEvent({ ...base, action: "user.login.failed", actor: { type: "user", id: "gone", label: "gone@example.com" } }, () => undefined);
    expect(e).toMatchObject({ activity_code: "user.login.failed", initiator_id: "gone", initiator_email: "gone@example.com", initiator_name: "" });
  });
});
