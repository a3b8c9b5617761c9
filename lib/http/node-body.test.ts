import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BodyCutShort, BodyTooLarge } from "@/lib/errors";
import { readNodeBody } from "./node-body";

const LIMIT = 1024;
let server: http.Server;
let port: number;
/** What the server's reader made of the next request: the body's text, or the error it threw. */
let outcome: Promise<string | Error>;

beforeAll(async () => {
  let settle: (value: string | Error) => void = () => {};
  const next = () => (outcome = new Promise((resolve) => (settle = resolve)));
  next();
  server = http.createServer((req, res) => {
    const settleThis = settle;
    next();
    readNodeBody(req, LIMIT).then(
      (body) => settleThis(body.toString("utf8")),
      (err: Error) => settleThis(err),
    );
    req.on("close", () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends a POST's headers and `chunks`, then ends it (or cuts the connection when `cut`). */
function send(headers: Record<string, string>, chunks: string[], cut = false): http.ClientRequest {
  const req = http.request({ port, host: "127.0.0.1", method: "POST", path: "/", headers, agent: false });
  req.on("error", () => {});
  chunks.forEach((chunk, i) =>
    // Cut once the last chunk is handed to the system (then it reaches the server before the connection's end);
    // a fixed 50 ms could pass first on a loaded host, and the cut then dropped what hadn't gone out.
    req.write(chunk, cut && i === chunks.length - 1 ? () => req.destroy() : undefined),
  );
  if (!cut) req.end();
  return req;
}

describe("readNodeBody", () => {
  it("reads a body within the limit", async () => {
    const reading = outcome;
    send({ "content-length": "11" }, ["choice=deny"]);
    expect(await reading).toBe("choice=deny");
  });

  it("refuses a declared length over the limit before any of the body has come", async () => {
    const reading = outcome;
    const req = send({ "content-length": String(LIMIT + 1) }, []);
    req.flushHeaders();
    expect(await reading).toBeInstanceOf(BodyTooLarge);
    expect(((await reading) as BodyTooLarge).message).toBe("Request body is too large (limit 1 KiB)");
    req.destroy();
  });

  it("cuts off a body that grows past the limit while streaming (no length declared)", async () => {
    const reading = outcome;
    const req = send({ "transfer-encoding": "chunked" }, ["x".repeat(LIMIT), "x"], true);
    expect(await reading).toBeInstanceOf(BodyTooLarge);
    req.destroy();
  });

  it("says a body that stopped before its end is cut short", async () => {
    const reading = outcome;
    send({ "content-length": "100" }, ["choice="], true);
    const result = await reading;
    expect(result).toBeInstanceOf(BodyCutShort);
    expect((result as BodyCutShort).status).toBe(400);
  });
});
