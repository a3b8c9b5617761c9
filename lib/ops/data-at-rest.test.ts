import { format } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SMTPServer } from "smtp-server";
import { config } from "@/lib/config";
import { deliverOutbox, outboxIdle } from "@/lib/data/outbox";
import { writeSystem } from "@/lib/data/unit-of-work";
import { createApplication } from "@/lib/applications/applications";
import { createApplicationSchema } from "@/lib/applications/schemas";
import { createGroup } from "@/lib/groups/groups";
import { groupInputSchema } from "@/lib/groups/schemas";
import { handleOidcSignIn } from "@/lib/idp/oidc";
import { saveLdapSource } from "@/lib/idp/ldap/source";
import { createProvider } from "@/lib/idp/providers";
import { providerInputSchema } from "@/lib/idp/schemas";
import { createInvite } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { saveMailSettings } from "@/lib/mail/settings";
import { confirmTotpSetup, startTotpSetup } from "@/lib/mfa/factors";
import { finishPasskeyRegistration, startPasskeyRegistration } from "@/lib/mfa/passkeys";
import { totpCode } from "@/lib/mfa/totp";
import { OidcAdapter } from "@/lib/oidc/adapter";
import { createSession } from "@/lib/sessions/sessions";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { createAccessToken } from "@/lib/tokens/personal-tokens";
import { createUser as createUserService } from "@/lib/users/lifecycle";
import { createUserSchema } from "@/lib/users/schemas";
import { requestEmailChange } from "@/lib/users/email-change";
import { createPasswordResetLink, passwordResetRequestsIdle, requestPasswordReset } from "@/lib/users/password-reset";
import { describeSightings, scanDatabase, scanFiles, scanText, type Sighting } from "@/test/at-rest-scan";
import { createAccount, createUser, startSession, type TestUser } from "@/test/factories";
import { sqlite } from "@/test/factories";
import { softwarePasskey } from "@/test/software-authenticator";
import { testDatabase } from "@/test/test-database";

/*
 * Review 17: an attacker with a copy of the database or the data directory, but not the encryption key. Every
 * feature is used with distinctive markers, then every column of every table and every file in DATA_DIR is
 * searched for them, as they are and base64/hex-decoded. What the product keeps sealed or hashed must not show;
 * what docs/security.md ("What a copy of the data holds") says is kept in the clear is listed below, and
 * nothing else may be.
 */
const PASSWORD = "zq owner passphrase that is long";
const IP = "198.51.100.173";
const AGENT = "ZqmarkerAgent/7.3 (data at rest)";
const m = {
  ownerEmail: "zq-marker-mail-1@example.com",
  ownerName: "Zqmarker Name 1",
  ownerUsername: "zqmarkeruser1",
  userEmail: "zq-marker-mail-2@example.com",
  userName: "Zqmarker Name 2",
  userUsername: "zqmarkeruser2",
  inviteEmail: "zq-marker-mail-3@example.com",
  inviteName: "Zqmarker Name 3",
  oidcEmail: "zq-marker-mail-4@example.com",
  oidcName: "Zqmarker Name 4",
  oidcSubject: "zqmarker-subject-4",
  unknownEmail: "zq-marker-mail-5@example.com",
  bounceEmail: "Zq-Marker-Bounce-6@Example.com",
  smtpPassword: "zqmarker-smtp-password",
  idpSecret: "zqmarker-idp-client-secret",
  bindPassword: "zqmarker-bind-password",
  ip: IP,
  agent: "ZqmarkerAgent",
  grantClaim: "zqmarker-grant-claim",
  newEmail: "zq-marker-mail-7@example.com",
  userCode: "ZQMK-WXYZ",
  deviceCode: "zqmarker-device-code-secret",
  accessTokenId: "zqmarker-opaque-access-token",
  passkeyName: "Zqmarker Passkey 8",
};
/** Names an admin gives to configuration (groups, apps, tokens, providers): kept in the clear by design. */
const c = {
  group: "zqmarker-group",
  token: "zqmarker-token",
  app: "zqmarker-app",
  idp: "zqmarker-provider",
  idpClient: "zqmarker-client-id",
  bindDn: "cn=zqmarker-bind",
};
/** Secrets shown once, filled in as they are issued: never stored as they are. */
const issued: Record<string, string> = {};

