/**
 * Server messages in the person's language (lib/forms/message-keys.ts): each
 * keyed text reads in the English catalog exactly as the server writes it,
 * real refusals (schemas, conflicts, rate limits) arrive in form state with
 * their keys, and the form shows them in German, or as written when unkeyed.
 */
import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import de from "@/messages/de.json";
import en from "@/messages/en.json";
import { loadServerMessages, needsServerMessages, NO_SERVER_MESSAGES } from "@/components/ui/server-messages";
import { inLanguage } from "@/components/ui/use-server-form";
import { Conflict, Invalid, NotFound, sayMessage, type MessageRef } from "@/lib/errors";
import { formStateFromError } from "@/lib/forms/action-errors";
import { SERVER_TEXT_KEYS } from "@/lib/forms/message-keys";
import { groupInputSchema } from "@/lib/groups/schemas";
import { zodToInvalid } from "@/lib/http/validation";
import { passwordResetIpLimit, setupLimit, testEmailLimit } from "@/lib/security/limits";
import { minutesToWait } from "@/lib/security/rate-limit";
import { tooManyWrongCodes } from "@/lib/mfa/code-guesses";
import { createTokenSchema } from "@/lib/tokens/schemas";
import { createUserSchema } from "@/lib/users/schemas";

const english = createTranslator({ locale: "en", messages: en, namespace: "serverMessages" });
const german = createTranslator({ locale: "de", messages: de, namespace: "serverMessages" });
const say = (t: typeof english, ref: MessageRef) => sayMessage(t as never, ref);

function invalidOf(schema: z.ZodType, value: unknown): Invalid {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error("expected a refusal");
  return zodToInvalid(parsed.error);
}

describe("server messages through the catalog", () => {
  it("every fixed text reads in the English catalog word for word", () => {
    for (const [text, ref] of Object.entries(SERVER_TEXT_KEYS)) expect(say(english, ref), ref.key).toBe(text);
  });

  it("a refused user, group and token form carries keys for its field messages, English as the API's", () => {
    const refusals = [
      invalidOf(createUserSchema, { email: "not-an-email", role: "user", username: "a b" }),
      invalidOf(groupInputSchema, { name: "x".repeat(65) }),
      invalidOf(createTokenSchema, { name: "", expires_in: 0 }),
    ];
    for (const err of refusals) {
      const state = formStateFromError(err);
      const texts = Object.values(state.fieldErrors ?? {}).flat();
      expect(texts.length).toBeGreaterThan(0);
      for (const text of texts) {
        const ref = state.messageKeys?.[text];
        expect(ref, text).toBeDefined();
        expect(say(english, ref!)).toBe(text);
        expect(say(german, ref!)).not.toBe(text);
      }
    }
  });

  it("a text with values is keyed where it is thrown, with its values as params", () => {
    const err = new Conflict('A token named "ci" already exists for this user').keyed("tokenNameTaken", { name: "ci" });
    const state = formStateFromError(err);
    expect(state.message).toBe('A token named "ci" already exists for this user');
    expect(state.messageKeys?.[state.message!]).toEqual({ key: "tokenNameTaken", params: { name: "ci" } });
    expect(say(english, state.messageKeys![state.message!])).toBe(state.message);
  });

  it("rate limit refusals name the wait in the catalog as the server does", () => {
    for (const limit of [setupLimit, passwordResetIpLimit, testEmailLimit]) {
      // setupLimit reads the config: unit-env sets it up.
      const { messageFor, messageKey } = limit();
      for (const seconds of [30, 60, 61, 600]) {
        expect(say(english, { key: messageKey!, params: { minutes: minutesToWait(seconds) } })).toBe(messageFor!(seconds));
      }
    }
  });

  it("too many wrong codes at a proof (review 43): the catalog reads as the server writes it, and in German", () => {
    for (const seconds of [30, 61, 86_400]) {
      const refusal = tooManyWrongCodes(seconds);
      const ref = refusal.messageKeys[refusal.message];
      expect(say(english, ref)).toBe(refusal.message);
      expect(say(german, ref)).toMatch(/^Zu viele falsche Codes\. Versuchen Sie es in [\d.]+ Minuten? erneut\.$/);
    }
  });

  it("the form shows keyed texts in German, generic ones from the forms namespace, others as written", () => {
    const forms = createTranslator({ locale: "de", messages: de, namespace: "forms" });
    const err = new Invalid("Invalid input", { email: ["A user with this email already exists"], name: ["Something only the server knows"] });
    const shown = inLanguage(formStateFromError(err, { email: "ann@example.com" }), forms, german);
    // A schema's "Invalid input" about a field the form shows points at the field; about none, it stays.
    expect(shown.message).toBe("Bitte korrigieren Sie die markierten Felder");
    expect(inLanguage(formStateFromError(err), forms, german).message).toBe("Ungültige Eingabe");
    expect(shown.fieldErrors).toEqual({ email: ["Es gibt bereits einen Benutzer mit dieser E-Mail-Adresse"], name: ["Something only the server knows"] });
    expect(shown.values).toEqual({ email: "ann@example.com" });
    expect(inLanguage(formStateFromError(new NotFound("Group")), forms, german).message).toBe("Gruppe nicht gefunden");
  });

  it("an error without a key keeps its English message, in the form and the API", () => {
    const state = formStateFromError(new Conflict("Nothing in the catalog says this"));
    expect(state.messageKeys).toBeUndefined();
    expect(state.message).toBe("Nothing in the catalog says this");
  });
});

