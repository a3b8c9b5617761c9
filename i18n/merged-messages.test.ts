/**
 * The client providers hand every render the same messages object for the same catalog text
 * (i18n/merged-messages.tsx). A refresh brings the text again in a new payload; a new object then would
 * give each translator a new identity and re-run the effects that depend on one: the sign-in page's
 * passkey request was asked again on every refresh, each asking refreshing the page (e2e/passkeys.spec.ts).
 */
import { describe, expect, it } from "vitest";
import { mergedOnce, parse } from "./merged-messages";

// A new string each call, as a new payload's is: equal text, not the same string object.
const payload = (messages: object) => JSON.parse(JSON.stringify({ json: JSON.stringify(messages) })).json as string;

describe("client messages identity", () => {
  it("parses the same text to the same object, and different text to a different one", () => {
    const first = parse(payload({ toast: { close: "Close" } }));
    expect(parse(payload({ toast: { close: "Close" } }))).toBe(first);
    expect(first).toEqual({ toast: { close: "Close" } });
    expect(parse(payload({ toast: { close: "Schließen" } }))).not.toBe(first);
  });

  it("lays a section's messages over the same outer ones once per pair", () => {
    const outer = parse(payload({ toast: { close: "Close" } }));
    const inner = parse(payload({ signIn: { title: "Sign in" } }));
    const both = mergedOnce(outer, inner);
    expect(mergedOnce(parse(payload({ toast: { close: "Close" } })), parse(payload({ signIn: { title: "Sign in" } })))).toBe(both);
    expect(both).toEqual({ toast: { close: "Close" }, signIn: { title: "Sign in" } });
    expect(mergedOnce(outer, parse(payload({ signIn: { title: "Anmelden" } })))).not.toBe(both);
  });
});
