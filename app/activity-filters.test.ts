/**
 * Activity's filters: each control has its own label (the action <select> sat inside a <label> of its own
 * making, so a click on the text and a screen reader's name didn't point at one control), and a refused date
 * (an impossible one, or "from" after "to") is said at its field, not in a banner over the page.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { NextIntlClientProvider } from "next-intl";
import { describe, expect, it } from "vitest";
import en from "@/messages/en.json";
import { ActivityFilters } from "@/components/activity/activity-filters";
import { eventFiltersSchema } from "@/lib/audit/event-filters";
import { fieldErrorsOf } from "@/lib/http/validation";

function render(errors?: Record<string, string[]>, values: Record<string, string> = {}): string {
  return renderToStaticMarkup(
    createElement(NextIntlClientProvider, {
      locale: "en",
      messages: en,
      timeZone: "UTC",
      children: createElement(ActivityFilters, { values, actions: [{ value: "user.created", label: "user.created" }], errors }),
    }),
  );
}

const attribute = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];

/** Each input and select: its attributes' tag, and what its aria-describedby points at. */
function controls(html: string) {
  return [...html.matchAll(/<(?:input|select)\b[^>]*>/g)].map(([tag]) => {
    const describedBy = attribute(tag, "aria-describedby");
    const description = describedBy ? new RegExp(`id="${describedBy}"[^>]*>(.*?)</(p|ul)>`).exec(html)?.[1].replace(/<[^>]+>/g, "") : undefined;
    return { tag, name: attribute(tag, "name"), id: attribute(tag, "id"), description };
  });
}

const control = (html: string, name: string) => controls(html).find((c) => c.name === name)!;

function refusalOf(input: Record<string, string>): Record<string, string[]> {
  const parsed = eventFiltersSchema.safeParse(input);
  if (parsed.success) throw new Error(`accepted ${JSON.stringify(input)}`);
  return fieldErrorsOf(parsed.error);
}

describe("Activity's filter form", () => {
  it("gives every control one label of its own, pointing at it, and wraps none in another's", () => {
    const html = render();
    expect(controls(html).map((c) => c.name)).toEqual(["search", "action", "actor", "target", "from", "to"]);
    for (const { id, name } of controls(html)) {
      expect(id, name).toBeTruthy();
      expect(html.split(`for="${id}"`).length - 1, name).toBe(1);
    }
    for (const [, inside] of html.matchAll(/<label\b[^>]*>(.*?)<\/label>/g)) expect(inside).not.toMatch(/<(input|select)\b/);
  });

  it("an impossible date is refused at the From field, which says why, is marked and gets the focus", () => {
    const errors = refusalOf({ from: "2026-02-30" });
    expect(Object.keys(errors)).toEqual(["from"]);
    const from = control(render(errors, { from: "2026-02-30" }), "from");
    expect(from.tag).toMatch(/aria-invalid="true"/);
    expect(from.description).toBe("from must be a date (YYYY-MM-DD) or an ISO 8601 time");
    expect(from.tag).toMatch(/autofocus/i);
  });

  it("a From after To is refused at the To field", () => {
    const errors = refusalOf({ from: "2026-05-10", to: "2026-05-01" });
    const html = render(errors, { from: "2026-05-10", to: "2026-05-01" });
    const to = control(html, "to");
    expect(to.tag).toMatch(/aria-invalid="true"/);
    expect(to.description).toBe("from must be before to");
    expect(attribute(to.tag, "value")).toBe("2026-05-01");
    expect(control(html, "from").tag).not.toMatch(/aria-invalid/);
  });

  it("real days still pass, a leap day included", () => {
    expect(eventFiltersSchema.safeParse({ from: "2028-02-29", to: "2028-03-01T10:00:00Z" }).success).toBe(true);
    expect(Object.keys(refusalOf({ to: "2027-02-29T10:00:00Z" }))).toEqual(["to"]);
  });
});