/**
 * Kept in the clear by design (docs/security.md, "What a copy of the data holds"): where, and which marker. The
 * SQLite file and its WAL hold whatever a column holds.
 */
const IN_THE_CLEAR: ReadonlyArray<readonly [where: string, marker: string]> = [
  ["groups.name", c.group],
  ["access_tokens.name", c.token],
  ["applications.name", c.app],
  ["identity_providers.name", c.idp],
  ["identity_providers.client_id", c.idpClient],
  ["ldap_sources.bind_dn", c.bindDn],
  // What a configuration change was: the names an admin gave, never a person's.
  ["activity_events.details", c.idp],
  ["activity_events.details", c.idpClient],
  ["activity_events.details", c.bindDn],
];

/** The sightings the list above doesn't allow. */
function unexpected(found: readonly Sighting[]): string[] {
  const allowed = new Set(IN_THE_CLEAR.map(([where, marker]) => `${where}: ${marker}`));
  const allowedInFile = new Set(IN_THE_CLEAR.map(([, marker]) => marker));
  return describeSightings(
    found.filter((s) => !allowed.has(`${s.where}: ${s.marker}`) && !(/^file latchkey\.db(-wal)?$/.test(s.where) && allowedInFile.has(s.marker))),
  );
}

let smtp: SMTPServer;
let smtpPort = 0;

