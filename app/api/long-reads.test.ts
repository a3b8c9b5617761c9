/**
 * Review 14: the long-running reads (GET /api/events/export, the Activity page's Export; GET /api/events/audit
 * without a limit; GET /api/users/export) checked the caller's permission once, at the start. Someone whose
 * role was taken away, who was blocked or deleted, or whose token or session was revoked kept receiving the
 * log until the stream ended (minutes, at a million events). Each now asks for its caller again between
 * batches (lib/auth/current-caller.ts) and breaks off, erroring the body, so the client is left with a
 * truncated download (a JSON array never closed, a CSV cut short), not one that looks complete.
 * Round 15: GET /api/events/integrity walked the whole chain on its first check alike; it now asks between
 * batches too, and answers the refusal instead of the report.
 */
import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

/** The session id the request's cookie carries (null: no cookie). */
let cookieSession: string | null = null;
vi.mock("@/lib/sign-in/session-cookie", () => ({ sessionIdFromCookie: async () => cookieSession }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "vitest" }), cookies: async () => ({ get: () => undefined }) }));
vi.mock("next-intl/server", () => import("@/test/next-intl-server"));

/**
 * The real lib/auth/current-caller.ts, counting its looks, and running `beforeNextLook` (once) just before the
 * next one: what a read that answers only at its end (the integrity check) lost meanwhile, at a known point.
 */
let looks = 0;
let beforeNextLook: (() => Promise<unknown>) | null = null;
vi.mock("@/lib/auth/current-caller", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/auth/current-caller")>();
  return {
    ...original,
    currentCaller: (...args: Parameters<typeof original.currentCaller>) => {
      const look = original.currentCaller(...args);
      return async () => {
        looks++;
        const meanwhile = beforeNextLook;
        beforeNextLook = null;
        if (meanwhile) await meanwhile();
        return look();
      };
    },
  };
});

const EVENTS = 3_600; // four batches of 1,000
const USERS = 1_020; // three pages of the users export (500 each)
let accountId: string;

beforeAll(async () => {
  const { createUser, ownerWithToken, META } = await import("@/test/factories");
  const { writeSystem } = await import("@/lib/data/unit-of-work");
  const { recordEvent } = await import("@/lib/audit/record");
  ({ accountId } = await ownerWithToken("long reads"));
  await writeSystem(async (tx) => {
    for (let i = 0; i < EVENTS; i++) {
      await recordEvent(tx, { accountId, action: "user.login", actor: { type: "system", id: null, label: `Script ${i}` }, meta: META });
    }
  });
  for (let i = 0; i < USERS; i++) await createUser(accountId);
}, 180_000);

afterEach(() => {
  beforeNextLook = null;
  looks = 0;
});

type Reader = { id: string; token: string; sessionId: string };

/** An admin (events:read, users:read) with an access token and a session of their own, to take away from. */
async function admin(): Promise<Reader> {
  const { createUser, startSession } = await import("@/test/factories");
  const { writeSystem } = await import("@/lib/data/unit-of-work");
  const { mintAccessToken } = await import("@/lib/tokens/access-tokens");
  const user = await createUser(accountId, { role: "admin" });
  const { plain } = await writeSystem((tx) => mintAccessToken(tx, { accountId, userId: user.id, name: "reader", expiresInDays: 1, createdBy: user.id }));
  const session = await startSession(user);
  return { id: user.id, token: plain, sessionId: session.sessionId };
}

/** What can be taken from a reader while their download runs. */
const takeAway = {
  role: async (r: Reader) => (await import("@/test/factories")).updateUserRow(r.id, { role: "user" }),
  block: async (r: Reader) => (await import("@/test/factories")).updateUserRow(r.id, { isBlocked: true }),
  account: async (r: Reader) => {
    const { users } = await import("@/lib/db/schema");
    await (await import("@/lib/data/unit-of-work")).writeSystem((tx) => tx.delete(users).where(eq(users.id, r.id)));
  },
  token: async (r: Reader) => {
    const { accessTokens } = await import("@/lib/db/schema");
    await (await import("@/lib/data/unit-of-work")).writeSystem((tx) => tx.delete(accessTokens).where(and(eq(accessTokens.accountId, accountId), eq(accessTokens.userId, r.id))));
  },
  session: async (r: Reader) => {
    const { sessions } = await import("@/lib/db/schema");
    await (await import("@/lib/data/unit-of-work")).writeSystem((tx) => tx.delete(sessions).where(eq(sessions.id, r.sessionId)));
  },
  /** Nothing of theirs: another person joins. The download must carry on to the end. */
  nothing: async () => (await import("@/test/factories")).createUser(accountId),
};

/** Reads the first part of the body, lets `meanwhile` happen, then reads on: what arrived, and whether it ended cleanly. */
async function download(res: Response, meanwhile: () => Promise<unknown>): Promise<{ text: string; broken: boolean }> {
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const first = await reader.read();
  text += decoder.decode(first.value);
  await meanwhile();
  try {
    for (let part = await reader.read(); !part.done; part = await reader.read()) text += decoder.decode(part.value);
    return { text, broken: false };
  } catch {
    return { text, broken: true };
  }
}

function request(path: string, by: { token?: string; session?: string }): Request {
  cookieSession = by.session ?? null;
  return new Request(`http://localhost${path}`, { headers: by.token ? { authorization: `Token ${by.token}` } : {} });
}

