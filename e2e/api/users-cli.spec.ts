/**
 * `npm run users` on a stopped server's data (SQLite DATA_DIR, or its
 * PostgreSQL database with TEST_DATABASE=postgres): lists, blocks and
 * unblocks, prints a one-time reset link (mail is off) that sets a password
 * once the server runs again, and refuses a wrong key without touching
 * anything. Every change is in the activity log as the command.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import bcrypt from "@node-rs/bcrypt";
import { expect, test } from "@playwright/test";
import { call, signIn, signInOrFail } from "../support/api";
import { KEYCLOAK } from "../../test/imported-hash-vectors/vectors";
import { setUpOwner } from "../support/instance";
import { noteSecret } from "../support/secrets";
import { startServer } from "../support/server";
import { tokenClient } from "../support/users-api";
import { runNpmScript, type ScriptRun } from "../support/npm-script";

const KEY = crypto.randomBytes(32).toString("base64");

function users(args: string[], env: Record<string, string>, script = "users"): Promise<ScriptRun> {
  return runNpmScript(script, args, env);
}

test("npm run users: list, block, unblock and a printed reset link, recorded; a wrong key is refused", async () => {
  test.setTimeout(240_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-users-cli-"));
  const first = await startServer({ ENCRYPTION_KEY: KEY }, { dataDir });
  const setup = await setUpOwner(first);
  const api = tokenClient(first, setup.personal_access_token);
  const created = await api.post<{ id: string }>("/api/users", { email: "cli.person@example.com", name: "Cli Person", role: "user" });
  expect(created.status, created.text).toBe(200);
  await first.stop();
  const env = { DATA_DIR: dataDir, DATABASE_URL: first.databaseUrl ?? "", ENCRYPTION_KEY: KEY };

  const wrong = await users(["block", "cli.person@example.com"], { ...env, ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64") });
  expect(wrong.code, wrong.output).toBe(1);
  expect(wrong.output).toContain("The encryption key does not match this database");

  const listed = await users(["list"], env);
  expect(listed.code, listed.output).toBe(0);
  expect(listed.output).toContain("cli.person@example.com");
  expect((await users(["block", "cli.person@example.com"], env)).code).toBe(0);
  const shown = await users(["show", "cli.person@example.com", "--json"], env);
  expect(JSON.parse(shown.output.trim().split("\n").pop()!)).toMatchObject({ status: "blocked" });
  expect((await users(["unblock", "cli.person@example.com"], env)).code).toBe(0);

  const reset = await users(["reset-password", "cli.person@example.com", "--url", "https://id.example.com"], env);
  expect(reset.code, reset.output).toBe(0);
  const token = reset.output.match(/reset-password\?token=(lkr_[0-9A-Za-z]+)/)?.[1];
  expect(token, reset.output).toBeTruthy();
  noteSecret(token!);

  // recover-owner --reset-two-factor (the owner set none up here: it says so, and still issues the link).
  const recovered = await users(["--email", "owner@example.com", "--reset-two-factor"], env, "recover-owner");
  expect(recovered.code, recovered.output).toBe(0);
  expect(recovered.output).toMatch(/recover\?token=lko_/);
  expect(recovered.output).toContain("had no two-factor sign-in set up");
  // The setup's token still works after a new password: recover-owner says so (someone who took the account may hold it).
  expect(recovered.output).toContain("The owner holds 1 access token; a new password leaves it working.");
  expect(recovered.output).toContain("--revoke-tokens");
  noteSecret(recovered.output.match(/lko_[0-9A-Za-z]+/)?.[0]);

  const second = await startServer({ ENCRYPTION_KEY: KEY, ...(first.databaseUrl ? { DATABASE_URL: first.databaseUrl } : {}) }, { dataDir });
  try {
    const password = "a fresh passphrase from the command line";
    noteSecret(password);
    const confirmed = await call(second, "/api/password-reset/confirm", { method: "POST", json: { token, password } });
    expect(confirmed.status, confirmed.text).toBe(200);
    await signInOrFail(second, "cli.person@example.com", password);
    const again = await call(second, "/api/password-reset/confirm", { method: "POST", json: { token, password: "yet another long passphrase" } });
    expect(again.status).toBe(422);

    const events = await tokenClient(second, setup.personal_access_token).get<Array<{ activity_code: string; initiator_name?: string; meta?: Record<string, unknown> }>>(
      "/api/events?limit=50",
    );
    expect(events.status, events.text).toBe(200);
    for (const code of ["user.blocked", "user.unblocked", "user.password.reset_link_created"]) expect(events.text).toContain(code);
    expect(events.text).toContain("npm run users");

    // recover-owner --revoke-tokens, beside the running server: the owner's token is refused on its next request.
    const revoked = await users(["--email", "owner@example.com", "--revoke-tokens"], env, "recover-owner");
    expect(revoked.code, revoked.output).toBe(0);
    expect(revoked.output).toMatch(/signed out everywhere: \d+ sessions? ended, 1 access token deleted/);
    noteSecret(revoked.output.match(/lko_[0-9A-Za-z]+/)?.[0]);
    expect((await tokenClient(second, setup.personal_access_token).get("/api/users/current")).status).toBe(401);
  } finally {
    await second.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("without --url, recover-owner's and users reset-password's links start with the instance's public address", async () => {
  test.setTimeout(180_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-users-cli-url-"));
  const server = await startServer({ ENCRYPTION_KEY: KEY }, { dataDir });
  try {
    const setup = await setUpOwner(server);
    const api = tokenClient(server, setup.personal_access_token);
    const saved = await api.put("/api/settings/email", { public_url: "https://team.example.com" });
    expect(saved.status, saved.text).toBe(200);
    const env = { DATA_DIR: dataDir, DATABASE_URL: server.databaseUrl ?? "", ENCRYPTION_KEY: KEY };

    // Before, recover-owner printed http://localhost:3000/recover?… here: a link the owner can't open from elsewhere.
    const recovered = await users(["--email", "owner@example.com"], env, "recover-owner");
    expect(recovered.code, recovered.output).toBe(0);
    noteSecret(recovered.output.match(/lko_[0-9A-Za-z]+/)?.[0]);
    expect(recovered.output).toMatch(/^ {2}https:\/\/team\.example\.com\/recover\?token=lko_/m);

    const reset = await users(["reset-password", "owner@example.com"], env);
    expect(reset.code, reset.output).toBe(0);
    noteSecret(reset.output.match(/lkr_[0-9A-Za-z]+/)?.[0]);
    expect(reset.output).toMatch(/^ {2}https:\/\/team\.example\.com\/reset-password\?token=lkr_/m);

    // --url still wins.
    const given = await users(["--email", "owner@example.com", "--url", "https://id.example.com/"], env, "recover-owner");
    noteSecret(given.output.match(/lko_[0-9A-Za-z]+/)?.[0]);
    expect(given.output).toMatch(/^ {2}https:\/\/id\.example\.com\/recover\?token=lko_/m);
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

// r38: the documented way over from NetBird's embedded identity provider (docs/operations.md, "Moving people over from
// another identity provider"): Dex's `password` table (its columns as Dex's SQL storage creates them, the hash a blob
// as Go's bcrypt writes it) exported with the documented sqlite3 command, a dry run, --apply, and a sign-in with
// the old password on the server started afterwards.
const SQLITE3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].find((p) => fs.existsSync(p));
test("npm run users -- import takes the CSV the documented sqlite3 command exports from NetBird's embedded IdP (Dex)", async () => {
  // Never a silent skip: without the shell the documented export can't be run, and that is a failure to fix.
  expect(SQLITE3, "needs the sqlite3 command-line shell, as the documented export does: install it: apt-get install sqlite3 (.ci/run does this).").toBeTruthy();
  test.setTimeout(240_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-users-import-"));
  const dexDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-dex-"));
  const first = await startServer({ ENCRYPTION_KEY: KEY }, { dataDir });
  await setUpOwner(first);
  await first.stop();
  const env = { DATA_DIR: dataDir, DATABASE_URL: first.databaseUrl ?? "", ENCRYPTION_KEY: KEY };
  try {
    const password = "the passphrase dex knew her by";
    noteSecret(password);
    // Go's bcrypt.GenerateFromPassword(…, bcrypt.DefaultCost) writes $2a$ at cost 10, as NetBird's embedded IdP does.
    const hash = bcrypt.hashSync(password, { cost: 10, version: "2a" });
    noteSecret(hash);
    const idpDb = path.join(dexDir, "idp.db");
    const hex = Buffer.from(hash).toString("hex");
    const made = spawnSync(SQLITE3!, [
      idpDb,
      "create table password (email text not null primary key, hash blob not null, username text not null, user_id text not null);" +
        `insert into password values ('dex.person@example.com', X'${hex}', 'Dex Person', '${crypto.randomUUID()}');`,
    ]);
    expect(made.status, String(made.stderr)).toBe(0);
    // The export, word for word as docs/operations.md gives it.
    const exported = spawnSync(SQLITE3!, ["-header", "-csv", idpDb, "SELECT email, username AS name, CAST(hash AS TEXT) AS password_hash FROM password;"]);
    expect(exported.status, String(exported.stderr)).toBe(0);
    const file = path.join(dexDir, "people.csv");
    fs.writeFileSync(file, exported.stdout);

    const dry = await users(["import", file], env);
    expect(dry.code, dry.output).toBe(0);
    // Dex's table here has no email_verified column (older Dex): the address comes in unproven (review 42).
    expect(dry.output).toContain("line 2: would create dex.person@example.com: user, username dex.person, bcrypt password, email not verified");
    expect(dry.output).not.toContain(hash);
    const applied = await users(["import", file, "--apply"], env);
    expect(applied.code, applied.output).toBe(0);
    expect(applied.output).toContain("1 user created, 0 skipped.");
    expect((await users(["import", file, "--apply"], env)).output).toContain("line 2: skipped dex.person@example.com: already here");

    const second = await startServer({ ENCRYPTION_KEY: KEY, ...(first.databaseUrl ? { DATABASE_URL: first.databaseUrl } : {}) }, { dataDir });
    try {
      await signInOrFail(second, "dex.person@example.com", password);
    } finally {
      await second.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(dexDir, { recursive: true, force: true });
  }
});

// r42: the documented way over from Keycloak (docs/operations.md, "From Keycloak"): the jq command, read from that
// page and run as it stands, on a realm export shaped like `kc.sh export --users realm_file` writes it (its
// credentials' secretData and credentialData as JSON texts, made as Keycloak makes them: test/imported-hash-vectors/),
// then a dry run, --apply with --create-groups, and sign-ins with the old passwords on the server started afterwards.
const JQ = ["/usr/bin/jq", "/usr/local/bin/jq"].find((p) => fs.existsSync(p));

/** The jq command of docs/operations.md's Keycloak section, from `jq -r '` to `> people.csv`, as written there. */
function documentedKeycloakExport(): string {
  const docs = fs.readFileSync(path.resolve(__dirname, "..", "..", "docs", "operations.md"), "utf8");
  const section = docs.slice(docs.indexOf("### From Keycloak"), docs.indexOf("### From Authentik"));
  const command = section.match(/^jq -r '[\s\S]*?^ {2}\| @csv' export\/acme-realm\.json > people\.csv$/m)?.[0];
  expect(command, "docs/operations.md's Keycloak section has a jq command writing people.csv from export/acme-realm.json").toBeTruthy();
  return command!;
}

