/**
 * Review 25: a client that sends its request slowly is cut off in seconds, not minutes. Node's defaults let
 * headers take 60 s and a body 5 minutes (checked every 30 s): a caller holding thousands of connections, each
 * with a sign-in body all but sent, held ~61 KiB of memory per connection that long. scripts/server.mjs sets
 * the whole request to 30 s and the headers to 10 s.
 */
import net from "node:net";
import { expect, test } from "@playwright/test";
import { useInstance } from "../support/instance";

const instance = useInstance();

type Outcome = { seconds: number; firstLine: string };

/** Opens a raw connection, sends `start`, then a byte of `trickle` every 2 s; resolves when the server closes it. */
function slowClient(start: string, trickle: string | null): Promise<Outcome> {
  const { port, hostname } = new URL(instance.baseURL);
  return new Promise((resolve) => {
    const began = Date.now();
    let answer = "";
    const socket = net.connect(Number(port), hostname, () => socket.write(start));
    const timer = trickle === null ? undefined : setInterval(() => socket.writable && socket.write(trickle), 2_000);
    // Node's defaults kept such connections 90 s and 330 s: the test gives up at 45 s and says so.
    const giveUp = setTimeout(() => {
      answer ||= "(still open after 45 s)";
      socket.destroy();
    }, 45_000);
    socket.on("data", (data) => (answer += data.toString("latin1")));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ seconds: (Date.now() - began) / 1000, firstLine: answer.split("\r\n", 1)[0] });
    });
  });
}

test("slow headers, a slow body and a silent connection are each closed within seconds with 408", async () => {
  test.setTimeout(90_000);
  const body = "a".repeat(63 * 1024);
  const [silent, slowHeaders, slowBody] = await Promise.all([
    slowClient("", null),
    slowClient("GET /api/health HTTP/1.1\r\nHost: latchkey\r\n", "X-Slow: 1\r\n"),
    slowClient(
      `POST /api/auth/callback/credentials HTTP/1.1\r\nHost: latchkey\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length + 1000}\r\n\r\n${body}`,
      "a",
    ),
  ]);
  // Headers: 10 s, a whole request: 30 s, each checked every 2 s (before: 60 s and 300 s, checked every 30 s).
  expect(silent.seconds).toBeLessThan(15);
  expect(slowHeaders).toMatchObject({ firstLine: "HTTP/1.1 408 Request Timeout" });
  expect(slowHeaders.seconds).toBeLessThan(15);
  expect(slowBody).toMatchObject({ firstLine: "HTTP/1.1 408 Request Timeout" });
  expect(slowBody.seconds).toBeGreaterThan(25);
  expect(slowBody.seconds).toBeLessThan(40);
  // Prompt clients are unaffected.
  expect((await fetch(instance.url("/api/health"))).status).toBe(200);
});