describe("refusals with values, keyed where they are made", () => {
  it("a weak password's reason: English as the API's, German in the form, for every zxcvbn warning and suggestion", async () => {
    const { PASSWORD_FEEDBACK, feedbackEnglish } = await import("@/lib/passwords/feedback");
    const { FEEDBACK_KEYS } = await import("@/lib/passwords/feedback-keys");
    for (const section of ["warnings", "suggestions"] as const) {
      const keys = FEEDBACK_KEYS[section] as Record<string, string>;
      expect(Object.keys(keys).sort(), section).toEqual(Object.keys(PASSWORD_FEEDBACK[section]).sort());
      for (const key of Object.values(keys)) {
        expect(english(key as never), key).toBe(feedbackEnglish(key as never));
        expect(german(key as never), key).not.toBe(english(key as never));
      }
    }
    const { assertPasswordAllowed } = await import("@/lib/passwords/policy");
    const refused = await assertPasswordAllowed("lovelace!", { name: "Ada Lovelace" }, "password").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Invalid);
    const state = formStateFromError(refused);
    const [text] = state.fieldErrors!.password;
    expect(say(english, state.messageKeys![text])).toBe(text);
    const forms = createTranslator({ locale: "de", messages: de, namespace: "forms" });
    const shown = inLanguage(state, forms, german).fieldErrors!.password[0];
    expect(shown).toMatch(/^Es enthält Ihren Namen/);
    expect(shown).not.toBe(text);
  });

  it("LDAP and discovery test results: English as before, German from the catalog", async () => {
    const { ldapReason } = await import("@/lib/idp/ldap/directory");
    const { OutboundAddressRefused } = await import("@/lib/security/outbound-guard");
    const config = { url: "ldap://127.0.0.1:389", bindDn: "cn=admin,dc=example,dc=org", searchBase: "ou=people,dc=example,dc=org" };
    const errors: unknown[] = [
      Object.assign(new Error("getaddrinfo"), { code: "ENOTFOUND" }),
      new Error("ECONNREFUSED"),
      new OutboundAddressRefused("internal"),
      new OutboundAddressRefused("metadata"),
    ];
    for (const err of errors) {
      const { message, ref } = ldapReason(err, config);
      expect(say(english, ref)).toBe(message);
      expect(say(german, ref)).not.toBe(message);
    }
    const connected = { key: "ldapConnected", params: { url: config.url, startTls: "no", bound: config.bindDn, users: { key: "ldapUsers", params: { count: 1 } }, base: config.searchBase } } as const;
    expect(say(english, connected)).toBe(`Connected to ldap://127.0.0.1:389, bound as ${config.bindDn}; the user filter finds 1 user under ${config.searchBase}.`);
    expect(say(german, connected)).toBe(`Verbunden mit ldap://127.0.0.1:389, angemeldet als ${config.bindDn}; der Benutzerfilter findet 1 Benutzer unter ${config.searchBase}.`);
    const anonymous = { key: "ldapConnected", params: { ...connected.params, startTls: "yes", bound: { key: "ldapAnonymous" }, users: { key: "ldapManyUsers" } } } as const;
    expect(say(english, anonymous)).toBe(`Connected to ldap://127.0.0.1:389 (StartTLS), bound as anonymous; the user filter finds 1000 or more users under ${config.searchBase}.`);
    const { fetchDiscovery } = await import("@/lib/idp/discovery");
    const result = await fetchDiscovery("http://127.0.0.1:9/", { allowInternal: false }, 1000);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(say(english, result.ref)).toBe(result.message);
      expect(say(german, result.ref)).toMatch(/Interne Adressen erlauben/);
    }
  });

  it("an application's redirect URI problems and lifetimes are keyed", async () => {
    const { createApplicationSchema } = await import("@/lib/applications/schemas");
    const { readApplicationForm } = await import("@/lib/applications/form-input");
    const err = invalidOf(createApplicationSchema, { name: "App", type: "web", redirect_uris: ["http://app.example.com/cb", "https://a.example.com/#x", "https://a.example.com/#x"] });
    const data = new FormData();
    data.set("access_token_ttl_minutes", "0");
    data.set("refresh_token_ttl_days", "1.5");
    const form = new Invalid("Please fix the highlighted fields", readApplicationForm(data).problems);
    for (const refused of [err, form]) {
      const state = formStateFromError(refused);
      const texts = Object.values(state.fieldErrors ?? {}).flat();
      expect(texts.length).toBeGreaterThan(1);
      for (const text of texts) {
        const ref = state.messageKeys?.[text];
        expect(ref, text).toBeDefined();
        expect(say(english, ref!)).toBe(text);
        expect(say(german, ref!)).not.toBe(text);
      }
    }
  });
});

