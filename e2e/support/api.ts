/**
 * Helpers for the API specs: JSON requests with plain fetch, the API's error
 * shape (no 500s, no stack traces), signing in through Auth.js the way a
 * browser does (CSRF token, form post, cookies), and access-token shapes.
 */
import http from "node:http";
import zlib from "node:zlib";
import { expect } from "@playwright/test";
import { checkAgainstOpenApi } from "./openapi-check";
import { noteSecret, noteSecretsIn } from "./secrets";
import type { Instance } from "./server";

export const ACCESS_TOKEN_PATTERN = /^lkp_[0-9A-Za-z]{36}$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Six base62 characters of the CRC32 of the secret, most significant first (the server's checksum). */
export function tokenChecksum(secret: string): string {
  let n = zlib.crc32(secret);
  let out = "";
  for (let i = 0; i < 6; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** A token with the right prefix, length and checksum that the server never issued. */
export function wellFormedUnknownToken(): string {
  let secret = "";
  for (let i = 0; i < 30; i++) secret += BASE62[Math.floor(Math.random() * 62)];
  return `lkp_${secret}${tokenChecksum(secret)}`;
}

/** The same token with one character replaced, so its checksum no longer matches. */
export function withBrokenChecksum(token: string, index = token.length - 1): string {
  const current = token[index];
  const replacement = current === "A" ? "B" : "A";
  return token.slice(0, index) + replacement + token.slice(index + 1);
}

export type JsonResponse<T = unknown> = { status: number; headers: Headers; text: string; body: T };

/** Sends a request and reads the whole answer; `json` is sent as application/json. */
export async function call<T = unknown>(
  instance: Instance,
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<JsonResponse<T>> {
  const { json, ...rest } = init;
  noteSecretsIn(json);
  const headers = new Headers(rest.headers);
  let body = rest.body;
  if (json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(json);
  }
  const res = await fetch(instance.url(path), { ...rest, headers, body, redirect: "manual" });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  noteSecretsIn(parsed);
  noteSecret(/^(?:Bearer|Token)\s+(\S+)$/i.exec(headers.get("authorization") ?? "")?.[1]);
  // Every response is held to the server's OpenAPI document.
  await checkAgainstOpenApi(instance.baseURL, rest.method ?? "GET", path, res.status, res.headers.get("content-type") ?? "", parsed);
  return { status: res.status, headers: res.headers, text, body: parsed as T };
}

/**
 * Sends a body with Transfer-Encoding: chunked and no Content-Length, on a
 * connection of its own (the server may stop reading it part way through).
 */
export function postChunked(
  instance: Instance,
  path: string,
  body: string,
  headers: Record<string, string>,
  chunkSize = 16 * 1024,
): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(instance.url(path), { method: "POST", headers, agent: false }, (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => {
        let parsed: unknown = undefined;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        const responseHeaders = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (typeof v === "string") responseHeaders.set(k, v);
          else if (Array.isArray(v)) for (const item of v) responseHeaders.append(k, item);
        }
        resolve({ status: res.statusCode ?? 0, headers: responseHeaders, text, body: parsed });
        req.destroy();
      });
    });
    // Once the server has answered, it may reset the rest of the upload; that is not a failure.
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    const bytes = Buffer.from(body, "utf8");
    (async () => {
      for (let i = 0; i < bytes.length && !answered && !req.destroyed; i += chunkSize) {
        if (!req.write(bytes.subarray(i, i + chunkSize))) await new Promise((r) => req.once("drain", r));
      }
      if (!req.destroyed) req.end();
    })().catch(() => undefined);
  });
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** No stack trace, no raw "Error:" text, nothing from the server's file system. */
export function expectNoLeak(text: string): void {
  expect(text, "response body shows a stack trace").not.toMatch(/^\s*at\s/m);
  expect(text, "response body shows a stack trace").not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
  expect(text, "response body starts with a raw error").not.toMatch(/^\s*"?\w*Error:/);
  expect(text).not.toMatch(/node_modules|\.next\/server|SqliteError/);
}

export type ApiError = { message: string; code: number; errors?: Record<string, string[]> };

/**
 * Asserts the API's error shape: the expected status (never a 500), a JSON body
 * {"message", "code"} with code equal to the status, and no stack trace.
 */
export function expectApiError(res: JsonResponse, status: number): ApiError {
  expect(res.status, `unexpected status; body: ${res.text}`).toBe(status);
  expectNoLeak(res.text);
  expect(res.headers.get("content-type") ?? "").toContain("application/json");
  const body = res.body as ApiError;
  expect(body, `body is not JSON: ${res.text}`).toBeTruthy();
  expect(typeof body.message).toBe("string");
  expect(body.message.length).toBeGreaterThan(0);
  expect(body.message).not.toMatch(/^\w*Error:/);
  expect(body.code).toBe(status);
  return body;
}

/** A 422 whose "errors" has at least one non-empty message for each named field. */
export function expectFieldErrors(res: JsonResponse, ...fields: string[]): Record<string, string[]> {
  const body = expectApiError(res, 422);
  expect(body.errors, `no field errors in ${res.text}`).toBeTruthy();
  for (const field of fields) {
    const messages = body.errors?.[field];
    expect(Array.isArray(messages), `no errors.${field} in ${res.text}`).toBe(true);
    expect(messages!.length).toBeGreaterThan(0);
    for (const m of messages!) {
      expect(typeof m).toBe("string");
      expect(m.length).toBeGreaterThan(0);
      expectNoLeak(m);
    }
  }
  return body.errors!;
}

/** A minimal cookie jar: name → value, updated from Set-Cookie headers. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  update(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [k, v] = a.split("=").map((s) => s.trim().toLowerCase());
        if (k === "max-age") return Number(v) <= 0;
        if (k === "expires") return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }

  get header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

export const SESSION_COOKIE = "authjs.session-token";

export type SignInResult = {
  /** The Cookie header to send, with the session cookie when sign-in succeeded. */
  cookie: string;
  signedIn: boolean;
  status: number;
  location: string | null;
};

/**
 * Signs in as a browser does: GET /api/auth/csrf for the token and its cookie,
 * then a form POST to the credentials callback, keeping every cookie set.
 */
export async function signIn(instance: Instance, email: string, password: string): Promise<SignInResult> {
  noteSecret(password);
  const jar = new CookieJar();
  const csrf = await fetch(instance.url("/api/auth/csrf"), { redirect: "manual" });
  expect(csrf.status).toBe(200);
  jar.update(csrf.headers);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  expect(typeof csrfToken).toBe("string");
  const res = await fetch(instance.url("/api/auth/callback/credentials"), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: instance.url("/team/users") }),
  });
  await res.text();
  jar.update(res.headers);
  for (const part of jar.header.split("; ")) if (part.startsWith(`${SESSION_COOKIE}=`)) noteSecret(part.slice(SESSION_COOKIE.length + 1));
  return {
    cookie: jar.header,
    signedIn: jar.has(SESSION_COOKIE),
    status: res.status,
    location: res.headers.get("location"),
  };
}

/** Signs in and fails the test unless a session cookie came back. */
export async function signInOrFail(instance: Instance, email: string, password: string): Promise<string> {
  const result = await signIn(instance, email, password);
  expect(result.signedIn, `no ${SESSION_COOKIE} cookie after sign-in (status ${result.status}, location ${result.location})`).toBe(true);
  return result.cookie;
}
