import { describe, expect, it } from "vitest";
import de from "@/messages/de.json";
import en from "@/messages/en.json";
import { GENERIC_FORM_MESSAGES, genericMessageKey } from "@/components/ui/generic-messages";
import { localeFromAcceptLanguage } from "./negotiate";

/**
 * Every key path in a catalog ("nav.users"), with the placeholders its message uses: `{name}` or `{name, …}`
 * (a plural branch's text, `=0 {less than a minute ago}`, is no placeholder).
 */
function entries(messages: object, prefix = ""): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, [...value.matchAll(/\{\s*(\w+)\s*(?=[,}])/g)].map((m) => m[1]).sort());
    else for (const [k, v] of entries(value as object, path)) out.set(k, v);
  }
  return out;
}

describe("message catalogs", () => {
  const english = entries(en);
  const german = entries(de);

  it("German has exactly English's keys", () => {
    expect([...german.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it("each German message uses the same placeholders as the English one", () => {
    for (const [key, names] of english) expect({ key, names: german.get(key) }).toEqual({ key, names });
  });

  it("German says one thing with one word: the owner is der Inhaber, never der Eigentümer (review 34)", () => {
    // Team, roles and ownership transfer said Inhaber; five LDAP, email and group messages said Eigentümer.
    const texts = [...german.keys()].map((key) => `${key}: ${getPath(de, key) as string}`);
    expect(texts.filter((text) => /Eigentümer/.test(text))).toEqual([]);
  });

  it("no message is empty", () => {
    for (const [key] of english) expect(key && (getPath(en, key) as string).trim()).toBeTruthy();
    for (const [key] of german) expect(key && (getPath(de, key) as string).trim()).toBeTruthy();
  });
});

function getPath(messages: object, path: string): unknown {
  return path.split(".").reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], messages);
}

describe("the locale from Accept-Language", () => {
  it("picks German for a German browser, by region too", () => {
    expect(localeFromAcceptLanguage("de-DE,de;q=0.9,en;q=0.8")).toBe("de");
    expect(localeFromAcceptLanguage("de-AT")).toBe("de");
  });
  it("follows the browser's preference order", () => {
    expect(localeFromAcceptLanguage("en-US,en;q=0.9,de;q=0.8")).toBe("en");
    expect(localeFromAcceptLanguage("fr-FR,de;q=0.5")).toBe("de");
  });
  it("falls back to English for none, other languages and garbage", () => {
    expect(localeFromAcceptLanguage(null)).toBe("en");
    expect(localeFromAcceptLanguage("fr-FR,ja;q=0.5")).toBe("en");
    expect(localeFromAcceptLanguage(";;;q=zz")).toBe("en");
  });
});

describe("generic form messages", () => {
  it("the server's generic messages are all in the catalog, English word for word", async () => {
    const { Forbidden, Unauthenticated } = await import("@/lib/errors");
    const { zodToInvalid } = await import("@/lib/http/validation");
    const { assertConfirmed } = await import("@/lib/forms/action-errors");
    const { z } = await import("zod");
    const mismatch = (() => {
      const data = new FormData();
      data.set("password", "a");
      data.set("confirm_password", "b");
      try {
        assertConfirmed(data, "password");
      } catch (err) {
        return err as { message: string; fieldErrors: Record<string, string[]> };
      }
      throw new Error("no mismatch");
    })();
    const fromServer = [
      new Forbidden().message,
      new Unauthenticated().message,
      zodToInvalid(z.object({ a: z.string() }).safeParse({}).error!).message,
      mismatch.message,
      mismatch.fieldErrors.confirm_password[0],
    ];
    for (const message of fromServer) {
      const key = genericMessageKey(message);
      expect(key, message).toBeDefined();
      expect(en.forms[key!]).toBe(message);
    }
    for (const [message, key] of Object.entries(GENERIC_FORM_MESSAGES)) expect(en.forms[key]).toBe(message);
  });
});
