/**
 * Names of things other people read (an application's name on the consent and device pages, an identity
 * provider's or directory's name on the public sign-in page, a group's name) follow the rule of people's
 * names (./display-text.ts): one line of visible text. A right-to-left override in an app's name turned the
 * device page's "Approve only if your device shows this code" into whatever the name's author wanted.
 */
import { describe, expect, it } from "vitest";
import { createApplicationSchema, updateApplicationSchema } from "@/lib/applications/schemas";
import { groupInputSchema } from "@/lib/groups/schemas";
import { ldapInputSchema, providerInputSchema } from "@/lib/idp/schemas";
import { consentPage, deviceConfirmPage, messagePage, viewerOf } from "@/lib/oidc/pages";
import { roleInputSchema } from "@/lib/roles/schemas";
import { createTokenSchema } from "@/lib/tokens/schemas";
import { NAME_UNSAFE_CHARACTERS } from "@/lib/users/fields";

const UNSAFE = ["Grafana\u202E", "Grafana\u2067x", "Grafana\nClick https://evil.example", "Gra\tfana", "Gra\u2028fana"];

function nameIssues(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }): string[] {
  return (result.error?.issues ?? []).filter((i) => i.path[0] === "name").map((i) => i.message);
}

describe("names others read are one line of visible text", () => {
  it.each(UNSAFE)("refuses an application named %j, on create and on rename", (name) => {
    expect(nameIssues(createApplicationSchema.safeParse({ name, type: "device" }))).toEqual([NAME_UNSAFE_CHARACTERS]);
    expect(nameIssues(updateApplicationSchema.safeParse({ name }))).toEqual([NAME_UNSAFE_CHARACTERS]);
  });

  it.each(UNSAFE)("refuses an identity provider, a directory or a group named %j", (name) => {
    const provider = { type: "oidc", name, issuer: "https://id.example.com", client_id: "x", client_secret: "y" };
    expect(nameIssues(providerInputSchema.safeParse(provider))).toEqual([NAME_UNSAFE_CHARACTERS]);
    expect(nameIssues(ldapInputSchema.safeParse({ name }))).toEqual([NAME_UNSAFE_CHARACTERS]);
    expect(nameIssues(groupInputSchema.safeParse({ name }))).toEqual([NAME_UNSAFE_CHARACTERS]);
  });

  it.each(UNSAFE)("refuses a role or an access token named %j (a role's name reaches apps and lists; a token's, the notice mail)", (name) => {
    expect(nameIssues(roleInputSchema.safeParse({ name, permissions: [] }))).toEqual(["Name must not contain control characters"]);
    expect(nameIssues(createTokenSchema.safeParse({ name }))).toEqual(["Name must not contain control characters"]);
  });

  it("keeps ordinary names, other scripts included", () => {
    for (const name of ["Grafana", "NetBird CLI", "Вики", "ウィキ", "ويكي", "Ærø & Co <test>"]) {
      expect(createApplicationSchema.safeParse({ name, type: "device" }).success).toBe(true);
      expect(nameIssues(groupInputSchema.safeParse({ name }))).toEqual([]);
    }
  });

  it("shows a name stored before the rule as one line without direction overrides on the provider's pages", () => {
    const stored = "Grafana\u202E\n:edoc siht";
    const viewer = viewerOf({});
    for (const html of [
      deviceConfirmPage(viewer, "<form></form>", stored, "BCDF-GHJK"),
      consentPage(viewer, { action: "/oidc/interaction/abc/consent", shownTo: "user-1" }, stored, ["openid"], "Olive"),
      messagePage(viewer, "deviceDone", { app: stored }),
    ]) {
      expect(html).toContain("<strong>Grafana :edoc siht</strong>");
      expect(html).not.toMatch(/[\u202A-\u202E\u2066-\u2069\n]:edoc/);
    }
  });
});
