/**
 * GET /api/users?search= over the searchable encrypted index: exact results and
 * X-Total-Count, a rename or delete seen at once, two servers on one database
 * answering alike (nothing lives in one process's memory), and users written
 * without the index (an older version, a script) found at once after a start
 * and indexed in the background.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openInstanceDatabase } from "../support/database";
import { expect, test } from "@playwright/test";
import { bearer, call } from "../support/api";
import { setUpOwner } from "../support/instance";
import { startServer, type Instance } from "../support/server";
import type { ApiUser } from "../support/users-api";

test.describe.configure({ mode: "serial" });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-e2e-search-"));
// Every server on this directory starts with the same key (the harness would give each its own).
const env = { ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64") };
let a: Instance;
let b: Instance | undefined;
let token: string;

test.beforeAll(async () => {
  a = await startServer(env, { dataDir });
  token = (await setUpOwner(a)).personal_access_token;
});

test.afterAll(async () => {
  await a?.stop();
  await b?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function search(instance: Instance, query: string): Promise<{ names: string[]; total: string | null }> {
  const res = await call<ApiUser[]>(instance, `/api/users?${query}`, { headers: bearer(token) });
  expect(res.status, res.text).toBe(200);
  return { names: res.body.map((u) => u.name), total: res.headers.get("x-total-count") };
}

async function create(instance: Instance, name: string, email: string): Promise<string> {
  const res = await call<ApiUser>(instance, "/api/users", { method: "POST", headers: bearer(token), json: { name, email, role: "user", auto_groups: [] } });
  expect(res.status, res.text).toBe(200);
  return res.body.id;
}

test("finds users by a fragment of their name or email, counts exactly, and sees a rename or delete at once", async () => {
  const joanna = await create(a, "Joanna Lee", "jl@corp.example");
  const bob = await create(a, "Bob Annex", "bob@corp.example");
  await create(a, "Ann Smith", "ann.smith@corp.example");
  await create(a, "Carl Other", "carl@else.example");

  expect(await search(a, "search=ann")).toEqual({ names: ["Joanna Lee", "Bob Annex", "Ann Smith"], total: "3" });
  expect(await search(a, "search=ANN&limit=2&offset=1")).toEqual({ names: ["Bob Annex", "Ann Smith"], total: "3" });
  expect(await search(a, "search=an")).toEqual({ names: ["Bob Annex", "Ann Smith"], total: "2" }); // starts of words
  expect(await search(a, "search=corp.example")).toEqual({ names: ["Joanna Lee", "Bob Annex", "Ann Smith"], total: "3" });
  expect(await search(a, "search=ann smith")).toEqual({ names: ["Ann Smith"], total: "1" });

  const renamed = await call(a, `/api/users/${joanna}`, { method: "PUT", headers: bearer(token), json: { name: "Jo Lee", role: "user", auto_groups: [], is_blocked: false } });
  expect(renamed.status, renamed.text).toBe(200);
  const deleted = await call(a, `/api/users/${bob}`, { method: "DELETE", headers: bearer(token) });
  expect(deleted.status, deleted.text).toBe(200);
  expect(await search(a, "search=ann")).toEqual({ names: ["Ann Smith"], total: "1" });
  expect(await search(a, "search=jo lee")).toEqual({ names: ["Jo Lee"], total: "1" });
});

test("a second server on the same database finds what the first just wrote", async () => {
  b = await startServer(env, { dataDir });
  await create(a, "Zelda Fresh", "zelda@corp.example");
  expect(await search(b, "search=zeld")).toEqual({ names: ["Zelda Fresh"], total: "1" });
  await b.stop();
  b = undefined;
});

test("users written without the index are found right after a start, and indexed in the background", async () => {
  await a.stop();
  // As an older version (or a script) left them: users, no index entries.
  const database = openInstanceDatabase(a);
  database.prepare("DELETE FROM search_entries").run();
  database.prepare("DELETE FROM search_scopes WHERE scope = 'users'").run();
  database.close();

  a = await startServer(env, { dataDir });
  expect(await search(a, "search=ann")).toEqual({ names: ["Ann Smith"], total: "1" });
  expect(await search(a, "search=zeld")).toEqual({ names: ["Zelda Fresh"], total: "1" });
  // The backfill finishes (a handful of users: at once), and the index answers the same.
  await expect
    .poll(() => {
      const db = openInstanceDatabase(a!);
      try {
        return Number((db.prepare("SELECT CAST(count(*) AS INTEGER) AS n FROM search_entries").get() as { n: number }).n);
      } finally {
        db.close();
      }
    })
    .toBe(5);
  expect(await search(a, "search=ann")).toEqual({ names: ["Ann Smith"], total: "1" });
  expect(await search(a, "search=corp.example")).toEqual({ names: ["Jo Lee", "Ann Smith", "Zelda Fresh"], total: "3" });
});