test("npm run users -- import takes the CSV the documented jq command writes from a Keycloak realm export", async () => {
  // Never a silent skip: without jq the documented export can't be run, and that is a failure to fix.
  expect(JQ, "needs jq, as the documented export does: install it: apt-get install jq (.ci/run does this).").toBeTruthy();
  test.setTimeout(240_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-users-import-kc-"));
  const kcDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-keycloak-"));
  const first = await startServer({ ENCRYPTION_KEY: KEY }, { dataDir });
  await setUpOwner(first);
  await first.stop();
  const env = { DATA_DIR: dataDir, DATABASE_URL: first.databaseUrl ?? "", ENCRYPTION_KEY: KEY };
  const people = [
    { email: "kira.kc@example.com", username: "kira", firstName: "Kira", lastName: "Keycloak", groups: ["/Ops"], credential: KEYCLOAK.keycloakSha256 },
    { email: "mia.kc@example.com", username: "mia", firstName: "Mia", groups: ["/Eng/Platform"], credential: KEYCLOAK.keycloakSha512 },
    { email: "nia.kc@example.com", username: "nia", groups: [], credential: KEYCLOAK.keycloakArgon2, emailVerified: false },
  ];
  for (const p of people) {
    noteSecret(p.credential.password);
    noteSecret(p.credential.phc);
  }
  const password = (secretData: string, credentialData: string) => ({ id: crypto.randomUUID(), type: "password", userLabel: "My password", createdDate: 1_700_000_000_000, secretData, credentialData });
  const realm = {
    id: crypto.randomUUID(),
    realm: "acme",
    enabled: true,
    users: [
      ...people.map((p) => ({
        id: crypto.randomUUID(),
        createdTimestamp: 1_700_000_000_000,
        username: p.username,
        enabled: true,
        totp: false,
        emailVerified: p.emailVerified ?? true,
        ...(p.firstName ? { firstName: p.firstName } : {}),
        ...(p.lastName ? { lastName: p.lastName } : {}),
        email: p.email,
        // An authenticator app's credential before the password: the export keeps them in one list.
        credentials: [{ id: crypto.randomUUID(), type: "otp", secretData: "{\"value\":\"zq\"}", credentialData: "{\"subType\":\"totp\"}" }, password(p.credential.secretData, p.credential.credentialData)],
        disableableCredentialTypes: [],
        requiredActions: [],
        realmRoles: ["default-roles-acme"],
        notBefore: 0,
        groups: p.groups,
      })),
      // Left out by the command: a client's service account (no password), a disabled person, someone from LDAP.
      { id: crypto.randomUUID(), username: "service-account-grafana", enabled: true, serviceAccountClientId: "grafana", credentials: [], groups: [] },
      { id: crypto.randomUUID(), username: "gone", email: "gone.kc@example.com", enabled: false, credentials: [password(KEYCLOAK.keycloakSha256Short.secretData, KEYCLOAK.keycloakSha256Short.credentialData)] },
      { id: crypto.randomUUID(), username: "ldap.person", email: "ldap.kc@example.com", enabled: true, federationLink: crypto.randomUUID() },
    ],
  };
  fs.mkdirSync(path.join(kcDir, "export"));
  fs.writeFileSync(path.join(kcDir, "export", "acme-realm.json"), JSON.stringify(realm, null, 2));
  try {
    const exported = spawnSync("bash", ["-c", documentedKeycloakExport()], { cwd: kcDir, env: { ...process.env, PATH: `${path.dirname(JQ!)}:${process.env.PATH}` } });
    expect(exported.status, String(exported.stderr)).toBe(0);
    const file = path.join(kcDir, "people.csv");
    const written = fs.readFileSync(file, "utf8");
    expect(written.split("\n")[0]).toBe('"email","email_verified","name","username","password_hash","groups"');
    expect(written).toContain(`"kira.kc@example.com",true,"Kira Keycloak","kira","${KEYCLOAK.keycloakSha256.phc}","Ops"`);
    expect(written).toContain(`"mia.kc@example.com",true,"Mia","mia","${KEYCLOAK.keycloakSha512.phc}","Platform"`);
    expect(written).toContain(`"nia.kc@example.com",false,"","nia","${KEYCLOAK.keycloakArgon2.phc}",""`);
    expect(written.trim().split("\n")).toHaveLength(4);

    const dry = await users(["import", file, "--create-groups"], env);
    expect(dry.code, dry.output).toBe(0);
    expect(dry.output).toContain("line 2: would create kira.kc@example.com: user, username kira, groups Ops, pbkdf2 password");
    expect(dry.output).toContain("line 3: would create mia.kc@example.com: user, username mia, groups Platform, pbkdf2 password");
    expect(dry.output, "Keycloak verified Kira's address").not.toContain("groups Ops, pbkdf2 password, email not verified");
    // Keycloak never verified Nia's address: it comes in unproven.
    expect(dry.output).toContain("line 4: would create nia.kc@example.com: user, username nia, argon2 password, email not verified");
    for (const p of people) expect(dry.output).not.toContain(p.credential.phc);
    const applied = await users(["import", file, "--create-groups", "--apply"], env);
    expect(applied.code, applied.output).toBe(0);
    expect(applied.output).toContain("3 users created, 0 skipped.");

    const second = await startServer({ ENCRYPTION_KEY: KEY, ...(first.databaseUrl ? { DATABASE_URL: first.databaseUrl } : {}) }, { dataDir });
    try {
      expect((await signIn(second, "kira.kc@example.com", `${KEYCLOAK.keycloakSha256.password}x`)).signedIn).toBe(false);
      for (const p of people) await signInOrFail(second, p.email, p.credential.password);
      // Rehashed to argon2id at the first sign-in: the old password goes on working.
      await signInOrFail(second, "kira.kc@example.com", KEYCLOAK.keycloakSha256.password);
    } finally {
      await second.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(kcDir, { recursive: true, force: true });
  }
});

// r46: people without a password (LDAP, an external provider) come over as invites: `--invite-without-password` beside
// the running server, mail off, so --apply prints the link; the invite is the operator's (Team → Invites, the invite
// page), and accepting it makes the member with the row's role and group.
test("npm run users -- import --invite-without-password invites the rows without a hash; the printed link makes the member", async () => {
  test.setTimeout(180_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-users-invite-"));
  const server = await startServer({ ENCRYPTION_KEY: KEY }, { dataDir });
  try {
    const setup = await setUpOwner(server);
    const api = tokenClient(server, setup.personal_access_token);
    const env = { DATA_DIR: dataDir, DATABASE_URL: server.databaseUrl ?? "", ENCRYPTION_KEY: KEY };
    const file = path.join(dataDir, "invite.csv");
    // No password_hash column at all: everyone in it is invited.
    fs.writeFileSync(file, "email,name,role,groups\nivo.cli@example.com,Ivo Invited,admin,Ops\n");

    const refused = await users(["import", file], env);
    expect(refused.code, refused.output).toBe(1);
    expect(refused.output).toContain("a password_hash column is needed (or run with --invite-without-password");

    const dry = await users(["import", file, "--invite-without-password", "--create-groups"], env);
    expect(dry.code, dry.output).toBe(0);
    expect(dry.output).toContain("line 2: would invite ivo.cli@example.com: admin, groups Ops; mail is off: the link is for you to hand over");
    expect(dry.output).not.toContain("lki_");
    const before = await api.get<unknown[]>("/api/users/invites");
    expect(before.body).toEqual([]);

    const applied = await users(["import", file, "--invite-without-password", "--create-groups", "--apply", "--url", server.baseURL], env);
    expect(applied.code, applied.output).toBe(0);
    expect(applied.output).toContain("line 2: invited ivo.cli@example.com");
    expect(applied.output).toContain("0 users created, 1 invite made, 0 skipped.");
    const token = applied.output.match(/line 2, ivo\.cli@example\.com: \S+\/invite\?token=(lki_[0-9A-Za-z]+)/)?.[1];
    expect(token, applied.output).toBeTruthy();
    noteSecret(token!);

    const listed = await api.get<Array<{ email: string; role: string; invited_by: string; auto_groups: string[] }>>("/api/users/invites");
    expect(listed.body).toEqual([expect.objectContaining({ email: "ivo.cli@example.com", role: "admin", invited_by: "the operator (command line)" })]);
    const looked = await call<{ invited_by: string; valid: boolean }>(server, `/api/invites/${token}`);
    expect(looked.body).toMatchObject({ invited_by: "the operator (command line)", valid: true });

    const password = "ivo's passphrase from the printed link";
    noteSecret(password);
    const accepted = await call<{ user_id: string }>(server, `/api/invites/${token}/accept`, { method: "POST", json: { password } });
    expect(accepted.status, accepted.text).toBe(200);
    await signInOrFail(server, "ivo.cli@example.com", password);
    const groups = await api.get<Array<{ id: string; name: string }>>("/api/groups");
    const ops = groups.body.find((g) => g.name === "Ops")!;
    const ivo = await api.get<{ role: string; auto_groups: string[] }>(`/api/users/${accepted.body.user_id}`);
    expect(ivo.body).toMatchObject({ role: "admin", auto_groups: [ops.id] });

    const events = await api.get<Array<{ activity_code: string; initiator_name?: string }>>("/api/events?limit=50");
    expect(events.body.find((e) => e.activity_code === "invite.created")).toMatchObject({ initiator_name: "npm run users" });
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
