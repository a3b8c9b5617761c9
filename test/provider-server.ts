/**
 * The OpenID provider on a loopback port, as scripts/server.mjs serves it (oidcRequestHandler), for tests that
 * talk HTTP to it: an instance set up with an owner, no PUBLIC_URL, and Settings → Email's public address set
 * to this server, so the provider's issuer is its address.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { config } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { mailSettings } from "@/lib/db/schema";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { oidcRequestHandler } from "@/lib/sign-in/app-sign-in-http";
import { META } from "./factories";

export async function startProviderServer(): Promise<{ base: string; accountId: string; ownerId: string; close(): Promise<void> }> {
  const setup = await completeSetup(setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password: "a long and unusual passphrase" }), META);
  const server = http.createServer((req, res) => {
    if (!oidcRequestHandler(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  (config() as { publicUrl: string | null }).publicUrl = null;
  await writeSystem(async (tx) => {
    await tx.insert(mailSettings).values({ accountId: setup.account_id, publicUrl: base, updatedAt: new Date() });
  });
  return { base, accountId: setup.account_id, ownerId: setup.user_id, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
