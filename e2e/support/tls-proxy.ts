/**
 * What the reverse-proxy specs (e2e/api/nginx-proxy.spec.ts, e2e/api/caddy-proxy.spec.ts) share: docs/operations.md's
 * own proxy snippets (so the doc and the tests can't drift), a self-signed certificate made by openssl, and a
 * request over TLS to the proxy from a chosen loopback address (a client the proxy tells apart from itself).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { expect } from "@playwright/test";

export const OPENSSL = "/usr/bin/openssl";

/**
 * The ```<language> blocks (`nginx`, `caddy`) of docs/operations.md's "Reverse proxy" section, in order: what an
 * operator copies. The specs run them, so a snippet that stops loading, limiting or forwarding fails them.
 */
export function proxySnippetsOfDocs(language: "nginx" | "caddy"): string[] {
  const doc = fs.readFileSync(path.resolve(__dirname, "..", "..", "docs", "operations.md"), "utf8");
  const section = /^## Reverse proxy\n([\s\S]*?)^## /m.exec(doc)?.[1];
  if (!section) throw new Error('docs/operations.md has no "## Reverse proxy" section');
  const snippets = [...section.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\``, "gm"))].map((m) => m[1]);
  if (!snippets.length) throw new Error(`docs/operations.md's "Reverse proxy" section has no \`\`\`${language} block`);
  return snippets;
}

/** `text` with `from` replaced by `to`; throws when `from` isn't there (the docs changed: the spec must follow). */
export function replaceRequired(text: string, from: string | RegExp, to: string): string {
  const found = typeof from === "string" ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`docs/operations.md's proxy snippet no longer has ${String(from)}; update the spec that runs it`);
  return typeof from === "string" ? text.replaceAll(from, to) : text.replace(from, to);
}

/** A self-signed certificate and its key for `serverName`, written into `dir` (cert.pem, key.pem). */
export function makeCertificate(dir: string, serverName: string): { certificate: string; key: string } {
  const certificate = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  execFileSync(OPENSSL, [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", `/CN=${serverName}`,
    "-addext", `subjectAltName=DNS:${serverName}`, "-keyout", key, "-out", certificate,
  ], { stdio: "ignore" });
  return { certificate, key };
}

export type Answer = { status: number; headers: Record<string, string | string[] | undefined>; text: string };

export type RequestOptions = { from?: string; method?: string; headers?: Record<string, string>; body?: string | Buffer };

/**
 * A client of a TLS proxy on 127.0.0.1:port serving `serverName` with `certificate` (checked: a wrong certificate
 * or name fails the request). Each request goes on a connection of its own, from `from` (default `defaultFrom`), with
 * the Host header `serverName:port` unless the caller gives one.
 */
export type ProxyClient = (pathname: string, options?: RequestOptions) => Promise<Answer>;

export function proxyClient({ port, serverName, certificate, defaultFrom }: { port: number; serverName: string; certificate: string; defaultFrom: string }): ProxyClient {
  const ca = fs.readFileSync(certificate);
  return (pathname: string, options: RequestOptions = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: "127.0.0.1",
          port,
          path: pathname,
          method: options.method ?? "GET",
          servername: serverName,
          ca,
          localAddress: options.from ?? defaultFrom,
          agent: false,
          headers: { host: `${serverName}:${port}`, ...options.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
        },
      );
      req.on("error", reject);
      req.end(options.body);
    });
}

/** The Set-Cookie headers of an answer, as a list. */
export function setCookies(answer: Answer): string[] {
  return ([] as string[]).concat(answer.headers["set-cookie"] ?? []);
}

/**
 * Auth.js's credentials sign-in through the proxy, as a script does it (the CSRF cookie and token, then the form's
 * POST), once with a wrong password and once with `password`, sending `headers` each time (a client's forged
 * forwarding headers). Checks what review 28 checked by hand: the cookies are Secure, "__Host-" named, SameSite=Lax,
 * with no Domain, and both redirects lead to `publicUrl` (https, the public host and port). Returns the session
 * cookie as a Cookie header sends it.
 */
export async function signInThroughProxy(
  viaProxy: ProxyClient,
  { publicUrl, email, password, from, headers = {} }: { publicUrl: string; email: string; password: string; from?: string; headers?: Record<string, string> },
): Promise<string> {
  const csrf = await viaProxy("/api/auth/csrf", { from, headers });
  const cookies = setCookies(csrf);
  expect(cookies.join("\n")).toMatch(/^__Host-authjs\.csrf-token=.*; Secure/m);
  const { csrfToken } = JSON.parse(csrf.text) as { csrfToken: string };
  const post = (attempt: string) =>
    viaProxy("/api/auth/callback/credentials", {
      from,
      method: "POST",
      headers: { ...headers, "content-type": "application/x-www-form-urlencoded", cookie: cookies.map((c) => c.split(";")[0]).join("; ") },
      body: new URLSearchParams({ csrfToken, email, password: attempt, callbackUrl: "/team/users" }).toString(),
    });

  const wrong = await post("not the password at all");
  expect(wrong.status).toBe(302);
  expect(wrong.headers.location).toMatch(new RegExp(`^${publicUrl}/login\\?error=CredentialsSignin`));

  const right = await post(password);
  expect(right.status).toBe(302);
  expect(right.headers.location).toBe(`${publicUrl}/team/users`);
  const session = setCookies(right).find((c) => c.startsWith("__Host-authjs.session-token="));
  expect(session).toMatch(/; Path=\/;.*Secure/);
  expect(session).toMatch(/SameSite=Lax/i);
  expect(session).not.toMatch(/Domain=/i);
  return session!.split(";")[0];
}
