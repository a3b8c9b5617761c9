/**
 * scripts/outage-answer.mjs: a page's 500 for a database that can't serve goes out as the 503 instead, however
 * Next.js writes its answer's head (explicitly, or implicitly by its first write or end), with nothing of Next's
 * answer after it: the connection stays usable for the browser's next request. Any other answer is untouched.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { answerOutageFor } from "../../scripts/outage-answer.mjs";

type Write = (res: http.ServerResponse) => void;
const OUTAGE_BODY = "the-503-page";
const answer = () => ({ status: 503, headers: { "retry-after": "5", "content-length": String(OUTAGE_BODY.length) }, body: OUTAGE_BODY });

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Two requests in a row on one kept-alive connection, each answered by `write` (databaseUnavailable as given); the raw bytes back. */
async function twoOnOneConnection(write: Write, databaseUnavailable: boolean): Promise<string> {
  server = http.createServer((req, res) => {
    answerOutageFor(req, res, { databaseUnavailable }, answer);
    write(res);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let raw = "";
    // What came when the second answer never completes: long enough for a loaded host (it was 1.5 s), since a
    // passing run never waits for it.
    const giveUp = setTimeout(() => (socket.destroy(), resolve(raw)), 10_000);
    socket.on("data", (chunk) => {
      raw += chunk;
      if (raw.split("HTTP/1.1 ").length === 3 && raw.endsWith(databaseUnavailable ? OUTAGE_BODY : "")) {
        clearTimeout(giveUp);
        setTimeout(() => (socket.end(), resolve(raw)), 50);
      }
    });
    socket.on("error", reject);
    socket.write("GET /profile HTTP/1.1\r\nHost: x\r\n\r\nGET /profile HTTP/1.1\r\nHost: x\r\n\r\n");
  });
}

const asNext: Record<string, Write> = {
  "writeHead, then end": (res) => {
    res.writeHead(500, { "content-type": "text/html" });
    res.end("next-error-page");
  },
  "end with the body (head written implicitly)": (res) => {
    res.statusCode = 500;
    res.setHeader("content-type", "text/html");
    res.end("next-error-page");
  },
  "write, write, end (head written implicitly)": (res) => {
    res.statusCode = 500;
    res.write("next-error-");
    res.write("page");
    res.end();
  },
  "flushHeaders, then write and end": (res) => {
    res.statusCode = 500;
    res.flushHeaders();
    res.write("next-error-page");
    res.end();
  },
};

describe("answerOutageFor", () => {
  for (const [way, write] of Object.entries(asNext)) {
    it(`a 500 for a database that can't serve, ${way}: the 503 alone, twice on one connection`, async () => {
      const raw = await twoOnOneConnection(write, true);
      expect(raw).not.toContain("next-error");
      const answers = raw.split("HTTP/1.1 ").slice(1);
      expect(answers).toHaveLength(2);
      for (const one of answers) {
        expect(one).toMatch(/^503 /);
        expect(one).toMatch(/\r\nretry-after: 5\r\n/i);
        expect(one.endsWith(`\r\n\r\n${OUTAGE_BODY}`)).toBe(true);
      }
    });
  }

  it("a 500 for anything else is Next's own", async () => {
    const raw = await twoOnOneConnection(asNext["end with the body (head written implicitly)"], false);
    expect(raw.split("HTTP/1.1 ").slice(1).map((a) => a.slice(0, 3))).toEqual(["500", "500"]);
    expect(raw).toContain("next-error-page");
    expect(raw).not.toContain(OUTAGE_BODY);
  });
});
