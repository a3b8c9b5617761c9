/**
 * Review 9c (memory): scripts/body-limit.mjs holds a chunked body (no Content-Length) until it is complete
 * and within its route's cap, 1 MiB for the API. Each request was capped, the sum was not: a caller with no
 * credentials opening many connections, sending just under 1 MiB on each and then nothing more, pinned
 * that much memory per connection until Node's request timeout (5 minutes). Now a held body must arrive
 * within a time (408 past it), and the bodies held at once have a budget across the process (past it 503
 * with Retry-After).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { heldBodies, withBodyLimit } from "@/scripts/body-limit.mjs";

let server: http.Server;
let port: number;
const KIB = 1024;
const openRequests: http.ClientRequest[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) =>
    withBodyLimit(req, res, (r, s) => {
      let size = 0;
      r.on("data", (c: Buffer) => (size += c.byteLength));
      r.on("end", () => s.end(String(size)));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(() => {
  for (const r of openRequests.splice(0)) r.destroy();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A chunked POST to the API that sends `bytes` and then waits; resolves with its answer if one comes. */
function slowUpload(bytes: number): { answer: Promise<{ status: number; body: string; retryAfter?: string }>; finish: () => void } {
  const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/api/users", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } });
  openRequests.push(req);
  const answer = new Promise<{ status: number; body: string; retryAfter?: string }>((resolve, reject) => {
    req.on("response", (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, retryAfter: res.headers["retry-after"] as string | undefined }));
    });
    req.on("error", reject);
  });
  req.write(Buffer.alloc(bytes, 0x20));
  return { answer, finish: () => req.end() };
}

/**
 * Until the server's count of held bytes is `bytes` (the uploads' chunks have arrived, or a share was given back).
 * Polled: a fixed 200 ms wait was a guess a loaded host could outlast.
 */
const heldBytesReach = (bytes: number, timeout = 10_000) => expect.poll(() => heldBodies.bytes, { timeout, interval: 20 }).toBe(bytes);

describe("bodies held by the request guard", () => {
  it("has one budget across all requests: past it a new upload is refused with 503, and the budget comes back", async () => {
    expect(heldBodies.budget).toBe(64 * 1024 * KIB);
    const budget = heldBodies.budget;
    heldBodies.budget = 2 * 1024 * KIB; // two near-1 MiB uploads fit, a third doesn't
    try {
      const a = slowUpload(900 * KIB);
      const b = slowUpload(900 * KIB);
      await heldBytesReach(1800 * KIB);
      const c = slowUpload(900 * KIB);
      const refused = await c.answer;
      expect(refused.status).not.toBe(408);
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.body)).toEqual({ message: "The server is busy receiving other requests. Try again shortly.", code: 503 });
      expect(refused.retryAfter).toBe("5");
      expect(heldBodies.bytes).toBe(1800 * KIB);
      // The held ones complete as before, and give their share back.
      a.finish();
      b.finish();
      expect(await a.answer).toMatchObject({ status: 200, body: String(900 * KIB) });
      expect(await b.answer).toMatchObject({ status: 200, body: String(900 * KIB) });
      expect(heldBodies.bytes).toBe(0);
      // A client that gives up half-way gives its share back too.
      const d = slowUpload(500 * KIB);
      const dAnswered = d.answer.catch(() => "hung up");
      await heldBytesReach(500 * KIB);
      openRequests.at(-1)!.destroy();
      await heldBytesReach(0);
      expect(await dAnswered).toBe("hung up");
    } finally {
      heldBodies.budget = budget;
    }
  });

  it("gives a held body a time to arrive: one that stalls is answered 408 and its share given back", async () => {
    expect(heldBodies.timeoutMs).toBe(30_000);
    const timeoutMs = heldBodies.timeoutMs;
    // Counted from the request's start: long enough that the body has surely arrived (and is seen held) before it.
    heldBodies.timeoutMs = 2_000;
    try {
      const stalled = slowUpload(600 * KIB);
      await heldBytesReach(600 * KIB, 1_500);
      const answer = await stalled.answer;
      expect(answer.status).toBe(408);
      expect(JSON.parse(answer.body)).toEqual({ message: "The request body took too long to arrive", code: 408 });
      expect(heldBodies.bytes).toBe(0);
      // One that arrives in time is handed on as before.
      const quick = slowUpload(10 * KIB);
      quick.finish();
      expect(await quick.answer).toMatchObject({ status: 200, body: String(10 * KIB) });
    } finally {
      heldBodies.timeoutMs = timeoutMs;
    }
  });
});
