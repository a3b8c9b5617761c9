/**
 * The application form's "Who may sign in" (components/applications/access-choice.tsx), rendered to HTML as
 * the server sends it: what a browser without JavaScript gets, and what the script starts from.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { NextIntlClientProvider } from "next-intl";
import { describe, expect, it } from "vitest";
import de from "@/messages/de.json";
import en from "@/messages/en.json";
import { ApplicationFields, NEW_APPLICATION, type ApplicationFormValue } from "@/components/applications/application-fields";

const GROUPS = [
  { id: "g-ops", name: "Ops" },
  { id: "g-staff", name: "Staff" },
];

type Input = { name?: string; value?: string; checked: boolean; disabled: boolean };

/** The rendered HTML, and its inputs' names, values and boolean attributes. */
function render(app: ApplicationFormValue, kept?: Record<string, string>, messages: typeof en = en, locale: "en" | "de" = "en"): { html: string; inputs: Input[] } {
  const html = renderToStaticMarkup(
    createElement(NextIntlClientProvider, { locale, messages, timeZone: "UTC", children: createElement(ApplicationFields, { app, groups: GROUPS, kept, typeFixed: true }) }),
  );
  const inputs = [...html.matchAll(/<input\b([^>]*)>/g)].map(([, attributes]) => ({
    name: /\bname="([^"]*)"/.exec(attributes)?.[1],
    value: /\bvalue="([^"]*)"/.exec(attributes)?.[1],
    checked: /\bchecked=""/.test(attributes),
    disabled: /\bdisabled=""/.test(attributes),
  }));
  return { html, inputs };
}

/** Each control's state: the choice checked, and each group box as [checked, disabled]. */
function access({ inputs }: { inputs: Input[] }) {
  const named = (name: string, value: string) => inputs.find((i) => i.name === name && i.value === value)!;
  return {
    chosen: ["everyone", "groups"].filter((v) => named("access", v).checked),
    boxes: Object.fromEntries(GROUPS.map((g) => [g.name, [named("allowed_groups", g.id).checked, named("allowed_groups", g.id).disabled]])),
  };
}

describe("Who may sign in, as the server renders it", () => {
  it("offers Everyone and Only members of these groups; the boxes are enabled until the script runs (the form works without it)", () => {
    const form = render({ ...NEW_APPLICATION, name: "Grafana" });
    expect(form.html).toContain("Only members of these groups");
    expect(access(form)).toEqual({ chosen: ["everyone"], boxes: { Ops: [false, false], Staff: [false, false] } });
  });

  it("shows an app limited to groups with its boxes ticked, and one that admits nobody as Only members with none ticked", () => {
    expect(access(render({ ...NEW_APPLICATION, access: "groups", allowedGroupIds: ["g-ops"] }))).toEqual({ chosen: ["groups"], boxes: { Ops: [true, false], Staff: [false, false] } });
    expect(access(render({ ...NEW_APPLICATION, access: "nobody", allowedGroupIds: [] }))).toEqual({ chosen: ["groups"], boxes: { Ops: [false, false], Staff: [false, false] } });
  });

  it("after a refusal shows what was submitted; boxes disabled under Everyone (so not submitted) keep what they showed", () => {
    const limited = { ...NEW_APPLICATION, access: "groups" as const, allowedGroupIds: ["g-ops"] };
    expect(access(render(limited, { access: "groups", allowed_groups: "" }))).toEqual({ chosen: ["groups"], boxes: { Ops: [false, false], Staff: [false, false] } });
    expect(access(render(limited, { access: "everyone", allowed_groups: "" }))).toEqual({ chosen: ["everyone"], boxes: { Ops: [true, false], Staff: [false, false] } });
    expect(access(render(limited, { access: "everyone", allowed_groups: "g-staff" }))).toEqual({ chosen: ["everyone"], boxes: { Ops: [false, false], Staff: [true, false] } });
  });

  it("speaks German", () => {
    const text = render({ ...NEW_APPLICATION }, undefined, de as typeof en, "de").html;
    expect(text).toContain("Nur Mitglieder dieser Gruppen");
    expect(text).toContain("Zugelassene Gruppen");
  });
});

describe("redirect addresses, which a device app has no use for", () => {
  const redirectsWrapper = (html: string) => /<div class="([^"]*)"><div[^>]*>(?:(?!<\/div>).)*redirect_uris/s.exec(html)?.[1];
  const renderFields = (app: ApplicationFormValue, typeFixed: boolean, errors = {}) =>
    renderToStaticMarkup(createElement(NextIntlClientProvider, { locale: "en", messages: en, timeZone: "UTC", children: createElement(ApplicationFields, { app, groups: GROUPS, typeFixed, errors }) }));

  it("are hidden while Device / CLI is chosen in the new-app form (by CSS: without the script too), and shown for the other types", () => {
    const html = renderFields(NEW_APPLICATION, false);
    expect(html).toContain('id="application-type-device"');
    expect(redirectsWrapper(html)).toBe("space-y-4 group-has-[#application-type-device:checked]/app:hidden");
  });

  it("are not offered on a device app's page, unless it has some stored or a refusal is about them", () => {
    const device = { ...NEW_APPLICATION, type: "device" as const };
    expect(redirectsWrapper(renderFields(device, true))).toBe("hidden");
    expect(redirectsWrapper(renderFields({ ...device, redirectUris: ["https://cli.example.com/cb"] }, true))).not.toContain("hidden");
    expect(redirectsWrapper(renderFields(device, true, { redirect_uris: ["Not a valid address"] }))).toBe("space-y-4");
    expect(redirectsWrapper(renderFields({ ...NEW_APPLICATION, type: "web" as const }, true))).not.toContain("hidden");
  });
});