describe("activity events through the catalog", () => {
  it("every action and failure reason has its name in both catalogs, English as the API's", async () => {
    const { ACTION_LABELS, FAILURE_REASON_LABELS } = await import("@/lib/audit/action-labels");
    const { actionKey } = await import("@/components/activity/format");
    const keys = Object.keys(ACTION_LABELS).map(actionKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const [code, label] of Object.entries(ACTION_LABELS)) {
      expect((en.events.actions as Record<string, string>)[actionKey(code)], code).toBe(label);
      expect((de.events.actions as Record<string, string>)[actionKey(code)], code).toBeTruthy();
    }
    for (const [reason, label] of Object.entries(FAILURE_REASON_LABELS)) expect((en.events.reasons as Record<string, string>)[reason], reason).toBe(label);
  });

  it("a failed sign-in reads in German, with its reason and before → after details", async () => {
    const { actionName, detailLines } = await import("@/components/activity/format");
    const t = createTranslator({ locale: "de", messages: de, namespace: "events" });
    const event = {
      action: "user.login.failed",
      actionLabel: "Sign-in failed",
      details: { reason: "wrong_password", role: { from: "user", to: "admin" }, auto_groups: { from: [], to: ["g1"] } },
      privateDetails: null,
    } as unknown as Parameters<typeof detailLines>[1];
    expect(actionName(t, event.action, event.actionLabel)).toBe("Anmeldung fehlgeschlagen");
    expect(actionName(t, "brand.new", "Brand new")).toBe("Brand new");
    expect(detailLines(t, event, new Map([["g1", "Ops"]]))).toEqual(["Grund: Falsches Passwort", "Rolle: user → admin", "Gruppen: keine → Ops"]);
    // With the roles' names (the activity page passes them): role codes in the viewer's language.
    const team = createTranslator({ locale: "de", messages: de, namespace: "team" });
    const { roleName } = await import("@/components/roles/role-names");
    const roles = (id: string) => roleName(team, { id, name: id });
    expect(detailLines(t, event, new Map([["g1", "Ops"]]), roles)).toContain("Rolle: Benutzer → Administrator");
    const invited = { ...event, details: { role: "auditor", roles: ["admin", "helpdesk"] } } as typeof event;
    expect(detailLines(t, invited, undefined, roles)).toEqual(["Rolle: Prüfer", "Rollen: Administrator, helpdesk"]);
  });
});

