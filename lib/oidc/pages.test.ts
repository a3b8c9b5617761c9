import { describe, expect, it } from "vitest";
import { chooseAccountPage, consentPage, deviceConfirmPage, deviceInputPage, messagePage, viewerOf } from "./pages";

describe("the provider's pages follow the person's language and theme", () => {
  it("reads the locale cookie before Accept-Language, and the theme cookie", () => {
    expect(viewerOf({ cookie: "theme=dark; locale=de", "accept-language": "en-US" })).toMatchObject({ locale: "de", theme: "dark" });
    expect(viewerOf({ "accept-language": "de-DE,de;q=0.9" })).toMatchObject({ locale: "de", theme: "system" });
    expect(viewerOf({ cookie: "locale=xx; theme=purple" })).toMatchObject({ locale: "en", theme: "system" });
  });

  it("renders German with the theme's class on <html>, and escapes the app's name", () => {
    const answer = { action: "/oidc/interaction/abc/consent", shownTo: "user-1" };
    const html = consentPage(viewerOf({ cookie: "locale=de; theme=dark" }), answer, "<Wiki & Co>", ["openid", "email"], "Olive <Owner> (olive@example.com)");
    expect(html).toContain('<html lang="de" class="dark">');
    expect(html).toContain("&lt;Wiki &amp; Co&gt; erlauben?");
    expect(html).toContain("<strong>&lt;Wiki &amp; Co&gt;</strong> möchte Sie mit Latchkey anmelden");
    expect(html).toContain("<li>Ihre E-Mail-Adresse</li>");
    expect(html).not.toContain("<Wiki");
    expect(html).toContain("als <strong>Olive &lt;Owner&gt; (olive@example.com)</strong>");
    expect(html).toContain('<input type="hidden" name="shown_to" value="user-1">');
  });

  it("asks which account, in German, naming who is signed in (escaped) with Continue and Use another account", () => {
    const html = chooseAccountPage(viewerOf({ cookie: "locale=de" }), { action: "/oidc/interaction/abc/consent", shownTo: "u\"1" }, "Wiki", "Olive <Owner> (olive@example.com)");
    expect(html).toContain("<h1>Bei Wiki anmelden</h1>");
    expect(html).toContain("als <strong>Olive &lt;Owner&gt; (olive@example.com)</strong>");
    expect(html).toContain('<button type="submit" name="choice" value="continue" autofocus>Weiter</button>');
    expect(html).toContain('name="choice" value="switch"');
    expect(html).not.toContain("<Owner>");
    expect(html).toContain('<input type="hidden" name="shown_to" value="u&quot;1">');
  });

  it("labels the provider's code field, in the viewer's language, without its inline script", () => {
    const form = `<form id="op.deviceInputForm" method="post" action="/device"><input type="hidden" name="xsrf" value="x"/><input type="text" name="user_code" placeholder="Enter code" onfocus="this.select(); this.onfocus = undefined;" autofocus autocomplete="off"></input></form>`;
    const html = deviceInputPage(viewerOf({ cookie: "locale=de" }), form, true);
    expect(html).toContain('name="user_code" id="user-code"');
    expect(html).toContain('placeholder="Code eingeben"');
    expect(html).not.toContain("onfocus");
    expect(html).toContain('<p role="alert" id="user-code-error">Dieser Code ist ungültig');
  });

  it("marks a refused code's field invalid and describes it by the refusal (review 23), and a first visit's not", () => {
    const form = `<form id="op.deviceInputForm" method="post" action="/device"><input type="text" name="user_code" placeholder="Enter code" autofocus></form>`;
    const refused = deviceInputPage(viewerOf({}), form, true);
    expect(refused).toContain('id="user-code" aria-invalid="true" aria-describedby="user-code-error"');
    expect(refused).toMatch(/<p role="alert" id="user-code-error">That code is/);
    expect(deviceInputPage(viewerOf({}), form, false)).not.toMatch(/aria-invalid|aria-describedby|user-code-error/);
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

  it("says where and when the device asked, and warns when that isn't this browser's network (review 14: codes sent to someone)", () => {
    const asked = { address: "203.0.113.7", minutesAgo: 3, sameNetwork: false };
    const html = deviceConfirmPage(viewerOf({}), "<form></form>", "NetBird CLI", "BCDF-GHJK", asked);
    expect(html).toContain("The device asked from <strong>203.0.113.7</strong>, 3 minutes ago.");
    expect(html).toContain('<p role="alert">This browser is on another network than the device.');
    const german = deviceConfirmPage(viewerOf({ cookie: "locale=de" }), "<form></form>", "NetBird CLI", "BCDF-GHJK", { ...asked, minutesAgo: 1 });
    expect(german).toContain("Das Gerät hat von <strong>203.0.113.7</strong> aus angefragt, vor 1 Minute.");
    expect(german).toContain('<p role="alert">Dieser Browser ist in einem anderen Netz als das Gerät.');
    const here = deviceConfirmPage(viewerOf({}), "<form></form>", "NetBird CLI", "BCDF-GHJK", { address: "<script>", minutesAgo: 0, sameNetwork: true });
    // Under a minute is not "0 minutes ago" (the walk of round 15 saw it on every fresh code).
    expect(here).toContain("The device asked from <strong>&lt;script&gt;</strong>, less than a minute ago.");
    const gleich = deviceConfirmPage(viewerOf({ cookie: "locale=de" }), "<form></form>", "NetBird CLI", "BCDF-GHJK", { ...asked, minutesAgo: 0 });
    expect(gleich).toContain("Das Gerät hat von <strong>203.0.113.7</strong> aus angefragt, vor weniger als einer Minute.");
    expect(here).not.toContain('role="alert"');
  });
});
