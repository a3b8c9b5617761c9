/**
 * Every request body the server reads is capped before it is buffered: a
 * 100 MB chunked body to an API route, the Auth.js credentials callback, a
 * server action and a page is answered 413 early, and the server's memory
 * does not grow with it.
 */
import fs from "node:fs";
import http from "node:http";
import { expect, test } from "@playwright/test";
import { bearer, expectApiError, type JsonResponse } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

const HUNDRED_MB = 100 * 1024 * 1024;
const MAX_RSS_GROWTH = 20 * 1024 * 1024;

let auth: Record<string, string>;
let actionId: string;

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  auth = bearer(owner.personal_access_token);
  // Any real server action's id: the refusal must come before Next.js even looks at the body.
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, unknown> };
  actionId = Object.keys(manifest.node)[0];
});

function rssBytes(): number {
  const status = fs.readFileSync(`/proc/${instance.pid}/status`, "utf8");
  const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return kib * 1024;
}

/**
 * Streams `total` bytes as a chunked body (no Content-Length) until the server
 * answers, then stops; resolves with the answer and how much was sent by then.
 */
function streamChunked(path: string, headers: Record<string, string>, total = HUNDRED_MB): Promise<JsonResponse & { sent: number }> {
  const chunk = Buffer.alloc(64 * 1024, "a");
  return new Promise((resolve, reject) => {
    let answered = false;
    let sent = 0;
    const req = http.request(instance.url(path), { method: "POST", headers, agent: false }, (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") h.set(k, v);
        resolve({ status: res.statusCode ?? 0, headers: h, text, body, sent });
        req.destroy();
      });
    });
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    (async () => {
      while (sent < total && !answered && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
      }
      if (!req.destroyed && !answered) req.end();
    })().catch(() => undefined);
  });
}

async function expectRefusedWithoutGrowth(path: string, headers: Record<string, string>) {
  // Settle first, so the figure is the request's own cost.
  await fetch(instance.url("/api/health"));
  const before = rssBytes();
  const res = await streamChunked(path, { "transfer-encoding": "chunked", ...headers });
  if (headers["next-action"] === undefined) expectApiError(res, 413);
  else {
    // A page's server action call gets the message in plain text, which Next.js hands the form (lib/forms/unanswered-submission.ts).
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(res.text).toBe("Request body is too large (limit 64 KiB)");
  }
  expect(res.sent, "the refusal came only after the whole body was sent").toBeLessThan(HUNDRED_MB);
  await new Promise((r) => setTimeout(r, 300));
  const growth = rssBytes() - before;
  expect(growth, `server RSS grew by ${(growth / 1024 / 1024).toFixed(1)} MB`).toBeLessThan(MAX_RSS_GROWTH);
  // The server is still healthy afterwards.
  expect((await fetch(instance.url("/api/health"))).status).toBe(200);
}

test("a 100 MB chunked body to an API route is refused with 413", async () => {
  await expectRefusedWithoutGrowth("/api/groups", { ...auth, "content-type": "application/json" });
});

test("a 100 MB chunked body to the Auth.js credentials callback is refused with 413", async () => {
  await expectRefusedWithoutGrowth("/api/auth/callback/credentials", {
    "content-type": "application/x-www-form-urlencoded",
    origin: instance.baseURL,
  });
});

test("a 100 MB chunked server action is refused with 413, not 500", async () => {
  await expectRefusedWithoutGrowth("/login", {
    "next-action": actionId,
    "content-type": "text/plain;charset=UTF-8",
    origin: instance.baseURL,
    accept: "text/x-component",
  });
});

test("a 100 MB chunked body to a page is refused with 413", async () => {
  await expectRefusedWithoutGrowth("/login", { "content-type": "application/octet-stream", origin: instance.baseURL });
});

test("a declared Content-Length over the cap is refused before any of it is read", async () => {
  const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      instance.url("/api/auth/callback/credentials"),
      { method: "POST", agent: false, headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(HUNDRED_MB) } },
      (r) => {
        let text = "";
        r.setEncoding("utf8");
        r.on("data", (d: string) => (text += d));
        r.on("end", () => {
          resolve({ status: r.statusCode ?? 0, text });
          req.destroy();
        });
      },
    );
    req.on("error", reject);
    req.write("email=a");
  });
  expect(res.status).toBe(413);
  expect(JSON.parse(res.text)).toMatchObject({ code: 413 });
});

test("bodies within the caps still reach the routes", async () => {
  const name = `Chunked ${Date.now()}`;
  const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      instance.url("/api/groups"),
      { method: "POST", agent: false, headers: { ...auth, "content-type": "application/json", "transfer-encoding": "chunked" } },
      (r) => {
        let text = "";
        r.setEncoding("utf8");
        r.on("data", (d: string) => (text += d));
        r.on("end", () => resolve({ status: r.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    const body = JSON.stringify({ name });
    req.write(body.slice(0, 5));
    req.write(body.slice(5));
    req.end();
  });
  expect(res.status, res.text).toBe(200);
  expect(JSON.parse(res.text)).toMatchObject({ name });
});
