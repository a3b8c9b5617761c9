/**
 * Per-spec-file server: `const instance = useInstance()` starts a fresh
 * Latchkey before the file's tests and stops it after them.
 */
import { test } from "@playwright/test";
import { noteSecretsIn } from "./secrets";
import { startServer, type Instance } from "./server";

export function useInstance(env?: Record<string, string>): Instance {
  let current: Instance | undefined;
  test.beforeAll(async () => {
    // Room for startServer's one retry of a start that hangs.
    test.setTimeout(150_000);
    current = await startServer(env);
  });
  test.afterAll(async () => {
    await current?.stop();
  });
  const get = (): Instance => {
    if (!current) throw new Error("instance used outside a test");
    return current;
  };
  return {
    get baseURL() {
      return get().baseURL;
    },
    get dataDir() {
      return get().dataDir;
    },
    get databaseUrl() {
      return get().databaseUrl;
    },
    get pid() {
      return get().pid;
    },
    url: (p) => get().url(p),
    logs: () => get().logs(),
    stop: () => get().stop(),
  };
}

export const OWNER = { email: "owner@example.com", password: "correct horse battery staple", name: "Olive Owner" };

/** Completes setup through the API and returns the owner's ids and an access token. */
export async function setUpOwner(instance: Instance, owner = OWNER) {
  const res = await fetch(instance.url("/api/instance/setup"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...owner, create_pat: true, pat_expire_in: 30 }),
  });
  if (res.status !== 200) throw new Error(`setup failed: ${res.status} ${await res.text()}`);
  const created = (await res.json()) as { user_id: string; account_id: string; personal_access_token: string };
  noteSecretsIn({ owner, created });
  return created;
}