describe("the last refusals a form can show, keyed", () => {
  /** Every field message and the message of each refusal: keyed, English as the server's, German different. */
  function expectKeyed(refusals: unknown[]): number {
    let count = 0;
    for (const err of refusals) {
      const state = formStateFromError(err);
      const texts = [...Object.values(state.fieldErrors ?? {}).flat(), ...(state.message && !["Invalid input", "Please fix the highlighted fields"].includes(state.message) ? [state.message] : [])];
      expect(texts.length).toBeGreaterThan(0);
      for (const text of texts) {
        const ref = state.messageKeys?.[text];
        expect(ref, text).toBeDefined();
        expect(say(english, ref!)).toBe(text);
        expect(say(german, ref!), text).not.toBe(text);
        count++;
      }
    }
    return count;
  }

  it("the sign-in settings' forms (provider, LDAP, proxy header): every field message, labels in German", async () => {
    const { ldapInputSchema, providerInputSchema, trustedHeaderInputSchema } = await import("@/lib/idp/schemas");
    const ldap = invalidOf(ldapInputSchema, {
      url: "ldap://dir.example.com",
      bind_dn: "",
      search_base: "",
      user_filter: "uid",
      group_filter: "(cn=x)",
      username_attribute: "1uid",
      email_attribute: "",
      group_mapping: [{ ldap_group: "", group_id: "" }],
      default_role: "owner",
      tls_ca_certificate: "-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----",
    });
    const header = invalidOf(trustedHeaderInputSchema, { enabled: true, trusted_ranges: ["0.0.0.0/0", "8.8.8.0/24"], user_header: "bad header", email_header: "x".repeat(101) });
    const provider = invalidOf(providerInputSchema, { type: "oidc", name: "", issuer: "https://me:pw@id.example.com", client_id: "", scopes: "openid a\"b", signup_policy: "existing", allow_linking: false });
    expect(expectKeyed([ldap, header, provider])).toBeGreaterThanOrEqual(15);
    const shown = inLanguage(formStateFromError(ldap), createTranslator({ locale: "de", messages: de, namespace: "forms" }), german);
    expect(shown.fieldErrors?.bind_dn).toEqual(["„Bind-DN“ ist erforderlich"]);
    expect(shown.fieldErrors?.user_filter).toContain("„Benutzerfilter“ muss {username} enthalten");
    expect(inLanguage(formStateFromError(header), createTranslator({ locale: "de", messages: de, namespace: "forms" }), german).fieldErrors?.trusted_ranges?.[0]).toMatch(/^0\.0\.0\.0\/0 umfasst alle Adressen/);
  });

  it("mail settings, two-factor policy and codes, roles, people: every field message", async () => {
    const { mailSettingsInputSchema } = await import("@/lib/mail/schemas");
    const { securityPolicySchema } = await import("@/lib/mfa/policy");
    const { totpCodeSchema } = await import("@/lib/mfa/factors");
    const { roleInputSchema } = await import("@/lib/roles/schemas");
    expectKeyed([
      invalidOf(mailSettingsInputSchema, { host: "bad host!", port: 0, security: "ssl", from_address: "nope", public_url: "ftp://x", from_name: "x".repeat(121) }),
      invalidOf(securityPolicySchema, { require_for: "some", grace_days: -1 }),
      invalidOf(securityPolicySchema, { require_for: "everyone", grace_days: 1.5 }),
      invalidOf(totpCodeSchema, { code: "12" }),
      invalidOf(roleInputSchema, { name: "Helpdesk", description: "x".repeat(501), permissions: ["users:read", "users:fly"] }),
      invalidOf(createUserSchema, { email: "a@example.com", role: "boss" }),
    ]);
  });

  it("refusals with values: keyed where thrown, their values in both languages", async () => {
    const { assertMayGrant, assertValidCustomRole } = await import("@/lib/auth/escalation");
    const actor = { kind: "session", accountId: "a", userId: "u", role: "user", sessionId: "s", mustChangePassword: false } as never;
    const refused = [
      (() => { try { assertMayGrant(actor, ["users:delete"]); } catch (e) { return e; } })(),
      (() => { try { assertValidCustomRole(actor, ["settings:email"]); } catch (e) { return e; } })(),
      new Invalid("Unknown group", { auto_groups: ["Unknown group ID: g1, g2"] }).keyed("unknownGroupIds", { ids: "g1, g2" }, "Unknown group ID: g1, g2"),
    ];
    expect(refused[0]).toBeInstanceOf(Error);
    expect(expectKeyed(refused)).toBeGreaterThanOrEqual(3);
    expect(say(german, formStateFromError(refused[0]).messageKeys![(refused[0] as Error).message])).toBe(
      "Sie können keine Berechtigungen vergeben, die Sie selbst nicht haben: users:delete",
    );
  });

  it("the constants services throw read in the table as they are", async () => {
    const { INVALID_EMAIL_LINK } = await import("@/lib/users/email-change");
    const { INVALID_RESET_LINK } = await import("@/lib/users/password-reset");
    const { OWN_USERNAME_NOT_ALLOWED } = await import("@/lib/users/own-username");
    for (const text of [INVALID_EMAIL_LINK, INVALID_RESET_LINK, OWN_USERNAME_NOT_ALLOWED]) expect(SERVER_TEXT_KEYS[text], text).toBeDefined();
  });

  it("the success messages the actions build read in English as before", () => {
    expect(english("passwordChangedSignedOut", { tokens: "no" })).toBe("Password changed. Your other sessions have been signed out.");
    expect(english("passwordChangedSignedOut", { tokens: "yes" })).toBe("Password changed. Your other sessions have been signed out and your access tokens revoked.");
    expect(english("resetLinkOnItsWay", { email: "ann@example.com" })).toBe("A link to set a new password is on its way to ann@example.com.");
  });
});

