import { describe, expect, it } from "vitest";
import { fieldErrorsOf } from "@/lib/http/validation";
import { providerInputSchema } from "@/lib/idp/schemas";
import { createInviteSchema } from "@/lib/invites/schemas";
import { updateUserSchema } from "@/lib/users/schemas";
import type { z } from "zod";

const longId = "g".repeat(101);
const errorsOf = (schema: z.ZodType, value: unknown) => {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error("accepted");
  return fieldErrorsOf(parsed.error);
};

describe("auto_groups, wherever a list of group ids is taken", () => {
  const cases: Array<[string, z.ZodType, Record<string, unknown>]> = [
    ["a person's update", updateUserSchema, {}],
    ["an invite", createInviteSchema, { email: "ivy@example.com", role: "user" }],
    ["an identity provider", providerInputSchema, { type: "oidc", name: "Corp", issuer: "https://id.example.com", client_id: "latchkey", client_secret: "s" }],
  ];

  it.each(cases)("%s: says a too-long id is too long, not that ids must be strings", (_, schema, rest) => {
    expect(errorsOf(schema, { ...rest, auto_groups: [longId] })["auto_groups.0"]).toEqual(["A group id is at most 100 characters"]);
    expect(errorsOf(schema, { ...rest, auto_groups: [42] })["auto_groups.0"]).toEqual(["Group ids must be strings"]);
    expect(errorsOf(schema, { ...rest, auto_groups: Array.from({ length: 201 }, (_, i) => `g${i}`) }).auto_groups).toEqual(["At most 200 groups"]);
  });
});
