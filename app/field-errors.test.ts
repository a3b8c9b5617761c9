/**
 * A refused field is marked invalid and described by its message, whatever its control: the text fields
 * (FieldFrame) did this, the boxes and selects showed the message under the control only, unlinked, so a
 * screen reader didn't say it and the form's focus after a refusal (components/ui/use-server-form.ts, the
 * first [aria-invalid]) skipped them. Rendered as the server sends them.
 */
import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { NextIntlClientProvider } from "next-intl";
import { describe, expect, it } from "vitest";
import en from "@/messages/en.json";
import { Select } from "@/components/idp/form-bits";
import { Checkbox } from "@/components/ui/checkbox";
import { GroupCheckboxes } from "@/components/users/group-checkboxes";
import { RoleSelect } from "@/components/users/role-select";

const MESSAGE = "Choose at least one group";

function render(element: ReactElement): string {
  return renderToStaticMarkup(createElement(NextIntlClientProvider, { locale: "en", messages: en, timeZone: "UTC", children: element }));
}

/** Each control (input or select) named `name`: whether it is marked invalid, and the text of what describes it. */
function controls(html: string, name: string): Array<{ invalid: boolean; description: string }> {
  return [...html.matchAll(/<(input|select)\b([^>]*)>/g)]
    .filter(([, , attributes]) => attributes.includes(`name="${name}"`))
    .map(([, , attributes]) => {
      const ids = /\baria-describedby="([^"]*)"/.exec(attributes)?.[1].split(" ") ?? [];
      const description = ids
        .map((id) => new RegExp(`id="${id}"[^>]*>(.*?)</(p|ul)>`).exec(html)?.[1].replace(/<[^>]+>/g, "") ?? "")
        .join(" ");
      return { invalid: /\baria-invalid="true"/.test(attributes), description };
    });
}

/** Each control, and the hint that always describes it after its errors (none: ""). */
const CASES: Array<[string, string, (errors?: string[]) => ReactElement, string?]> = [
  ["a group's boxes", "auto_groups", (errors) => createElement(GroupCheckboxes, { groups: [{ id: "g1", name: "Ops" }, { id: "g2", name: "Staff" }], errors })],
  ["a box", "email_verified", (errors) => createElement(Checkbox, { name: "email_verified", label: "Email address confirmed", errors })],
  // The chosen role's meaning is the select's hint (an option says the name only: components/users/role-select.tsx).
  ["the role", "role", (errors) => createElement(RoleSelect, { roles: ["user", "admin"], errors }), en.team.roles.user.description],
  ["a settings select", "default_role", (errors) => createElement(Select, { label: "Default role", name: "default_role", options: [{ value: "user", label: "User" }], errors })],
];

describe("a refused field's control says so", () => {
  for (const [what, name, element, hint = ""] of CASES) {
    it(`${what}: marked invalid and described by the message`, () => {
      const refused = controls(render(element([MESSAGE])), name);
      expect(refused.length).toBeGreaterThan(0);
      for (const control of refused) expect(control).toEqual({ invalid: true, description: [MESSAGE, hint].filter(Boolean).join(" ") });
    });

    it(`${what}: neither without an error`, () => {
      for (const control of controls(render(element()), name)) expect(control).toEqual({ invalid: false, description: hint });
    });
  }
});
