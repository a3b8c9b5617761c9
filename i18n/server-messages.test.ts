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
import { inLanguage } from "@/components/ui/use-server-form";
import { Conflict, Invalid, NotFound, type MessageRef } from "@/lib/errors";
import { formStateFromError } from "@/lib/forms/action-errors";
import { SERVER_TEXT_KEYS } from "@/lib/forms/message-keys";
import { groupInputSchema } from "@/lib/groups/schemas";
import { zodToInvalid } from "@/lib/http/validation";
import { passwordResetIpLimit, setupLimit } from "@/lib/security/limits";
import { minutesToWait } from "@/lib/security/rate-limit";
import { createTokenSchema } from "@/lib/tokens/schemas";
import { createUserSchema } from "@/lib/users/schemas";

const english = createTranslator({ locale: "en", messages: en, namespace: "serverMessages" });
const german = createTranslator({ locale: "de", messages: de, namespace: "serverMessages" });
const say = (t: typeof english, ref: MessageRef) => t(ref.key, ref.params as never);

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
    for (const limit of [setupLimit, passwordResetIpLimit]) {
      // setupLimit reads the config: unit-env sets it up.
      const { messageFor, messageKey } = limit();
      for (const seconds of [30, 60, 61, 600]) {
        expect(say(english, { key: messageKey!, params: { minutes: minutesToWait(seconds) } })).toBe(messageFor!(seconds));
      }
    }
  });

  it("the form shows keyed texts in German, generic ones from the forms namespace, others as written", () => {
    const forms = createTranslator({ locale: "de", messages: de, namespace: "forms" });
    const err = new Invalid("Invalid input", { email: ["A user with this email already exists"], name: ["Something only the server knows"] });
    const shown = inLanguage(formStateFromError(err, { email: "ann@example.com" }), forms, german);
    expect(shown.message).toBe("Ungültige Eingabe");
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

describe("activity events through the catalog", () => {
  it("every action and failure reason has its name in both catalogs, English as the API's", async () => {
    const { ACTION_LABELS, FAILURE_REASON_LABELS } = await import("@/lib/audit/actions");
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
  });
});
