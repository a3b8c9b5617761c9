/**
 * A refusal as its form shows it (./action-errors.ts formStateFromError): each message once, at the field
 * it is about. A taken email was said twice (the banner and the field), and a schema's message about one
 * entry of a list ("auto_groups.0") was at no field at all, leaving only "Invalid input" in the banner.
 */
import { describe, expect, it } from "vitest";
import { Conflict, Invalid, NotFound } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { createUserSchema } from "@/lib/users/schemas";
import { formStateFromError } from "./action-errors";
import { FIX_HIGHLIGHTED_FIELDS } from "./form-state";

function refusal(parse: () => unknown): unknown {
  try {
    parse();
  } catch (err) {
    return err;
  }
  throw new Error("expected a refusal");
}

describe("a refusal's messages on the form", () => {
  it("a clash said at its field is not said again in the banner", () => {
    const taken = "A user with this email already exists";
    const state = formStateFromError(new Conflict(taken, { email: [taken] }), { email: "ann@example.com" });
    expect(state.fieldErrors).toEqual({ email: [taken] });
    expect(state.message).toBe(FIX_HIGHLIGHTED_FIELDS);
    expect(state.values).toEqual({ email: "ann@example.com" });
  });

  it("a refusal about a secret field the form shows (a password, a code: never sent back) is said at it only, and nothing secret is sent back", () => {
    const wrong = "Current password is incorrect";
    const state = formStateFromError(new Invalid(wrong, { current_password: [wrong] }), { email: "new@example.com" }, ["current_password"]);
    expect(state.fieldErrors).toEqual({ current_password: [wrong] });
    expect(state.message).toBe(FIX_HIGHLIGHTED_FIELDS);
    expect(state.values).toEqual({ email: "new@example.com" });
    // A form that sends nothing back still names the secrets it shows.
    const code = formStateFromError(new Invalid("That code is not right", { code: ["That code is not right"] }), undefined, ["password", "code"]);
    expect(code.message).toBe(FIX_HIGHLIGHTED_FIELDS);
    expect(code.values).toBeUndefined();
  });

  it("a refusal about a field the form doesn't show (it sent no value for it) keeps its words in the banner", () => {
    const link = "This link is invalid or has expired";
    expect(formStateFromError(new Invalid(link, { token: [link] }), { password: "" }).message).toBe(link);
    expect(formStateFromError(new Invalid(link, { token: [link] })).message).toBe(link);
  });

  it("a schema's generic refusal about a field the form shows points at the field", () => {
    const err = refusal(() => parseOrThrow(createUserSchema, { email: "not-an-email", role: "user" }));
    expect((err as Invalid).message).toBe("Invalid input");
    const state = formStateFromError(err, { email: "not-an-email" });
    expect(state.message).toBe("Please fix the highlighted fields");
    expect(state.fieldErrors).toEqual({ email: ["Enter a valid email address"] });
  });

  it("a refusal about no field keeps its own words in the banner", () => {
    expect(formStateFromError(new Conflict("This provider was already added; reload the page")).message).toBe("This provider was already added; reload the page");
    expect(formStateFromError(new NotFound("User")).message).toBe("User not found");
    expect(formStateFromError(new Invalid("Invalid input", { email: ["Enter a valid email address"] })).message).toBe("Invalid input");
  });

  it("a schema's message about one entry of a list is said at the list's field", () => {
    const err = refusal(() => parseOrThrow(createUserSchema, { email: "ann@example.com", role: "user", auto_groups: ["g".repeat(101)] }));
    expect(Object.keys((err as Invalid).fieldErrors)).toEqual(["auto_groups.0"]);
    const state = formStateFromError(err);
    expect(state.fieldErrors).toEqual({ auto_groups: (err as Invalid).fieldErrors["auto_groups.0"] });
  });

  it("messages of several entries of one field are said once each", () => {
    const state = formStateFromError(new Invalid("Invalid input", { "group_mapping.0.group_id": ["Unknown group"], "group_mapping.2.group_id": ["Unknown group"], name: ["Name is required"] }));
    expect(state.fieldErrors).toEqual({ group_mapping: ["Unknown group"], name: ["Name is required"] });
  });
});
