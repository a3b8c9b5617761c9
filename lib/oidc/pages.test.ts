import { describe, expect, it } from "vitest";
import { consentPage, deviceConfirmPage, deviceInputPage, messagePage, viewerOf } from "./pages";

describe("the provider's pages follow the person's language and theme", () => {
  it("reads the locale cookie before Accept-Language, and the theme cookie", () => {
    expect(viewerOf({ cookie: "theme=dark; locale=de", "accept-language": "en-US" })).toMatchObject({ locale: "de", theme: "dark" });
    expect(viewerOf({ "accept-language": "de-DE,de;q=0.9" })).toMatchObject({ locale: "de", theme: "system" });
    expect(viewerOf({ cookie: "locale=xx; theme=purple" })).toMatchObject({ locale: "en", theme: "system" });
  });

  it("renders German with the theme's class on <html>, and escapes the app's name", () => {
    const html = consentPage(viewerOf({ cookie: "locale=de; theme=dark" }), "/oidc/interaction/abc/consent", "<Wiki & Co>", ["openid", "email"]);
    expect(html).toContain('<html lang="de" class="dark">');
    expect(html).toContain("&lt;Wiki &amp; Co&gt; erlauben?");
    expect(html).toContain("<strong>&lt;Wiki &amp; Co&gt;</strong> möchte Sie mit Latchkey anmelden");
    expect(html).toContain("<li>Ihre E-Mail-Adresse</li>");
    expect(html).not.toContain("<Wiki");
  });

  it("labels the provider's code field, in the viewer's language, without its inline script", () => {
    const form = `<form id="op.deviceInputForm" method="post" action="/device"><input type="hidden" name="xsrf" value="x"/><input type="text" name="user_code" placeholder="Enter code" onfocus="this.select(); this.onfocus = undefined;" autofocus autocomplete="off"></input></form>`;
    const html = deviceInputPage(viewerOf({ cookie: "locale=de" }), form, true);
    expect(html).toContain('name="user_code" id="user-code"');
    expect(html).toContain('placeholder="Code eingeben"');
    expect(html).not.toContain("onfocus");
    expect(html).toContain('<p role="alert">Dieser Code ist ungültig');
  });

  it("follows the system's preference without a chosen theme, in English by default", () => {
    const html = deviceConfirmPage(viewerOf({}), "<form></form>", "NetBird CLI", "BCDF-GHJK");
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("<strong>NetBird CLI</strong> asks to sign in as you.");
    expect(html).toContain("prefers-color-scheme:dark");
    expect(messagePage(viewerOf({ cookie: "theme=light" }), "failed", { alert: "bad <thing>" })).toContain('<p role="alert">bad &lt;thing&gt;</p>');
  });

  it("says in the viewer's language that a denied device wasn't signed in, with no alert", () => {
    const html = messagePage(viewerOf({ cookie: "locale=de" }), "deviceDenied");
    expect(html).toContain("<h1>Gerät nicht verbunden</h1>");
    expect(html).not.toContain('role="alert"');
  });
});