describe("activity detail values through the catalog", () => {
  it("a directory sign-in refused on the certificate says why in the reader's language (r55)", async () => {
    const { detailLines } = await import("@/components/activity/format");
    const url = "ldaps://ldap.example.com:636";
    const event = {
      action: "user.login.failed",
      actionLabel: "Sign-in failed",
      details: {
        reason: "directory_unavailable",
        directory_error: `The certificate of ${url} has expired: renew it on the directory server`,
        directory_error_ref: { key: "ldapCertificateExpired", params: { url } },
      },
      privateDetails: null,
    } as unknown as Parameters<typeof detailLines>[1];
    const events = createTranslator({ locale: "de", messages: de, namespace: "events" });
    const lines = detailLines(events, event, undefined, undefined, (ref) => say(german, ref));
    expect(lines).toContain(`Antwort des Verzeichnisses: Das Zertifikat von ${url} ist abgelaufen: Erneuern Sie es auf dem Verzeichnisserver`);
    expect(lines.join(" ")).not.toContain("ldapCertificateExpired");
    // Without a translator for it (the API's English), the line says what was recorded.
    expect(detailLines(createTranslator({ locale: "en", messages: en, namespace: "events" }), event)).toContain(
      `directory's answer: The certificate of ${url} has expired: renew it on the directory server`,
    );
  });

  it("a retention record says where the chain now starts, not its hash; the integrity check's start messages in both languages", async () => {
    const { detailLines } = await import("@/components/activity/format");
    const hash = "ab".repeat(32);
    const event = {
      action: "activity.pruned",
      actionLabel: "Old activity pruned",
      details: { pruned: 3, retention_days: 30, anchor: { first_seq: 8, prev_hash: hash, pruned_count: 7 } },
      privateDetails: null,
    } as unknown as Parameters<typeof detailLines>[1];
    for (const [messages, line] of [
      [en, "chain now starts at: #8"],
      [de, "Kette beginnt jetzt bei: #8"],
    ] as const) {
      const lines = detailLines(createTranslator({ locale: "en", messages, namespace: "events" }), event);
      expect(lines).toContain(line);
      expect(lines.join(" ")).not.toContain(hash);
    }
    for (const messages of [en, de]) {
      const page = createTranslator({ locale: "en", messages, namespace: "activityPage" });
      expect(page("integrityStartMoved", { seq: "8" })).toContain("#8");
      expect(page("integrityStartUnchecked").length).toBeGreaterThan(20);
    }
  });

  it("factors, methods, types and kinds read in German; the API's codes stay; unknown codes as recorded", async () => {
    const { detailLines, partyTypeName, PROXY_SOURCE_NAME } = await import("@/components/activity/format");
    const { PROXY_SOURCE_NAME: recorded } = await import("@/lib/idp/trusted-header");
    expect(PROXY_SOURCE_NAME).toBe(recorded);
    const t = createTranslator({ locale: "de", messages: de, namespace: "events" });
    const tEn = createTranslator({ locale: "en", messages: en, namespace: "events", timeZone: "UTC" });
    const event = (details: Record<string, unknown>) => ({ action: "user.login", actionLabel: "Signed in", details, privateDetails: null }) as unknown as Parameters<typeof detailLines>[1];
    expect(detailLines(t, event({ method: "password", second_factor: "totp" }))).toEqual(["Methode: Passwort", "zweiter Faktor: Authenticator-App"]);
    expect(detailLines(tEn, event({ method: "password", second_factor: "recovery_code" }))).toEqual(["method: Password", "second factor: Recovery code"]);
    expect(detailLines(t, event({ factor: "passkey", recovery_codes_issued: true }))).toEqual(["Faktor: Passkey", "Wiederherstellungscodes ausgegeben: ja"]);
    expect(detailLines(t, event({ method: "header", provider: PROXY_SOURCE_NAME }))).toEqual(["Methode: Proxy-Header", "Anbieter: Ihr Anmelde-Proxy"]);
    // A directory's saved settings: the changed ones, one line each, not the whole object as JSON.
    const ldap = event({});
    expect(detailLines(tEn, { ...ldap, details: { changed: ["search_base", "auto_create"], config: { url: "ldap://dir.example", search_base: "dc=example,dc=org", auto_create: false } } })).toEqual([
      "user search base: dc=example,dc=org",
      "create users: no",
    ]);
    expect(detailLines(t, { ...ldap, details: { config: { url: "ldap://dir.example", start_tls: true } } })).toEqual(["Server-URL: ldap://dir.example", "StartTLS: ja"]);
    expect(detailLines(t, event({ type: "web", kind: "invite", require_for: { from: "nobody", to: "everyone" } }))).toEqual(["Typ: Web-App", "Art: Einladung", "verlangt für: Niemanden → Alle"]);
    expect(detailLines(t, event({ changes: { enabled: { from: false, to: true }, signup_policy: { from: "existing", to: "open" } } }))).toEqual([
      "eingeschaltet: nein → ja",
      "wer sich registrieren darf: Nur Personen, die ein Administrator angelegt oder eingeladen hat → Alle, die der Anbieter anmeldet",
    ]);
    expect(detailLines(tEn, event({ expires_at: "2026-12-08T09:30:00.000Z", method: "carrier_pigeon" }))).toEqual(["expires at: Dec 8, 2026, 9:30 AM UTC", "method: carrier_pigeon"]);
    expect(detailLines(t, event({ reason: "not_in_allowed_groups" }))).toEqual(["Grund: Nicht in den erlaubten Gruppen der App"]);
    // A refused proof names the change it was for (lib/mfa/proof-texts.ts FACTOR_CHANGES): each one, in both languages.
    const { FACTOR_CHANGES } = await import("@/lib/mfa/proof-texts");
    for (const change of FACTOR_CHANGES) {
      for (const tr of [t, tEn]) expect(detailLines(tr, event({ change }))[0], change).not.toContain(change);
    }
    expect(detailLines(tEn, event({ change: "ownership.transfer", reason: "password" }))[0]).toBe("change: Transferring ownership");
    expect(detailLines(t, event({ change: "ownership.transfer" }))).toEqual(["Änderung: Inhaberschaft übertragen"]);
    expect(partyTypeName(t, "ldap_source")).toBe("LDAP-Verzeichnis");
    expect(partyTypeName(t, "spaceship")).toBe("spaceship");
  });
});

