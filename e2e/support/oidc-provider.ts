/**
 * Starts the local OpenID Connect provider (./oidc-provider-server.mjs, the
 * `oidc-provider` package) on a free loopback port for one test, with one
 * client and its test users (TEST_IDP_USER unless told).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort } from "./ports";

export type TestIdpUser = { login: string; password: string; sub: string; email: string; name: string };
export const TEST_IDP_USER: TestIdpUser = { login: "pat", password: "pat's idp passphrase", sub: "pat-0001", email: "pat@idp.example", name: "Pat Provider" };
/** Another person at the same provider (someone else signed in there: a shared computer). */
export const OTHER_IDP_USER: TestIdpUser = { login: "sam", password: "sam's idp passphrase", sub: "sam-0002", email: "sam@idp.example", name: "Sam Second" };

export type TestOidcProvider = { issuer: string; clientId: string; clientSecret: string; stop: () => Promise<void> };


export async function startOidcProvider(redirectUri: string, users: TestIdpUser[] = [TEST_IDP_USER]): Promise<TestOidcProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = "latchkey-e2e";
  const clientSecret = "e2e-client-secret-7c1f0b";
  let output = "";
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, "oidc-provider-server.mjs")], {
    env: { ...process.env, PORT: String(port), CLIENT_ID: clientId, CLIENT_SECRET: clientSecret, REDIRECT_URI: redirectUri, USERS_JSON: JSON.stringify(users) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`oidc-provider exited early (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`oidc-provider did not start within 15 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    issuer,
    clientId,
    clientSecret,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
