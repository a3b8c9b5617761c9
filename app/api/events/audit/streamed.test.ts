/**
 * Review 13: GET /api/events/audit without `limit` answers the whole activity log (as NetBird does). It read
 * every event of the log into one array, converted, before answering, so anyone holding events:read
 * (an auditor, a billing admin, a token scoped to it) held a log of millions in the server's memory, as
 * many times over as they had requests running. It is now streamed a batch at a time, as the exports are:
 * the answer starts after the first batch, and each further batch is read only as the client takes it.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("@/lib/sign-in/session-cookie", () => ({ sessionIdFromCookie: async () => null }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "vitest" }), cookies: async () => ({ get: () => undefined }) }));
vi.mock("next-intl/server", () => import("@/test/next-intl-server"));

/** How many batches the route has taken from the log so far. */
let batchesRead = 0;
vi.mock("@/lib/audit/events", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/audit/events")>();
  return {
    ...original,
    eachActivityEvent: async function* (...args: Parameters<typeof original.eachActivityEvent>) {
      for await (const batch of original.eachActivityEvent(...args)) {
        batchesRead++;
        yield batch;
      }
    },
  };
});

const EVENTS = 2_600; // three batches of 1,000
let token: string;
let accountId: string;

beforeAll(async () => {
  const { ownerWithToken, META } = await import("@/test/factories");
  const { writeSystem } = await import("@/lib/data/unit-of-work");
  const { recordEvent } = await import("@/lib/audit/record");
  ({ accountId, token } = await ownerWithToken("audit stream"));
  await writeSystem(async (tx) => {
    for (let i = 0; i < EVENTS; i++) {
      await recordEvent(tx, { accountId, action: "user.login", actor: { type: "system", id: null, label: `Script ${i}` }, meta: META });
    }
  });
}, 120_000);

afterEach(() => {
  batchesRead = 0;
});

function audit(query = ""): Request {
  return new Request(`http://localhost/api/events/audit${query}`, { headers: { authorization: `Token ${token}` } });
}

describe("GET /api/events/audit without a limit", () => {
  it("reads the log a batch at a time as the answer is taken, not all of it before answering", async () => {
    const { GET } = await import("./route");
    const res = await GET(audit(), undefined);
    expect(res.status).toBe(200);
    expect(batchesRead, "batches read before the answer started").toBeLessThanOrEqual(1);
    const reader = res.body!.getReader();
    await reader.read();
    expect(batchesRead, "batches read once the first part was taken").toBeLessThanOrEqual(2);
    await reader.cancel();
  });

  it("still answers every event, newest first, as one JSON array in NetBird's shape", async () => {
    const { GET } = await import("./route");
    const res = await GET(audit(), undefined);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const events = (await res.json()) as Array<{ activity_code: string; initiator_name: string }>;
    const scripts = events.filter((e) => e.initiator_name.startsWith("Script "));
    expect(scripts).toHaveLength(EVENTS);
    expect(scripts[0].initiator_name).toBe(`Script ${EVENTS - 1}`);
    expect(scripts.at(-1)!.initiator_name).toBe("Script 0");
    expect(events[0]).toMatchObject({ activity_code: "dashboard.login" });
  });

  it("skips `offset` events, and with a filter that matches nothing answers []", async () => {
    const { GET } = await import("./route");
    const all = (await (await GET(audit(), undefined)).json()) as Array<{ id: string }>;
    const skipped = (await (await GET(audit("?offset=1500"), undefined)).json()) as Array<{ id: string }>;
    expect(skipped.map((e) => e.id)).toEqual(all.slice(1500).map((e) => e.id));
    const none = await GET(audit("?action=no.such.action"), undefined);
    expect(await none.json()).toEqual([]);
  });

  it("is still refused before any answer to someone without events:read", async () => {
    const { GET } = await import("./route");
    const res = await GET(new Request("http://localhost/api/events/audit"), undefined);
    expect(res.status).toBe(401);
  });
});
