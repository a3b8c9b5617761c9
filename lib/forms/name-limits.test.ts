/**
 * The names whose inputs carry no maxLength (components/ui/text-field.tsx: the browser cut a pasted name short
 * without a word): the hint says the limit from the same constant the schema refuses with, and a longer name
 * is refused at its field, with the limit in the message, while the form keeps what was typed.
 */
import { describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { APPLICATION_NAME_MAX, createApplicationSchema } from "@/lib/applications/schemas";
import { GROUP_NAME_MAX, groupInputSchema } from "@/lib/groups/schemas";
import { SIGN_IN_SOURCE_NAME_MAX } from "@/lib/idp/limits";
import { providerInputSchema } from "@/lib/idp/schemas";
import { parseOrThrow } from "@/lib/http/validation";
import { ROLE_DESCRIPTION_MAX, ROLE_NAME_MAX, roleInputSchema } from "@/lib/roles/schemas";
import { TOKEN_NAME_MAX_LENGTH } from "@/lib/tokens/limits";
import { createTokenSchema } from "@/lib/tokens/schemas";
import { NAME_MAX_LENGTH } from "@/lib/users/fields";
import { createUserSchema } from "@/lib/users/schemas";
import { formStateFromError } from "./action-errors";

const cases: Array<{ form: string; schema: ZodType; input: Record<string, unknown>; field: string; max: number }> = [
  { form: "a group", schema: groupInputSchema, input: {}, field: "name", max: GROUP_NAME_MAX },
  { form: "a role", schema: roleInputSchema, input: { permissions: [] }, field: "name", max: ROLE_NAME_MAX },
  { form: "a role's description", schema: roleInputSchema, input: { name: "Ops", permissions: [] }, field: "description", max: ROLE_DESCRIPTION_MAX },
  { form: "an access token", schema: createTokenSchema, input: {}, field: "name", max: TOKEN_NAME_MAX_LENGTH },
  { form: "an application", schema: createApplicationSchema, input: { type: "web", redirect_uris: ["https://app.example/cb"] }, field: "name", max: APPLICATION_NAME_MAX },
  { form: "an identity provider", schema: providerInputSchema, input: { type: "oidc" }, field: "name", max: SIGN_IN_SOURCE_NAME_MAX },
  { form: "a service user", schema: createUserSchema, input: { is_service_user: true, role: "user", auto_groups: [] }, field: "name", max: NAME_MAX_LENGTH },
];

/** The form's state after submitting `typed` in the field: undefined when the schema takes the whole input. */
function submitted(schema: ZodType, input: Record<string, unknown>, field: string, typed: string) {
  try {
    parseOrThrow(schema, { ...input, [field]: typed });
    return undefined;
  } catch (err) {
    return formStateFromError(err, { [field]: typed });
  }
}

describe("a name longer than its limit", () => {
  for (const { form, schema, input, field, max } of cases) {
    it(`${form}: ${max} characters are taken, ${max + 1} refused at the field with the limit, what was typed kept`, () => {
      // Other fields of a partial input may be refused; the name at the limit is not.
      expect(submitted(schema, input, field, "n".repeat(max))?.fieldErrors?.[field]).toBeUndefined();
      const typed = "n".repeat(max + 1);
      const state = submitted(schema, input, field, typed);
      expect(state?.fieldErrors?.[field]).toEqual([expect.stringContaining(`at most ${max} characters`)]);
      expect(state?.values?.[field]).toBe(typed);
    });
  }
});
