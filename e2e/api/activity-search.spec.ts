/**
 * GET /api/events filtered by a name that 34,000 users share: search= and
 * actor= answer 200 with exactly the events a brute-force filter over the
 * whole log finds, and the export streams them all. (They answered 500:
 * SQLite's expression-depth limit from ~1,000 matching users, its
 * bound-variable limit from ~33,000.)
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { bearer, call } from "../support/api";
import { useInstance } from "../support/instance";

const ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");
const instance = useInstance({ ENCRYPTION_KEY });
const USERS = 36_000;
const MATCHING = 34_000;
const EVENTS = 900;

type ApiEvent = { seq: number; initiator_name: string; target_name: string };

test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

let token: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  // Owner, users and events written by the bench's seed script into the running server's data
  // directory before the server has read the account (its caches load on first use).
  const root = path.resolve(__dirname, "..", "..");
  const seed = spawnSync(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/bench/seed-search.ts", String(USERS), String(MATCHING), String(EVENTS)],
    {
      cwd: root,
      env: {
        ...process.env,
        DATA_DIR: instance.dataDir,
        ENCRYPTION_KEY,
        // On PostgreSQL the seed writes to the server's database (which needs both shared secrets set).
        ...(instance.databaseUrl ? { DATABASE_URL: instance.databaseUrl, AUTH_SECRET: "seed-script-auth-secret-0123456789abcdef" } : {}),
      },
      encoding: "utf8",
    },
  );
  expect(seed.status, seed.stderr).toBe(0);
  token = JSON.parse(seed.stdout.trim().split("\n").at(-1)!).token;
});

async function events(query: string): Promise<{ events: ApiEvent[]; total: string | null }> {
  const res = await call<ApiEvent[]>(instance, `/api/events?${query}`, { headers: bearer(token) });
  expect(res.status, res.text).toBe(200);
  return { events: res.body, total: res.headers.get("x-total-count") };
}

test("search= and actor= by a name 34,000 users share find exactly what a brute-force filter finds", async () => {
  const all = (await events("limit=1000")).events;
  expect(all.length).toBeGreaterThan(EVENTS);
  const quinn = (label: string) => label.toLowerCase().includes("quinn");
  const bySearch = all.filter((e) => quinn(e.initiator_name) || quinn(e.target_name)).map((e) => e.seq);
  const byActor = all.filter((e) => quinn(e.initiator_name)).map((e) => e.seq);
  expect(byActor.length).toBeGreaterThan(0);
  expect(bySearch.length).toBeLessThan(all.length);

  const searched = await events("search=quinn&limit=1000");
  expect(searched.events.map((e) => e.seq)).toEqual(bySearch);
  expect(searched.total).toBe(String(bySearch.length));

  const acted = await events("actor=Quinn%20Searchable&limit=1000");
  expect(acted.events.map((e) => e.seq)).toEqual(byActor);
  expect(acted.total).toBe(String(byActor.length));

  const paged = await events(`search=quinn&limit=20&before=${bySearch[19]}`);
  expect(paged.events.map((e) => e.seq)).toEqual(bySearch.slice(20, 40));

  const exported = await fetch(instance.url("/api/events/export?format=jsonl&search=quinn"), { headers: bearer(token) });
  expect(exported.status).toBe(200);
  const lines = (await exported.text()).trim().split("\n");
  expect(lines.length).toBe(bySearch.length);
});
