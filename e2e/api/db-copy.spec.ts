/**
 * `npm run db:copy -- --to postgres://…`: a SQLite instance with users,
 * groups, tokens, an invite and its activity is copied into an empty
 * PostgreSQL database (the spec's own server, whatever TEST_DATABASE says);
 * a server started on that database signs the owner in, lists the same users,
 * accepts the same token, and verify-events says OK. A second copy into the
 * now non-empty database is refused and changes nothing.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import type { PostgresServer } from "../../scripts/test-support/postgres.mjs";
import { call, signInOrFail } from "../support/api";
import { createInvite, invitee, listInvites } from "../support/invites-api";
import { OWNER, setUpOwner } from "../support/instance";
import { startOwnPostgres } from "../support/replicas";
import { startServer } from "../support/server";
import { cookieClient, personWithRole, tokenClient, type ApiUser } from "../support/users-api";
import { runNpmScript, type ScriptRun } from "../support/npm-script";

const ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");

let postgres: PostgresServer;
let dataDir: string;

test.beforeAll(async () => {
  postgres = await startOwnPostgres();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-copy-"));
});

test.afterAll(async () => {
  await postgres?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const run = (script: string, args: string[], env: Record<string, string>): Promise<ScriptRun> => runNpmScript(script, args, env);

async function rowCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE '%drizzle%' ORDER BY 1",
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) counts[name] = Number((await client.query(`SELECT count(*) AS n FROM "${name}"`)).rows[0].n);
    return counts;
  } finally {
    await client.end();
  }
}

/** The copied tables PostgreSQL's planner has no statistics for yet (never analysed, by hand or by autovacuum). */
async function unanalysedTables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "SELECT relname AS name FROM pg_stat_user_tables WHERE schemaname = 'public' AND last_analyze IS NULL AND last_autoanalyze IS NULL ORDER BY 1",
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

const byId = (list: ApiUser[]) => [...list].sort((x, y) => x.id.localeCompare(y.id));

test("a SQLite instance copied to PostgreSQL serves the same people, tokens and verified activity", async () => {
  // Two servers, two copies and verify runs: minutes on a busy machine.
  test.setTimeout(300_000);
  // The instance on SQLite (DATABASE_URL empty: SQLite even when the suite runs on PostgreSQL).
  const source = await startServer({ DATABASE_URL: "", ENCRYPTION_KEY }, { dataDir });
  const setup = await setUpOwner(source);
  const ownerApi = tokenClient(source, setup.personal_access_token);
  const group = await ownerApi.post<{ id: string }>("/api/groups", { name: "Copied group" });
  expect(group.status, group.text).toBe(200);
  const admin = await personWithRole(ownerApi, "admin", { name: "Ada Admin", auto_groups: [group.body.id] });
  const bot = await ownerApi.createUser({ is_service_user: true, name: "Copy bot", role: "user" });
  const botToken = await ownerApi.post<{ plain_token: string }>(`/api/users/${bot.id}/tokens`, { name: "ci", expires_in: 30 });
  expect(botToken.status, botToken.text).toBe(200);
  const invite = await createInvite(ownerApi, invitee("pending"));
  const before = await ownerApi.list();
  expect(before.total).toBe(3);
  const integrity = await call(source, "/api/events/integrity", { headers: { authorization: `Bearer ${setup.personal_access_token}` } });
  const events = (integrity.body as { checked: number }).checked;
  expect(events).toBeGreaterThan(5);
  await source.stop();

  const target = await postgres.createDatabase("copy");
  const copy = await run("db:copy", ["--to", target], { DATA_DIR: dataDir, ENCRYPTION_KEY, DATABASE_URL: "" });
  expect(copy.code, copy.output).toBe(0);
  expect(copy.output).toContain("Row counts match in all");
  // Analysed before any server starts on it: the planner's first plans don't guess (docs/benchmarks.md round 25).
  expect(copy.output).toContain("Vacuumed and analysed the copied tables.");
  expect(await unanalysedTables(target)).toEqual([]);
  expect(copy.output).toMatch(/users: 3 rows/);
  expect(copy.output).toMatch(/invites: 1 row\b/);
  expect(copy.output).toContain(`OK, ${events} events verified (#1–#${events})`);
  expect(copy.output).not.toContain(ENCRYPTION_KEY);
  const copied = await rowCounts(target);
  expect(copied).toMatchObject({ accounts: 1, users: 3, groups: 1, user_groups: 1, invites: 1, activity_events: events });

  // A server on the copy: the owner signs in, the same users, the same token, the same invite.
  const onPostgres = await startServer({ DATABASE_URL: target, ENCRYPTION_KEY, AUTH_SECRET: crypto.randomBytes(32).toString("base64url") });
  try {
    const cookie = await signInOrFail(onPostgres, OWNER.email, OWNER.password);
    const after = await cookieClient(onPostgres, cookie).list();
    expect(after.total).toBe(3);
    expect(byId(after.users).map(({ is_current: _, last_login: __, ...rest }) => rest)).toEqual(
      byId(before.users).map(({ is_current: _, last_login: __, ...rest }) => rest),
    );
    const asBot = await tokenClient(onPostgres, botToken.body.plain_token).get<{ id: string }>("/api/users/current");
    expect(asBot.status, asBot.text).toBe(200);
    expect(asBot.body.id).toBe(bot.id);
    expect((await listInvites(tokenClient(onPostgres, setup.personal_access_token))).map((i) => i.id)).toEqual([invite.id]);
    expect((await signInOrFail(onPostgres, admin.email, admin.password)).length).toBeGreaterThan(0);
    // New rows after the copy: the search index's copied ids don't collide with new ones, and the newcomer is found.
    const owner = tokenClient(onPostgres, setup.personal_access_token);
    const newcomer = await owner.post<{ id: string }>("/api/users", { email: "newcomer@example.com", name: "Nadia Newcomer", role: "user", auto_groups: [] });
    expect(newcomer.status, newcomer.text).toBe(200);
    const found = await owner.get<Array<{ id: string }>>("/api/users?search=nadia");
    expect(found.body.map((u) => u.id)).toEqual([newcomer.body.id]);
  } finally {
    await onPostgres.stop();
  }
  // The chain goes on from where the copy left it (sign-ins on PostgreSQL appended to it).
  const verify = await run("verify-events", [], { DATA_DIR: dataDir, DATABASE_URL: target, ENCRYPTION_KEY });
  expect(verify.code, verify.output).toBe(0);
  expect(verify.output).toMatch(/OK, \d+ events verified/);

  // Copying again into the database that now holds data is refused, and changes nothing there.
  const held = await rowCounts(target);
  const again = await run("db:copy", ["--to", target], { DATA_DIR: dataDir, ENCRYPTION_KEY, DATABASE_URL: "" });
  expect(again.code, again.output).toBe(1);
  expect(again.output).toMatch(/db:copy refused: PostgreSQL 127\.0\.0\.1:\d+\/copy_\w+ is not empty \(.*accounts.*\)/);
  expect(again.output).toContain("Nothing was changed.");
  expect(await rowCounts(target)).toEqual(held);
});

test("db:copy refuses the wrong key before reading or writing anything", async () => {
  const target = await postgres.createDatabase("copy");
  const wrong = await run("db:copy", ["--to", target], { DATA_DIR: dataDir, ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"), DATABASE_URL: "" });
  expect(wrong.code, wrong.output).toBe(2);
  expect(wrong.output).toContain("The encryption key does not match this database");
  expect(await rowCounts(target)).toEqual({});
});
