/**
 * `npm run rotate-key` against a stopped server's data (SQLite DATA_DIR, or
 * its PostgreSQL database with TEST_DATABASE=postgres): with the new key in
 * ENCRYPTION_KEY and the old one in ENCRYPTION_KEY_PREVIOUS it re-encrypts
 * everything; the server then starts with the new key alone, sign-in by email
 * and search work, the activity log records the rotation and verifies, and
 * the old key alone is refused. A run killed (-9) part-way leaves data the
 * new key alone can't open (refused), and the next run finishes it.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signInOrFail } from "../support/api";
import { OWNER, setUpOwner } from "../support/instance";
import { startExpectingExit, startServer } from "../support/server";
import { tokenClient } from "../support/users-api";
import { runNpmScript, type ScriptRun } from "../support/npm-script";

const root = path.resolve(__dirname, "..", "..");
const K1 = crypto.randomBytes(32).toString("base64");
const K2 = crypto.randomBytes(32).toString("base64");

function run(args: string[], env: Record<string, string>, script = "rotate-key"): Promise<ScriptRun> {
  return runNpmScript(script, args, env);
}

test("rotate-key on a stopped server's data: the server starts with the new key alone, the old key is refused", async () => {
  test.setTimeout(240_000);
  const first = await startServer({ ENCRYPTION_KEY: K1 }, { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-rotate-")) });
  const { dataDir, databaseUrl } = first;
  const setup = await setUpOwner(first);
  const api = tokenClient(first, setup.personal_access_token);
  for (const name of ["Quentin Quartz", "Quinn Quasar", "Rita Ray"]) {
    const res = await api.post<{ id: string }>("/api/users", { email: `${name.split(" ")[0].toLowerCase()}@example.com`, name, role: "user" });
    expect(res.status, res.text).toBe(200);
  }
  await first.stop();
  const env = { DATA_DIR: dataDir, DATABASE_URL: databaseUrl ?? "" };

  // Without the old key there is nothing it may do.
  const refused = await run([], { ...env, ENCRYPTION_KEY: K2, ENCRYPTION_KEY_PREVIOUS: "" });
  expect(refused.code, refused.output).not.toBe(0);

  // kill -9 once it has moved the users' emails (one row per batch): part of the data is under each key.
  const rotating = { ...env, ENCRYPTION_KEY: K2, ENCRYPTION_KEY_PREVIOUS: K1 };
  const killed = await new Promise<string>((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "rotate-key", "--", "--batch-size", "1"], { cwd: root, env: { ...process.env, ...rotating }, detached: true });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
      // npm runs node in a child: the whole process group goes.
      if (/users\.email_ciphertext: \d+ re-encrypted/.test(output)) process.kill(-child.pid!, "SIGKILL");
    });
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", () => resolve(output));
  });
  expect(killed).toMatch(/users\.email_ciphertext: 4 re-encrypted/);
  expect(killed).not.toContain("Rotation complete");
  // Midway, the new key alone is refused: the key check still names the old one.
  const midway = await startExpectingExit({ ENCRYPTION_KEY: K2, DATABASE_URL: databaseUrl ?? "" }, dataDir);
  expect(midway.exitCode).not.toBe(0);
  expect(midway.answered).toBe(false);

  const rotated = await run(["--batch-size", "2"], rotating);
  expect(rotated.code, rotated.output).toBe(0);
  expect(rotated.output).toContain("Rotation complete");
  expect(rotated.output).not.toContain(K1);
  expect(rotated.output).not.toContain(K2);
  // Run again with both keys still given (as the replicas have until they restart): nothing to do, nothing re-sealed.
  const rerun = await run([], rotating);
  expect(rerun.code, rerun.output).toBe(0);
  expect(rerun.output).toContain("Nothing to rotate");
  expect(rerun.output).not.toContain("Rotation complete");
  // A second run has nothing left to do.
  const again = await run([], { ...env, ENCRYPTION_KEY: K2, ENCRYPTION_KEY_PREVIOUS: "" });
  expect(again.code, again.output).toBe(0);
  expect(again.output).toContain("Nothing to rotate");

  const verified = await run([], { ...env, ENCRYPTION_KEY: K2 }, "verify-events");
  expect(verified.code, verified.output).toBe(0);
  expect(verified.output).toMatch(/OK, \d+ events verified/);

  const oldKey = await startExpectingExit({ ENCRYPTION_KEY: K1, DATABASE_URL: databaseUrl ?? "" }, dataDir);
  expect(oldKey.exitCode).not.toBe(0);
  expect(oldKey.answered).toBe(false);
  expect(oldKey.stdout + oldKey.stderr).toContain("The encryption key does not match this database");

  const second = await startServer({ ENCRYPTION_KEY: K2, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }, { dataDir });
  try {
    await signInOrFail(second, OWNER.email.toUpperCase(), OWNER.password);
    const client = tokenClient(second, setup.personal_access_token);
    const found = await client.get<Array<{ name: string; email: string }>>("/api/users?search=qu");
    expect(found.status, found.text).toBe(200);
    expect(found.body.map((u) => u.name).sort()).toEqual(["Quentin Quartz", "Quinn Quasar"]);
    const events = await client.get<Array<{ activity_code: string }>>("/api/events?limit=5");
    expect(events.status, events.text).toBe(200);
    expect(events.text).toContain("encryption_key.rotated");
  } finally {
    await second.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("rotate-key while the server runs with both keys: searches and sign-in keep working throughout", async () => {
  test.setTimeout(240_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-rotate-live-"));
  const first = await startServer({ ENCRYPTION_KEY: K1 }, { dataDir });
  const { databaseUrl } = first;
  const setup = await setUpOwner(first);
  for (const name of ["Quentin Quartz", "Quinn Quasar"]) {
    const res = await tokenClient(first, setup.personal_access_token).post("/api/users", { email: `${name.split(" ")[1].toLowerCase()}@example.com`, name, role: "user" });
    expect(res.status, res.text).toBe(200);
  }
  await first.stop();
  const db: Record<string, string> = databaseUrl ? { DATABASE_URL: databaseUrl } : {};

  // Restarted with the new key to write and the old one to read.
  const live = await startServer({ ENCRYPTION_KEY: K2, ENCRYPTION_KEY_PREVIOUS: K1, ...db }, { dataDir });
  try {
    const client = tokenClient(live, setup.personal_access_token);
    const created = await client.post("/api/users", { email: "quill@example.com", name: "Quill Quest", role: "user" });
    expect(created.status, created.text).toBe(200);
    const searchNames = async () => {
      const res = await client.get<Array<{ name: string }>>("/api/users?search=qu");
      expect(res.status, res.text).toBe(200);
      return res.body.map((u) => u.name).sort();
    };
    const everyone = ["Quentin Quartz", "Quill Quest", "Quinn Quasar"];
    expect(await searchNames()).toEqual(everyone);

    const rotation = run(["--batch-size", "1"], { DATA_DIR: dataDir, DATABASE_URL: databaseUrl ?? "", ENCRYPTION_KEY: K2, ENCRYPTION_KEY_PREVIOUS: K1 });
    let finished = false;
    void rotation.then(() => (finished = true));
    let checks = 0;
    while (!finished) {
      expect(await searchNames()).toEqual(everyone);
      checks += 1;
    }
    const rotated = await rotation;
    expect(rotated.code, rotated.output).toBe(0);
    expect(checks).toBeGreaterThan(0);
    expect(await searchNames()).toEqual(everyone);
    await signInOrFail(live, OWNER.email, OWNER.password);
  } finally {
    await live.stop();
  }
  const verified = await run([], { DATA_DIR: dataDir, DATABASE_URL: databaseUrl ?? "", ENCRYPTION_KEY: K2 }, "verify-events");
  expect(verified.code, verified.output).toBe(0);
  const alone = await startServer({ ENCRYPTION_KEY: K2, ...db }, { dataDir });
  try {
    await signInOrFail(alone, OWNER.email, OWNER.password);
  } finally {
    await alone.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

// The key file in DATA_DIR is SQLite's alone (PostgreSQL takes its keys from the environment).
if (process.env.TEST_DATABASE !== "postgres") {
  test("with the key file: the first run puts a new key in place, the second rotates and retires the old file", async () => {
    test.setTimeout(240_000);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-rotate-file-"));
    const first = await startServer({ ENCRYPTION_KEY: "" }, { dataDir });
    await setUpOwner(first);
    await first.stop();
    const keyFile = path.join(dataDir, "encryption.key");
    const oldKey = fs.readFileSync(keyFile, "utf8").trim();
    const env = { DATA_DIR: dataDir, DATABASE_URL: "", ENCRYPTION_KEY: "", ENCRYPTION_KEY_PREVIOUS: "" };

    const staged = await run([], env);
    expect(staged.code, staged.output).toBe(0);
    expect(staged.output).toContain("Generated a new key");
    const newKey = fs.readFileSync(keyFile, "utf8").trim();
    expect(newKey).not.toBe(oldKey);
    expect(fs.readFileSync(path.join(dataDir, "encryption.key.previous"), "utf8").trim()).toBe(oldKey);
    expect((fs.statSync(keyFile).mode & 0o777).toString(8)).toBe("600");

    const rotated = await run([], env);
    expect(rotated.code, rotated.output).toBe(0);
    expect(rotated.output).toContain("Rotation complete");
    expect(fs.existsSync(path.join(dataDir, "encryption.key.previous"))).toBe(false);
    expect(fs.readdirSync(dataDir).some((f) => f.startsWith("encryption.key.retired-"))).toBe(true);

    const second = await startServer({ ENCRYPTION_KEY: "" }, { dataDir });
    try {
      await signInOrFail(second, OWNER.email, OWNER.password);
    } finally {
      await second.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
