/**
 * Helpers for the users API specs: a client that calls the API as someone
 * (an access token, or a session cookie with a same-origin Origin header), and
 * "a user of role R, signed in and past the forced password change".
 */
import crypto from "node:crypto";
import http from "node:http";
import { expect } from "@playwright/test";
import { bearer, call, signInOrFail, type JsonResponse } from "./api";
import type { Instance } from "./server";

export type Role = "owner" | "admin" | "auditor" | "user";

/** The user resource (NetBird's shape). */
export type ApiUser = {
  id: string;
  email: string;
  /** The address was proven or vouched for (what apps are told as email_verified). */
  email_verified: boolean;
  name: string;
  role: Role;
  status: "active" | "invited" | "blocked";
  last_login: string | null;
  auto_groups: string[];
  is_current: boolean;
  is_service_user: boolean;
  is_blocked: boolean;
  idp_id: string;
  /** Only in the answer to POST /api/users, for people. */
  password?: string;
};

export const GENERATED_PASSWORD = /^[0-9A-Za-z]{24}$/;
export const MUST_CHANGE_PASSWORD = "Choose a new password before continuing";

type Init = { method?: string; json?: unknown; body?: string; headers?: Record<string, string> };

/** Calls the API as one caller; `headers` carries the credentials. */
export class Client {
  constructor(
    readonly instance: Instance,
    readonly headers: Record<string, string>,
  ) {}

  call<T = unknown>(path: string, init: Init = {}): Promise<JsonResponse<T>> {
    return call<T>(this.instance, path, {
      method: init.method ?? "GET",
      headers: { ...this.headers, ...init.headers },
      json: init.json,
      body: init.body,
    });
  }

  get<T = unknown>(path: string) {
    return this.call<T>(path);
  }

  post<T = unknown>(path: string, json: unknown = {}) {
    return this.call<T>(path, { method: "POST", json });
  }

  put<T = unknown>(path: string, json: unknown) {
    return this.call<T>(path, { method: "PUT", json });
  }

  delete<T = unknown>(path: string) {
    return this.call<T>(path, { method: "DELETE" });
  }

  /** GET /api/users with query parameters; returns the list and X-Total-Count. */
  async list(params: Record<string, string | number | boolean> = {}) {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
    const res = await this.get<ApiUser[]>(`/api/users${query ? `?${query}` : ""}`);
    expect(res.status, `GET /api/users?${query}: ${res.text}`).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    const total = Number(res.headers.get("x-total-count"));
    expect(Number.isInteger(total), "X-Total-Count is missing or not a number").toBe(true);
    return { users: res.body, total, ids: res.body.map((u) => u.id) };
  }

  /** GET /api/users/{id}, expecting it to be found. */
  async user(id: string): Promise<ApiUser> {
    const res = await this.get<ApiUser>(`/api/users/${id}`);
    expect(res.status, `GET /api/users/${id}: ${res.text}`).toBe(200);
    return res.body;
  }

  /** POST /api/users, expecting success. */
  async createUser(json: Record<string, unknown>): Promise<ApiUser> {
    const res = await this.post<ApiUser>("/api/users", json);
    expect(res.status, `POST /api/users ${JSON.stringify(json)}: ${res.text}`).toBe(200);
    return res.body;
  }

  /** PUT /api/users/{id} with the user's current role, groups and block state, overridden by `change`. */
  async updateUser(id: string, change: Record<string, unknown>): Promise<JsonResponse<ApiUser>> {
    const current = await this.user(id);
    return this.put<ApiUser>(`/api/users/${id}`, {
      role: current.role,
      auto_groups: current.auto_groups,
      is_blocked: current.is_blocked,
      ...change,
    });
  }
}

export function tokenClient(instance: Instance, token: string): Client {
  return new Client(instance, bearer(token));
}

/** Cookie callers must send their own origin on writes; sending it on reads too does no harm. */
export function cookieClient(instance: Instance, cookie: string): Client {
  return new Client(instance, { cookie, origin: instance.baseURL });
}

/** A unique email for this run, so specs never collide on the email index. */
export function uniqueEmail(label: string): string {
  return `${label}.${crypto.randomBytes(4).toString("hex")}@example.com`;
}

/** A password that passes the policy and differs from anything generated. */
export function choosePassword(label: string): string {
  return `a chosen passphrase for ${label} ${crypto.randomBytes(3).toString("hex")}`;
}

/** Signs in with a generated (or reset) password and changes it, as the server demands. */
export async function signInAndChangePassword(instance: Instance, user: { id: string; email: string }, given: string) {
  const cookie = await signInOrFail(instance, user.email, given);
  const password = choosePassword(user.email);
  const changed = await call(instance, `/api/users/${user.id}/password`, {
    method: "PUT",
    headers: { cookie, origin: instance.baseURL },
    json: { old_password: given, new_password: password },
  });
  expect(changed.status, `password change for ${user.email}: ${changed.text}`).toBe(200);
  return { cookie, password, client: cookieClient(instance, cookie) };
}

export type Person = { user: ApiUser; email: string; password: string; cookie: string; client: Client };

/**
 * Creates a user of this role as `creator`, signs in with the generated
 * password, changes it, and returns a client acting with that session.
 */
export async function personWithRole(
  creator: Client,
  role: Exclude<Role, "owner">,
  details: { email?: string; name?: string; auto_groups?: string[] } = {},
): Promise<Person> {
  const email = details.email ?? uniqueEmail(role);
  const user = await creator.createUser({
    email,
    name: details.name ?? `${role[0].toUpperCase()}${role.slice(1)} ${crypto.randomBytes(2).toString("hex")}`,
    role,
    auto_groups: details.auto_groups ?? [],
  });
  expect(user.password, "POST /api/users returned no generated password").toMatch(GENERATED_PASSWORD);
  const { cookie, password, client } = await signInAndChangePassword(creator.instance, { id: user.id, email }, user.password!);
  return { user, email, password, cookie, client };
}

/**
 * A JSON request whose body is held back after its first bytes: the server has
 * authenticated the caller and is waiting for the rest. `release()` sends it.
 * For checking what happens when something changes while a request is in flight.
 */
export function heldRequest(instance: Instance, method: string, path: string, headers: Record<string, string>, json: unknown) {
  const body = JSON.stringify(json);
  let release!: () => void;
  const response = new Promise<JsonResponse>((resolve, reject) => {
    const req = http.request(
      instance.url(path),
      { method, headers: { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }, agent: false },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const responseHeaders = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") responseHeaders.set(k, v);
          resolve({ status: res.statusCode ?? 0, headers: responseHeaders, text, body: parsed });
        });
      },
    );
    req.on("error", reject);
    req.write(body.slice(0, 1));
    release = () => req.end(body.slice(1));
  });
  return { response, release: () => release() };
}