describe("sign-in refusals through the catalog", () => {
  it("each refusal reads in English as lib/idp says it, with a provider's name or the directory", async () => {
    const { REFUSAL_REASONS, refusalMessage, refusalRef } = await import("@/lib/idp/external-sign-in");
    for (const reason of REFUSAL_REASONS) {
      expect(say(english, refusalRef(reason, "Google")), reason).toBe(refusalMessage(reason, "Google"));
      expect(say(english, refusalRef(reason, { key: "sourceDirectory" })), reason).toBe(refusalMessage(reason, "The directory"));
      expect(say(german, refusalRef(reason, { key: "sourceDirectory" })), reason).not.toBe(refusalMessage(reason, "The directory"));
    }
    expect(say(german, refusalRef("no_email", { key: "sourceIdentityProvider" }))).toMatch(/^Der Identitätsanbieter hat keine/);
  });
});

describe("activity group lists", () => {
  it("an app's allowed groups and a created user's groups by the groups' names", async () => {
    const { detailLines } = await import("@/components/activity/format");
    const t = createTranslator({ locale: "de", messages: de, namespace: "events" });
    const event = { action: "application.created", actionLabel: "Application registered", details: { allowed_groups: ["g1", "gone"], auto_groups: ["g1"] }, privateDetails: null } as unknown as Parameters<typeof detailLines>[1];
    expect(detailLines(t, event, new Map([["g1", "Ops"]]))).toEqual(["zugelassene Gruppen: Ops, gone", "automatische Gruppen: Ops"]);
  });
});