beforeAll(async () => {
  // A mail server that accepts everyone but one address, rejected as Postfix does: naming it in the reply.
  smtp = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.toLowerCase().includes("bounce")) {
        const err = new Error(`5.1.1 <${address.address.toLowerCase()}>: Recipient address rejected: User unknown`) as Error & { responseCode: number };
        err.responseCode = 550;
        callback(err);
      } else callback();
    },
    onData(stream, _session, callback) {
      stream.on("data", () => undefined);
      stream.on("end", () => callback());
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
  smtpPort = (smtp.server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

async function plantMarkers(): Promise<void> {
  const meta = { ip: IP, userAgent: AGENT };
  const accountId = await createAccount();
  const owner: TestUser = await createUser(accountId, { role: "owner", email: m.ownerEmail, name: m.ownerName, username: m.ownerUsername, password: PASSWORD });
  const ownerActor = await startSession(owner);
  // A session made by a browser: its address and user agent.
  await writeSystem((tx) => createSession(tx, owner, "password", meta));

  await saveMailSettings(
    ownerActor,
    { host: "127.0.0.1", port: smtpPort, security: "none", username: "", password: m.smtpPassword, from_address: "latchkey@example.com", public_url: "https://team.example.com", current_password: PASSWORD } as never,
    meta,
  );
  const group = await createGroup(ownerActor, groupInputSchema.parse({ name: "zqmarker-group" }), meta);
  const created = await createUserService(
    ownerActor,
    createUserSchema.parse({ email: m.userEmail, name: m.userName, username: m.userUsername, role: "user", auto_groups: [group.id] }),
    meta,
  );
  issued.generatedPassword = created.password ?? "";
  const invite = await createInvite(ownerActor, createInviteSchema.parse({ email: m.inviteEmail, name: m.inviteName, role: "user", expires_in: 86_400, send_email: true }), meta);
  issued.inviteToken = invite.token;
  const token = await createAccessToken(ownerActor, owner.id, { name: c.token, expires_in: 30 }, meta, { password: PASSWORD });
  issued.accessToken = token.plain;
  const app = await createApplication(ownerActor, createApplicationSchema.parse({ name: c.app, type: "web", redirect_uris: ["https://app.example.com/cb"] }), meta);
  issued.clientSecret = app.clientSecret ?? "";
  const provider = await createProvider(
    ownerActor,
    providerInputSchema.parse({ type: "oidc", name: c.idp, issuer: "https://idp.example.com", client_id: c.idpClient, client_secret: m.idpSecret, signup_policy: "open" }),
    meta,
  );
  await saveLdapSource(
    ownerActor,
    { enabled: false, url: "ldaps://ldap.example.com:636", bind_dn: `${c.bindDn},dc=example,dc=com`, bind_password: m.bindPassword, search_base: "ou=people,dc=example,dc=com", auto_create: true, default_role: "user" },
    meta,
  );
  await handleOidcSignIn(provider.id, { sub: m.oidcSubject, email: m.oidcEmail, email_verified: true, name: m.oidcName }, meta);

  // Two-factor: the authenticator's secret and the recovery codes.
  const setup = await startTotpSetup(ownerActor, { password: PASSWORD }, meta);
  issued.totpSecret = setup.secret;
  const codes = (await confirmTotpSetup(ownerActor, { code: totpCode(setup.secret, new Date()) }, meta)) ?? [];
  codes.forEach((code, i) => (issued[`recoveryCode${i}`] = code));
  // A passkey: its name and public key.
  const authenticator = softwarePasskey(owner.id);
  const options = await startPasskeyRegistration(ownerActor, { password: PASSWORD }, meta);
  await finishPasskeyRegistration(ownerActor, { name: m.passkeyName, response: authenticator.register(options, "https://team.example.com") }, meta);

  // Sign-ins that fail: a wrong password, an unknown address (the activity log and the throttle).
  await signInWithPassword(m.ownerEmail, "not the passphrase at all", meta).catch(() => undefined);
  await signInWithPassword(m.unknownEmail, "not the passphrase at all", meta).catch(() => undefined);

  // Password reset: a link made by an admin, one by mail (sent), one to an address the mail server rejects.
  issued.resetToken = (await createPasswordResetLink(ownerActor, created.user.id, meta)).token;
  await requestPasswordReset(m.userEmail, meta);
  await passwordResetRequestsIdle();
  const bouncing = await createUser(accountId, { email: m.bounceEmail, name: "Bounce Person" });
  await requestPasswordReset(bouncing.email, { ...meta, ip: "198.51.100.174" });
  await passwordResetRequestsIdle();
  await outboxIdle();
  await deliverOutbox({ now: new Date(Date.now() + 3_600_000) });

  // A change of one's own email, waiting for its confirmation.
  await requestEmailChange(await startSession(created.user as never), { email: m.newEmail, current_password: issued.generatedPassword }, meta).catch((err: unknown) => {
    throw new Error(`email change: ${String(err)}`);
  });
  await outboxIdle();

  // The OpenID provider's grant: claims and the person's id (sealed payload).
  await new OidcAdapter("Grant").upsert("zq-grant", { accountId: owner.id, clientId: app.application.clientId, openid: { scope: "openid", claims: [m.grantClaim] } } as never, 3600);
  await new OidcAdapter("DeviceCode").upsert(m.deviceCode, { accountId: owner.id, clientId: app.application.clientId, userCode: m.userCode, params: { client_id: app.application.clientId, scope: "openid" } } as never, 600);
  await new OidcAdapter("AccessToken").upsert(m.accessTokenId, { accountId: owner.id, clientId: app.application.clientId, grantId: "zq-grant", scope: "openid" } as never, 600);
}

describe("what a copy of the data holds", () => {
  it("shows no personal data or secret in the clear beyond what docs/security.md lists", { timeout: 60_000 }, async () => {
    // What the process writes to its console meanwhile (the server's log output).
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(format(...args))),
    );
    try {
      await plantMarkers();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    // Everything was issued (a secret left out would be searched for as nothing).
    for (const [what, value] of Object.entries(issued)) expect(value?.length ?? 0, what).toBeGreaterThanOrEqual(8);
    expect(Object.keys(issued).filter((k) => k.startsWith("recoveryCode")).length).toBeGreaterThan(0);
    const markers = [...Object.values(m), ...Object.values(c), ...Object.values(issued)];
    if (testDatabase() === "sqlite") sqlite().pragma("wal_checkpoint(PASSIVE)");
    const found = [...(await scanDatabase(markers)), ...scanFiles(config().dataDir, markers).map((s) => ({ ...s, where: `file ${s.where}` })), ...scanText("console", logged.join("\n"), markers)];
    expect(unexpected(found)).toEqual([]);
    // The list is exact, and the scan reads every table: each value kept in the clear by design is seen where listed.
    const seen = new Set(found.map((s) => `${s.where}: ${s.marker}`));
    expect(IN_THE_CLEAR.map(([where, marker]) => `${where}: ${marker}`).filter((entry) => !seen.has(entry))).toEqual([]);
  });
});
