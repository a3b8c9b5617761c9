import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { writeSystem } from "@/lib/data/unit-of-work";
import type { Role } from "@/lib/db/schema";
import { Forbidden } from "@/lib/errors";
import { deleteUser, updateUser } from "@/lib/users/lifecycle";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { eventFiltersSchema } from "./event-filters";
import { listEvents, toApiEvent } from "./events";
import { exportEvents } from "./export";
import { recordEvent } from "./record";

const actorFor = (u: { id: string; accountId: string; role: Role }): SessionActor => ({
  kind: "session",
  sessionId: "s",
  accountId: u.accountId,
  userId: u.id,
  role: u.role,
  mustChangePassword: false,
});

const T0 = Date.parse("2031-03-01T12:00:00Z");
const DAY = 86_400_000;

let accountId: string;
let admin: SessionActor;
let auditor: SessionActor;
let member: SessionActor;
let carolId: string;

const filters = (input: Record<string, unknown> = {}) => eventFiltersSchema.parse(input);
const actionsOf = async (input: Record<string, unknown>, actor: SessionActor = admin) =>
  (await listEvents(actor, filters(input))).events.map((e) => e.action);

async function record(action: string, day: number, extra: Partial<Parameters<typeof recordEvent>[1]> = {}) {
  await writeSystem((tx) =>
    recordEvent(tx, {
      accountId,
      action,
      actor: { type: "user", id: admin.userId, label: "Ada Admin" },
      meta: META,
      at: new Date(T0 + day * DAY),
      ...extra,
    }),
  );
}

beforeAll(async () => {
  accountId = await createAccount();
  admin = await startSession(await createUser(accountId, { role: "admin", name: "Ada Admin", email: "ada@example.com" }));
  auditor = actorFor(await createUser(accountId, { role: "auditor", name: "Aude Auditor" }));
  member = actorFor(await createUser(accountId, { role: "user", name: "Mia Member" }));
  const carol = await createUser(accountId, { role: "user", name: "Carol Quit", email: "carol@example.com" });
  carolId = carol.id;
  const other = await createAccount();

  await record("group.created", 0, { target: { type: "group", id: "g-1", label: "Engineering" } });
  await record("user.login.failed", 1, {
    actor: { type: "user", id: carolId, label: "Carol Quit" },
    target: { type: "user", id: carolId, label: "Carol Quit" },
    details: { reason: "wrong_password" },
    meta: { ip: "192.0.2.44", userAgent: "=HYPERLINK(\"http://evil\")" },
  });
  await record("user.login", 2, { actor: { type: "user", id: carolId, label: "Carol Quit" }, target: { type: "user", id: carolId, label: "Carol Quit" } });
  await record("user.login.failed", 3, { actor: { type: "anonymous", id: null }, details: { reason: "unknown_email" } });
  // Carol renamed and then deleted: her events stay readable and findable.
  await updateUser(admin, carolId, { name: "Carol Q. Left", role: "user", auto_groups: [], is_blocked: false }, META);
  await deleteUser(admin, carolId, META);
  await writeSystem((tx) =>
    recordEvent(tx, { accountId: other, action: "user.login", actor: { type: "user", id: "x", label: "Carol Quit" }, meta: META }),
  );
});

