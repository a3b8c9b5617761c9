/**
 * What Settings → Applications says an app without a secret signs in with (components/applications/no-secret-note.tsx):
 * PKCE for a single-page app, a code approved on another screen for a device app (which has no PKCE at all).
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { NextIntlClientProvider } from "next-intl";
import { describe, expect, it } from "vitest";
import { NoSecretNote } from "@/components/applications/no-secret-note";
import de from "@/messages/de.json";
import en from "@/messages/en.json";

function render(props: Parameters<typeof NoSecretNote>[0], locale: "en" | "de" = "en"): string {
  const messages = locale === "de" ? (de as typeof en) : en;
  return renderToStaticMarkup(createElement(NextIntlClientProvider, { locale, messages, timeZone: "UTC", children: createElement(NoSecretNote, props) }));
}

describe("an application without a client secret", () => {
  it("a single-page app signs in with PKCE", () => {
    expect(render({ type: "spa" })).toBe("None: this app signs in with PKCE.");
    expect(render({ type: "spa", clientId: "lka_1" })).toContain("<code class=\"break-all font-mono\">lka_1</code>. This app has no secret: it signs in with PKCE.");
  });

  it("a device app is not said to use PKCE: the person approves its code on another screen", () => {
    for (const html of [render({ type: "device" }), render({ type: "device", clientId: "lka_2" }), render({ type: "device" }, "de")]) expect(html).not.toContain("PKCE");
    expect(render({ type: "device", clientId: "lka_2" })).toContain("lka_2</code>. This app has no secret: people approve the code it shows on another screen.");
    expect(render({ type: "device" }, "de")).toContain("auf einem anderen Bildschirm");
  });
});
