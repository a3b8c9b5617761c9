/** People for API specs: a user of a role, signed in, past the forced first password change. */
import { expect } from "@playwright/test";
import { call, signInOrFail } from "./api";
import type { Instance } from "./server";

/** `password`: their current one (creating their own access token with the session asks for it). `more`: other fields of POST /api/users (username, name, auto_groups). */
export type Person = { id: string; email: string; password: string; cookie: string; headers: Record<string, string> };

export async function personWithSession(
  instance: Instance,
  adminAuth: Record<string, string>,
  role: "admin" | "auditor" | "user",
  email: string,
  more: Record<string, unknown> = {},
): Promise<Person> {
  const created = await call<{ id: string; password: string }>(instance, "/api/users", {
    method: "POST",
    headers: adminAuth,
    json: { email, name: `${role} ${email.split("@")[0]}`, role, ...more },
  });
  expect(created.status, created.text).toBe(200);
  const cookie = await signInOrFail(instance, email, created.body.password);
  const headers = { cookie, origin: instance.baseURL };
  const password = `a fresh ${role} passphrase 42`;
  const changed = await call(instance, `/api/users/${created.body.id}/password`, {
    method: "PUT",
    headers,
    json: { old_password: created.body.password, new_password: password },
  });
  expect(changed.status, changed.text).toBe(200);
  return { id: created.body.id, email, password, cookie, headers };
}
