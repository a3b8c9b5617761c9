/**
 * The SMTP server the owner enters goes through the outbound guard (lib/security/outbound-guard.ts):
 * a link-local / cloud metadata address is never contacted. Found by round 13's review: before, the
 * test email connected there and carried back whatever that service said (a banner grab / port scan of
 * addresses the guard promises are "never contacted").
 *
 * The sockets are intercepted here (net.connect / tls.connect), so nothing leaves the machine:
 * the test records where nodemailer tries to connect and fails that attempt at once.
 */
import net from "node:net";
import tls from "node:tls";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Invalid } from "@/lib/errors";
import { createAccount, createUser, META, startSession, type TestUser } from "@/test/factories";
import { sendTestEmail } from "./deliveries";
import { mailSettingsInputSchema } from "./schemas";
import { saveMailSettings } from "./settings";

let owner: TestUser;

beforeAll(async () => {
  const accountId = await createAccount();
  owner = await createUser(accountId, { role: "owner" });
}, 60_000);

afterEach(() => {
  vi.restoreAllMocks();
});

/** Records every host a socket is opened to, and fails each attempt at once (nothing is contacted). */
function interceptSockets(): string[] {
  const attempted: string[] = [];
  const fake = (options: unknown) => {
    const host = typeof options === "object" && options !== null ? String((options as { host?: unknown }).host ?? "") : String(options);
    attempted.push(host);
    const socket = new net.Socket();
    process.nextTick(() => socket.destroy(Object.assign(new Error("connection intercepted by the test"), { code: "ECONNREFUSED" })));
    return socket;
  };
  vi.spyOn(net, "connect").mockImplementation(fake as typeof net.connect);
  vi.spyOn(tls, "connect").mockImplementation(fake as unknown as typeof tls.connect);
  return attempted;
}

describe("the SMTP server the owner enters goes through the outbound guard", { timeout: 60_000 }, () => {
  for (const host of ["169.254.169.254", "100.100.100.200"]) {
    it(`never opens a connection to the metadata address ${host}`, async () => {
      const actor = await startSession(owner);
      const input = mailSettingsInputSchema.parse({
        host,
        port: 80,
        security: "none",
        from_address: "latchkey@example.com",
        public_url: "https://team.example.com",
      });
      const saved = await saveMailSettings(actor, input, META).then(
        () => "saved" as const,
        (err: unknown) => err,
      );
      // Refusing the address when it is saved is one acceptable fix.
      if (saved instanceof Invalid) return;
      expect(saved).toBe("saved");

      const attempted = interceptSockets();
      const result = await sendTestEmail(actor, { to: "someone@example.com" });
      expect(result.ok).toBe(false);
      expect(attempted, `nodemailer opened a socket to ${attempted.join(", ")}`).not.toContain(host);
    });
  }
});
