/**
 * People's names are one line of visible text (lib/format/display-text.ts). A member who may invite set their
 * name to "Olga\n\nYour account will be closed. Verify at https://evil…", and every invite mail they sent
 * carried that paragraph; a bidi override makes a name read as another's. Typed names (users, invites,
 * setup, Profile) are refused with a message on the field; names from a directory, an identity provider or
 * the proxy header are cleaned instead (lib/idp/external-names.test.ts).
 */
import { describe, expect, it } from "vitest";
import { Invalid } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { createInviteSchema } from "@/lib/invites/schemas";
import { setupInputSchema } from "@/lib/setup/setup";
import { appearanceInputSchema } from "@/lib/appearance/settings";
import { NAME_UNSAFE_CHARACTERS } from "./fields";
import { ownNameSchema } from "./profile";
import { createUserSchema, updateUserSchema } from "./schemas";

const PHISHING = "Olga\n\nYour account will be closed. Verify at https://evil.example/verify";
const UNSAFE = [PHISHING, "Olga\tPetrova", "Olga\r\nPetrova", "Olga\u2028Petrova", "\u202Eavortep aglO", "Olga \u2066Admin\u2069", "Olga\u0085Petrova"];

function nameErrors(parse: () => unknown): string[] | undefined {
  try {
    parse();
  } catch (err) {
    if (err instanceof Invalid) return err.fieldErrors.name;
    throw err;
  }
  return undefined;
}

describe("a typed name", () => {
  const inputs: [string, (name: string) => unknown][] = [
    ["Profile", (name) => parseOrThrow(ownNameSchema, { name })],
    ["Add user", (name) => parseOrThrow(createUserSchema, { email: "olga@example.com", name, role: "user" })],
    ["Edit user", (name) => parseOrThrow(updateUserSchema.partial(), { name })],
    ["Invite", (name) => parseOrThrow(createInviteSchema, { email: "olga@example.com", name, role: "user" })],
    ["Setup", (name) => parseOrThrow(setupInputSchema, { email: "olga@example.com", password: "a long and unusual passphrase", name })],
  ];

  it.each(inputs)("%s refuses line breaks, tabs, separators and direction overrides, saying why", (_, parse) => {
    for (const name of UNSAFE) expect(nameErrors(() => parse(name)), JSON.stringify(name)).toEqual([NAME_UNSAFE_CHARACTERS]);
    expect(NAME_UNSAFE_CHARACTERS).toBe("A name can't contain line breaks, tabs or invisible direction marks");
  });

  it.each(inputs)("%s keeps ordinary names, any script, and trims the edges", (_, parse) => {
    for (const name of ["Olga Petrova", "José Núñez-O'Brien", "李小龍", "محمد علي", "  Olga\n"]) expect(nameErrors(() => parse(name)), name).toBeUndefined();
  });

  // Profile let a person blank their own name, which the admin's Edit user refuses: one rule for both.
  it.each(inputs.filter(([form]) => form === "Profile" || form === "Edit user"))("%s refuses a blank name at the field", (_, parse) => {
    for (const name of ["", "   "]) expect(nameErrors(() => parse(name)), JSON.stringify(name)).toEqual(["Name is required"]);
  });

  it("the instance's name keeps the same rule, with its own message", () => {
    for (const name of UNSAFE.slice(1)) {
      expect(nameErrors(() => parseOrThrow(appearanceInputSchema, { name })), JSON.stringify(name)).toEqual(["Name must not contain control characters"]);
    }
  });
});