describe("listEvents", () => {
  it("is for admins and auditors only", async () => {
    expect((await listEvents(auditor, filters())).events.length).toBeGreaterThan(0);
    await expect(listEvents(member, filters())).rejects.toThrow(Forbidden);
  });

  it("lists the account's events newest first, with labels and details readable", async () => {
    const { events, total, totalExact } = await listEvents(admin, filters());
    expect(events.map((e) => e.action)).toEqual(["user.deleted", "user.updated", "user.login.failed", "user.login", "user.login.failed", "group.created"]);
    expect(total).toBe(6);
    expect(totalExact).toBe(true);
    expect(events[0]).toMatchObject({ actor: { id: admin.userId, label: "Ada Admin" }, target: { id: carolId, label: "Carol Q. Left" } });
    expect(events[1].privateDetails).toEqual({ name: { from: "Carol Quit", to: "Carol Q. Left" } });
    expect(events[4]).toMatchObject({ actor: { label: "Carol Quit" }, details: { reason: "wrong_password" }, ip: "192.0.2.44" });
    const api = toApiEvent(events[1]);
    expect(api).toMatchObject({ activity_code: "user.updated", activity: "User updated", initiator_name: "Ada Admin", meta: { changed: ["name"], name: { from: "Carol Quit", to: "Carol Q. Left" } } });
  });

  it("filters by action, actor, target and date range", async () => {
    expect(await actionsOf({ action: "user.login.failed" })).toEqual(["user.login.failed", "user.login.failed"]);
    expect(await actionsOf({ action: "user.login,group.created" })).toEqual(["user.login", "group.created"]);
    // The deleted user's events, by a name she had, by her email (from the log labels), by id.
    expect(await actionsOf({ actor: "carol quit" })).toEqual(["user.login", "user.login.failed"]);
    expect(await actionsOf({ actor: carolId })).toEqual(["user.login", "user.login.failed"]);
    expect(await actionsOf({ target: "Q. Left" })).toEqual(["user.deleted", "user.updated", "user.login", "user.login.failed"]);
    expect(await actionsOf({ target: "engineering" })).toEqual(["group.created"]);
    expect(await actionsOf({ actor: "nobody at all" })).toEqual([]);
    expect(await actionsOf({ from: "2031-03-02", to: "2031-03-03" })).toEqual(["user.login", "user.login.failed"]);
    // The changes made "now" are clamped to the newest event's time (the log's clock never runs backwards).
    expect(await actionsOf({ from: "2031-03-04" })).toEqual(["user.deleted", "user.updated", "user.login.failed"]);
    expect(await actionsOf({ from: "2031-03-04T12:00:00.001Z" })).toEqual([]);
    expect(await actionsOf({ to: "2031-03-01" })).toEqual(["group.created"]);
  });

  it("searches names, emails, actions, failure reasons and exact IPs, without another account's events", async () => {
    expect(await actionsOf({ search: "carol" })).toEqual(["user.deleted", "user.updated", "user.login", "user.login.failed"]);
    expect(await actionsOf({ search: "ada@example" })).toEqual(["user.deleted", "user.updated", "group.created"]);
    expect(await actionsOf({ search: "sign-in failed" })).toEqual(["user.login.failed", "user.login.failed"]);
    expect(await actionsOf({ search: "wrong password" })).toEqual(["user.login.failed"]);
    expect(await actionsOf({ search: "unknown_email" })).toEqual(["user.login.failed"]);
    expect(await actionsOf({ search: "192.0.2.44" })).toEqual(["user.login.failed"]);
    expect(await actionsOf({ search: "carol", action: "user.login" })).toEqual(["user.login"]);
    expect(await actionsOf({ search: "zzz-nothing" })).toEqual([]);
  });

  it("pages with keyset cursors in both directions", async () => {
    const first = await listEvents(admin, filters({ limit: 4 }));
    expect(first.events.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
    expect(first).toMatchObject({ hasOlder: true, hasNewer: false, total: 6 });
    const second = await listEvents(admin, filters({ limit: 4, before: 3 }));
    expect(second.events.map((e) => e.seq)).toEqual([2, 1]);
    expect(second).toMatchObject({ hasOlder: false, hasNewer: true });
    const back = await listEvents(admin, filters({ limit: 4, after: 2 }));
    expect(back.events.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
    expect((await listEvents(admin, filters({ limit: 2, offset: 2 }))).events.map((e) => e.seq)).toEqual([4, 3]);
    const filtered = await listEvents(admin, filters({ limit: 1, search: "carol" }));
    expect(filtered.events.map((e) => e.seq)).toEqual([6]);
    expect((await listEvents(admin, filters({ limit: 2, search: "carol", before: 6 }))).events.map((e) => e.seq)).toEqual([5, 3]);
    expect(filtered.total).toBe(4);
  });
});

describe("eventFiltersSchema", () => {
  it("refuses bad input with field messages", () => {
    const bad = eventFiltersSchema.safeParse({ from: "yesterday", action: "DROP TABLE", limit: "5000", before: "-1" });
    expect(bad.success).toBe(false);
    const fields = bad.error!.issues.map((i) => i.path.join("."));
    expect(fields).toEqual(expect.arrayContaining(["from", "action", "limit", "before"]));
    expect(eventFiltersSchema.safeParse({ from: "2031-03-05", to: "2031-03-01" }).success).toBe(false);
  });
});

describe("exports", () => {
  async function read(stream: ReadableStream<Uint8Array>): Promise<string> {
    return new Response(stream).text();
  }

  it("writes the filtered view as CSV, escaping cells that a spreadsheet would run as formulas", async () => {
    const csv = await read(exportEvents(admin, filters({ action: "user.login.failed" }), "csv"));
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe(
      "timestamp,seq,activity_code,activity,initiator_type,initiator_id,initiator_name,target_type,target_id,target_name,ip,user_agent,meta,id,hash",
    );
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain("user.login.failed,Sign-in failed,user," + carolId + ",Carol Quit");
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(lines[2]).toContain(`"{""reason"":""wrong_password""}"`);
  });

  it("writes JSON Lines, one event per line, and refuses those who may not read the log", async () => {
    const jsonl = await read(exportEvents(admin, filters({ search: "carol" }), "jsonl"));
    const events = jsonl.trim().split("\n").map((l) => JSON.parse(l));
    expect(events.map((e) => e.activity_code)).toEqual(["user.deleted", "user.updated", "user.login", "user.login.failed"]);
    expect(() => exportEvents(member, filters(), "csv")).toThrow(Forbidden);
  });
});