describe("activity parties", () => {
  it("a token's actor label says 'token' in the viewer's words; English as recorded", async () => {
    const { partyLabel } = await import("@/components/activity/format");
    const t = createTranslator({ locale: "de", messages: de, namespace: "events" });
    const tEn = createTranslator({ locale: "en", messages: en, namespace: "events" });
    expect(partyLabel(tEn, "token", 'Olive Owner (token "setup")')).toBe('Olive Owner (token "setup")');
    expect(partyLabel(t, "token", 'Olive Owner (token "setup")')).toBe("Olive Owner (Token „setup“)");
    expect(partyLabel(t, "user", 'Olive Owner (token "setup")')).toBe('Olive Owner (token "setup")');
  });
});

describe("the server messages' catalog, loaded on demand by browser code (components/ui/server-messages.ts)", () => {
  it("says a refusal as the whole catalog does, in the person's language, plurals included", async () => {
    const loaded = await loadServerMessages("de");
    const forms = createTranslator({ locale: "de", messages: de, namespace: "forms" });
    const state = formStateFromError(new Invalid("Invalid input", { email: ["A user with this email already exists"] }), {});
    expect(needsServerMessages(state)).toBe(true);
    expect(inLanguage(state, forms, loaded)).toEqual(inLanguage(state, forms, german));
    const ref = { key: "tooManyAttempts", params: { minutes: 1 } } as const;
    expect(say(loaded, ref)).toBe(say(german, ref));
    expect(say(loaded, ref)).not.toBe(say(english, ref));
  });

  it("loads each language once, falls back to English for an unknown one, and needs no catalog for an unkeyed state", async () => {
    expect(loadServerMessages("de")).toBe(loadServerMessages("de"));
    const fallback = await loadServerMessages("xx");
    expect(fallback("tokenDeleted")).toBe(english("tokenDeleted"));
    expect(needsServerMessages(formStateFromError(new Conflict("Nothing in the catalog says this")))).toBe(false);
    expect(needsServerMessages({ status: "error", message: "x", messageKeys: {} })).toBe(false);
  });
});

describe("without the server messages' catalog (it could not load)", () => {
  it("a keyed text reads as the server wrote it, a generic one still from the forms namespace", () => {
    const forms = createTranslator({ locale: "de", messages: de, namespace: "forms" });
    const state = formStateFromError(new Invalid("Invalid input", { email: ["A user with this email already exists"] }), {});
    const shown = inLanguage(state, forms, NO_SERVER_MESSAGES);
    expect(shown.message).toBe("Ungültige Eingabe");
    expect(shown.fieldErrors).toEqual({ email: ["A user with this email already exists"] });
  });
});