describe("GET /api/events/audit without a limit, while it streams", () => {
  it.each(["role", "block", "account", "token"] as const)("breaks off, the array left open, when the caller loses their %s", async (what) => {
    const { GET } = await import("./events/audit/route");
    const r = await admin();
    const { text, broken } = await download(await GET(request("/api/events/audit", { token: r.token }), undefined), () => takeAway[what](r));
    expect(broken).toBe(true);
    expect(text.startsWith("[")).toBe(true);
    expect(text.endsWith("]")).toBe(false);
    expect(text.split('"initiator_name":"Script ').length - 1).toBeLessThan(EVENTS);
  });

  it("runs to the end when what was written meanwhile is not about the caller", async () => {
    const { GET } = await import("./events/audit/route");
    const r = await admin();
    const { text, broken } = await download(await GET(request("/api/events/audit", { token: r.token }), undefined), takeAway.nothing);
    expect(broken).toBe(false);
    const events = JSON.parse(text) as Array<{ initiator_name: string }>;
    expect(events.filter((e) => e.initiator_name.startsWith("Script "))).toHaveLength(EVENTS);
    // One look at the caller per batch after the first (1,000 events each), which both checks and labels it.
    expect(looks).toBe(Math.ceil(events.length / 1_000) - 1);
  });
});

describe("GET /api/events/integrity, while it walks the chain", () => {
  it.each([
    ["role", "token"],
    ["block", "session"],
    ["account", "token"],
    ["token", "token"],
    ["session", "session"],
  ] as const)("is refused, with no report, when the caller loses their %s before it has walked every batch (signed in by %s)", async (what, by) => {
    const { GET } = await import("./events/integrity/route");
    const r = await admin();
    beforeNextLook = () => takeAway[what](r);
    const res = await GET(request("/api/events/integrity", by === "token" ? { token: r.token } : { session: r.sessionId }), undefined);
    expect(beforeNextLook, "the walk looked at its caller again").toBeNull();
    expect([401, 403]).toContain(res.status);
    expect(await res.text()).not.toContain("checked");
  });

  it("answers its report when what was written meanwhile is not about the caller", async () => {
    const { GET } = await import("./events/integrity/route");
    const r = await admin();
    beforeNextLook = takeAway.nothing;
    const res = await GET(request("/api/events/integrity", { token: r.token }), undefined);
    expect(beforeNextLook).toBeNull();
    expect(res.status).toBe(200);
    const report = (await res.json()) as { ok: boolean; checked: number };
    expect(report.ok).toBe(true);
    expect(report.checked).toBeGreaterThan(EVENTS);
  });
});

describe("GET /api/events/export, while it streams", () => {
  it.each([
    ["csv", "session", "session"],
    ["csv", "role", "session"],
    ["jsonl", "block", "token"],
    ["jsonl", "account", "session"],
    ["csv", "token", "token"],
  ] as const)("as %s breaks off short when the caller loses their %s (signed in by %s)", async (format, what, by) => {
    const { GET } = await import("./events/export/route");
    const r = await admin();
    const credential = by === "token" ? { token: r.token } : { session: r.sessionId };
    const { text, broken } = await download(await GET(request(`/api/events/export?format=${format}`, credential), undefined), () => takeAway[what](r));
    expect(broken).toBe(true);
    expect(text.split("Script ").length - 1).toBeLessThan(EVENTS);
  });

  it("runs to the end when what was written meanwhile is not about the caller", async () => {
    const { GET } = await import("./events/export/route");
    const r = await admin();
    const { text, broken } = await download(await GET(request("/api/events/export?format=csv", { session: r.sessionId }), undefined), takeAway.nothing);
    expect(broken).toBe(false);
    expect(text.split("Script ").length - 1).toBe(EVENTS);
  });
});

describe("GET /api/users/export, while it streams", () => {
  it.each(["role", "token"] as const)("breaks off short when the caller loses their %s", async (what) => {
    const { GET } = await import("./users/export/route");
    const r = await admin();
    const { text, broken } = await download(await GET(request("/api/users/export", { token: r.token }), undefined), () => takeAway[what](r));
    expect(broken).toBe(true);
    expect(text.trim().split("\n").length - 1).toBeLessThan(USERS);
  });

  it("runs to the end when what was written meanwhile is not about the caller", async () => {
    const { GET } = await import("./users/export/route");
    const r = await admin();
    const { text, broken } = await download(await GET(request("/api/users/export", { token: r.token }), undefined), takeAway.nothing);
    expect(broken).toBe(false);
    expect(text.trim().split("\n").length - 1).toBeGreaterThan(USERS);
  });
});

describe("a stream read as fast as it comes", () => {
  it("lets a revocation that arrives meanwhile (another request to this process) run, and ends there", async () => {
    const { GET } = await import("./events/export/route");
    const r = await admin();
    const res = await GET(request("/api/events/export?format=jsonl", { token: r.token }), undefined);
    // Queued as the next turn of the event loop, as another request's work would be: on SQLite every read
    // resolved without one, so the whole log was written out before this ran.
    let revoked = false;
    setImmediate(() => void takeAway.token(r).then(() => (revoked = true)));
    const { text, broken } = await download(res, async () => {});
    expect(revoked).toBe(true);
    expect(broken).toBe(true);
    expect(text.split("Script ").length - 1).toBeLessThan(EVENTS);
  });
});
