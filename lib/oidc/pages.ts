/**
 * The few pages the provider itself renders (entering a device code,
 * confirming it, the end of a device sign-in, signing out of apps, consent,
 * errors), in Latchkey's look: one small shell, readable at 360 px, every
 * control labelled. They are served outside Next.js, so they read the same
 * choices the dashboard's pages do from the request themselves:
 *  - the theme the avatar menu keeps in its cookie (light, dark, or the
 *    system's preference), as app/layout.tsx puts it on <html>;
 *  - the language: the locale cookie, else Accept-Language, else English,
 *    as i18n/request.ts decides; texts in messages/*.json under "oidcPages";
 *  - the instance's name above the heading, as the sign-in page's card shows it.
 * No script and no external resource: their policy (PAGE_POLICY) allows inline styles only.
 * The provider hands in its own forms (with their CSRF field); we wrap them.
 */
import "server-only";
import type { IncomingHttpHeaders } from "node:http";
import { createTranslator } from "next-intl";
// The cookie names and the negotiation are those modules' single definitions (pure, no React).
import { parseTheme, THEME_COOKIE, type Theme } from "@/lib/appearance/theme";
import { LOCALE_COOKIE, parseLocale, type Locale } from "@/i18n/locales";
import { DEVICE_PATH } from "./paths";
import { knownScope } from "./scope-words";
import { localeFromAcceptLanguage } from "@/i18n/negotiate";
import de from "@/messages/de.json";
import en from "@/messages/en.json";
import { brandView, DEFAULT_BRANDING, instanceBranding, type BrandView } from "@/lib/instance/branding";
import { APPLICATION_NAME_MAX } from "@/lib/applications/schemas";
import { asDisplayText } from "@/lib/format/display-text";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}


const LIGHT = "--bg:#f8fafc;--card:#fff;--fg:#0f172a;--muted:#475569;--border:#cbd5e1;--accent:#4f46e5;--accent-fg:#fff;--danger:#b91c1c;--brand:#4f46e5";
const DARK = "--bg:#020617;--card:#0f172a;--fg:#f1f5f9;--muted:#cbd5e1;--border:#334155;--accent:#818cf8;--accent-fg:#020617;--danger:#fca5a5;--brand:#a5b4fc";

const STYLE = `
:root{color-scheme:light;${LIGHT}}
@media (prefers-color-scheme:dark){:root:not(.light){color-scheme:dark;${DARK}}}
:root.dark{color-scheme:dark;${DARK}}
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:flex;align-items:flex-start;justify-content:center;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;padding:48px 16px}
main{width:100%;max-width:420px;overflow-wrap:anywhere}
.brand{margin:0 0 12px;text-align:center;font-size:.875rem;font-weight:600;letter-spacing:.025em;color:var(--brand)}
.brand img{display:block;margin:0 auto 8px;max-height:48px;max-width:100%}
.card{background:var(--card);border:1px solid var(--border);border-radius:12px;padding:24px}
h1{font-size:1.4rem;margin:0 0 8px}p{margin:0 0 16px;color:var(--muted)}strong{color:var(--fg)}ul{color:var(--fg);margin:0 0 16px;padding-left:20px}
label{display:block;font-weight:600;margin-bottom:6px}
input[type=text]{width:100%;font-size:1.25rem;letter-spacing:.1em;text-transform:uppercase;text-align:center;padding:10px;border:1px solid var(--border);border-radius:8px;background:var(--bg);color:var(--fg);margin-bottom:16px}
input[type=text]::placeholder{text-transform:none;letter-spacing:normal}
button{width:100%;font:inherit;font-weight:600;padding:10px 12px;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg);cursor:pointer;margin-bottom:8px}
a.button{display:block;text-align:center;text-decoration:none;font-weight:600;padding:10px 12px;border-radius:8px;background:var(--accent);color:var(--accent-fg)}
button.secondary{background:transparent;color:var(--fg);border-color:var(--border)}
.code{font:600 1.6rem/1.2 ui-monospace,monospace;letter-spacing:.15em;text-align:center;margin:8px 0 16px;color:var(--fg)}
[role=alert]{color:var(--danger);font-weight:600}
:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
`;

const CATALOGS = { en, de } as const;

/** What a page needs to know about who is looking (their language and theme) and the instance's name and logo. */
export type Viewer = { locale: Locale; theme: Theme; instanceName: string; logoUrl: string | null };

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The person's language (locale cookie, else Accept-Language) and theme (the avatar menu's cookie), under the given brand. */
export function viewerOf(headers: IncomingHttpHeaders, brand: BrandView = brandView(DEFAULT_BRANDING)): Viewer {
  const cookie = headers.cookie;
  const acceptLanguage = typeof headers["accept-language"] === "string" ? headers["accept-language"] : null;
  const locale = parseLocale(cookieValue(cookie, LOCALE_COOKIE)) ?? localeFromAcceptLanguage(acceptLanguage);
  return { locale, theme: parseTheme(cookieValue(cookie, THEME_COOKIE)), instanceName: brand.name, logoUrl: brand.logoUrl };
}

/** The viewer under the instance's own name and logo (Settings → Appearance). */
export async function viewerFor(headers: IncomingHttpHeaders): Promise<Viewer> {
  return viewerOf(headers, brandView(await instanceBranding()));
}

/** The "oidcPages" texts in the viewer's language. */
export function textsFor(viewer: Viewer) {
  return createTranslator({ locale: viewer.locale, messages: CATALOGS[viewer.locale] as typeof en, namespace: "oidcPages" });
}

/** A text with <strong> markup around escaped values (the catalogs' only markup). */
export function richText(t: ReturnType<typeof textsFor>, key: Parameters<ReturnType<typeof textsFor>["markup"]>[0], values: Record<string, string | number>): string {
  const escaped = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "number" ? v : escapeHtml(v)]));
  return t.markup(key, { ...escaped, strong: (chunks: string) => `<strong>${chunks}</strong>` });
}

/**
 * An app's name as these pages show it: one line without direction overrides. New names are refused them
 * (lib/applications/schemas.ts); one stored before could otherwise reorder the sentence it stands in.
 */
const appLabel = (app: string) => asDisplayText(app, APPLICATION_NAME_MAX);

/** A person's name and email as the consent, account-choice and refusal pages name them (a name stored before names were held to one line included). */
const PERSON_LABEL_MAX = 400;

/**
 * The policy every page here is served with: no script at all, styles inline, pictures (the logo) from here,
 * no framing. No form-action: signing out and consenting redirect on to the app's own address, which
 * browsers would check against it.
 */
export const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'";

export function page(viewer: Viewer, title: string, body: string): string {
  const theme = viewer.theme === "system" ? "" : ` class="${viewer.theme}"`;
  return `<!doctype html><html lang="${viewer.locale}"${theme}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)} · ${escapeHtml(viewer.instanceName)}</title><style>${STYLE}</style></head><body><main><p class="brand">${viewer.logoUrl ? `<img src="${escapeHtml(viewer.logoUrl)}" alt="">` : ""}${escapeHtml(viewer.instanceName)}</p><div class="card">${body}</div></main></body></html>`;
}

/**
 * Whose count a refusal ran out (lib/oidc/attempt-limits.ts): codes that didn't match from this address, entered
 * with this person's account (from any address), from every address without a session; or sign-ins started from
 * this address without a session.
 */
export type TooManyCause = "address" | "person" | "everyone" | "flowStarts";

/** The answer to a request past a guessing limit, in the words of its cause (lib/oidc/attempt-limits.ts). */
export function tooManyAttemptsPage(viewer: Viewer, retryAfterSeconds: number, cause: TooManyCause): string {
  const t = textsFor(viewer);
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  // Each limit says whose count ran out; everyone's (/device's codes from all addresses) is not this person's doing, and says how to skip it.
  const body = t(`tooMany.${cause}`, { minutes });
  return page(viewer, t("tooMany.title"), `<h1>${escapeHtml(t("tooMany.title"))}</h1><p role="alert">${escapeHtml(body)}</p>`);
}

/** A page of a heading and a paragraph or two (the ends of flows, errors). */
export function messagePage(viewer: Viewer, section: "signedOut" | "failed" | "expired" | "deviceDone" | "deviceDenied", extra: { alert?: string; app?: string } = {}): string {
  const t = textsFor(viewer);
  const instance = viewer.instanceName;
  if (section === "deviceDone") {
    const app = (extra.app && appLabel(extra.app)) || t("deviceDone.someDevice");
    return page(viewer, t("deviceDone.title"), `<h1>${escapeHtml(t("deviceDone.heading"))}</h1><p>${richText(t, "deviceDone.body", { app })}</p>`);
  }
  const alert = extra.alert !== undefined ? `<p role="alert">${escapeHtml(extra.alert)}</p>` : "";
  if (section === "deviceDenied") {
    return page(viewer, t("deviceDenied.title"), `<h1>${escapeHtml(t("deviceDenied.heading"))}</h1><p>${escapeHtml(t("deviceDenied.body"))}</p>`);
  }
  if (section === "expired") {
    return page(viewer, t("expired.title"), `<h1>${escapeHtml(t("expired.heading"))}</h1><p role="alert">${escapeHtml(t("expired.body"))}</p>`);
  }
  if (section === "failed") {
    return page(viewer, t("failed.title"), `<h1>${escapeHtml(t("failed.heading"))}</h1>${alert}<p>${escapeHtml(t("failed.body"))}</p>`);
  }
  return page(viewer, t("signedOut.title"), `<h1>${escapeHtml(t("signedOut.heading"))}</h1><p>${escapeHtml(t("signedOut.body", { instance }))}</p>`);
}

/**
 * The database can't serve now (lib/db/unavailable.ts): the same words as the API's 503, and a link to load the
 * page again (`retry`, a path on this site). Served by lib/ops/unavailable-answer.ts for pages and Auth.js's routes.
 */
export function unavailablePage(viewer: Viewer, retry: string): string {
  const t = textsFor(viewer);
  return page(
    viewer,
    t("unavailable.title"),
    `<h1>${escapeHtml(t("unavailable.heading"))}</h1><p role="alert">${escapeHtml(t("unavailable.body"))}</p><a class="button" href="${escapeHtml(retry)}">${escapeHtml(t("unavailable.tryAgain"))}</a>`,
  );
}

/** "Sign out of apps?" around the provider's logout form. */
export function signOutPage(viewer: Viewer, form: string): string {
  const t = textsFor(viewer);
  return page(
    viewer,
    t("signOut.title"),
    `<h1>${escapeHtml(t("signOut.heading"))}</h1><p>${escapeHtml(t("signOut.body", { instance: viewer.instanceName }))}</p>${form}
    <button type="submit" form="op.logoutForm" value="yes" name="logout" autofocus>${escapeHtml(t("signOut.confirm"))}</button>
    <button type="submit" form="op.logoutForm" class="secondary">${escapeHtml(t("signOut.stay"))}</button>`,
  );
}

/**
 * The provider's code field, labelled, with the placeholder in the viewer's language and without its
 * inline onfocus script (autofocus does the job; the page then holds no script at all). A refused code
 * marks it invalid and describes it by the refusal, so a screen reader says why when the focus is on it.
 */
function codeField(form: string, placeholder: string, invalid: boolean): string {
  const refused = invalid ? ' aria-invalid="true" aria-describedby="user-code-error"' : "";
  return form
    .replace('name="user_code"', `name="user_code" id="user-code"${refused}`)
    .replace('placeholder="Enter code"', `placeholder="${escapeHtml(placeholder)}"`)
    .replace(/ onfocus="[^"]*"/, "");
}

/** Where the person types the code their device shows. */
export function deviceInputPage(viewer: Viewer, form: string, invalid: boolean): string {
  const t = textsFor(viewer);
  const message = invalid ? `<p role="alert" id="user-code-error">${escapeHtml(t("deviceInput.invalid"))}</p>` : "";
  return page(
    viewer,
    t("deviceInput.title"),
    `<h1>${escapeHtml(t("deviceInput.heading"))}</h1><p>${escapeHtml(t("deviceInput.body"))}</p>${message}
    <label for="user-code">${escapeHtml(t("deviceInput.label"))}</label>${codeField(form, t("deviceInput.placeholder"), invalid)}
    <button type="submit" form="op.deviceInputForm">${escapeHtml(t("deviceInput.submit"))}</button>`,
  );
}

/**
 * Where and when the device asked for its code, against this browser: a code someone sends to be typed in (RFC 8628
 * §5.4, remote phishing) comes from their device, usually on another network than the person's browser.
 */
export type DeviceRequest = { address: string | null; minutesAgo: number; sameNetwork: boolean };

/**
 * Who is signed in as the device page is shown: `label` names them (Approve connects the device as them), `userId` is
 * whom the page was shown to. Both "" when nobody is signed in yet (the sign-in comes after Approve).
 */
export type DeviceViewer = { label: string; userId: string };
const NOBODY: DeviceViewer = { label: "", userId: "" };

/**
 * Where Approve posts: the provider's /device, with whom the page was shown to and the code in the query (the
 * provider reads only the body, where its own form's fields are). Someone else signed in since, in another tab: the
 * approval is refused before the provider sees it (lib/sign-in/app-sign-in-http.ts), as an answer to the other
 * question pages is (AnswerTo).
 */
export function deviceApproveAction(userCode: string, shownTo: string): string {
  return `${DEVICE_PATH}?${new URLSearchParams({ shown_to: shownTo, user_code: userCode })}`;
}

/**
 * "Approve the device?" naming the app, showing the code to compare, where and when the device asked, and who is
 * signed in. `scopes` (the offered ones the device asked for) are listed whether or not the app
 * asks consent: a person sent someone else's code is told, before Approve, that the device would stay signed in and
 * see their email (review 46).
 */
export function deviceConfirmPage(viewer: Viewer, form: string, name: string, userCode: string, asked?: DeviceRequest, signedIn: DeviceViewer = NOBODY, scopes: readonly string[] = []): string {
  const t = textsFor(viewer);
  const app = appLabel(name);
  const gets = scopes.length > 0 ? `<p>${richText(t, "deviceConfirm.gets", { app })}</p>${scopeList(viewer, t, scopes)}` : "";
  const where = asked?.address ? `<p>${richText(t, "deviceConfirm.asked", { address: asked.address, minutes: asked.minutesAgo })}</p>` : "";
  const warning = asked?.address && !asked.sameNetwork ? `<p role="alert">${escapeHtml(t("deviceConfirm.otherNetwork"))}</p>` : "";
  return page(
    viewer,
    t("deviceConfirm.title"),
    `<h1>${escapeHtml(t("deviceConfirm.heading"))}</h1><p>${richText(t, "deviceConfirm.body", { app })}</p><p class="code">${escapeHtml(userCode)}</p>${gets}${where}${warning}${signedInLine(viewer, t, signedIn.label)}${form}
    <button type="submit" form="op.deviceConfirmForm" formaction="${escapeHtml(deviceApproveAction(userCode, signedIn.userId))}" autofocus>${escapeHtml(t("deviceConfirm.approve"))}</button>
    <button type="submit" form="op.deviceConfirmForm" value="yes" name="abort" class="secondary">${escapeHtml(t("deviceConfirm.deny"))}</button>`,
  );
}

/**
 * Approve was pressed on a page shown to someone other than who is signed in now (`signedInAs`, "" when nobody is):
 * nothing was approved. "Show the request again" asks the provider for the same code's confirmation, which names
 * who is signed in now (RFC 8628's verification_uri_complete form of /device).
 */
export function deviceViewerChangedPage(viewer: Viewer, userCode: string, signedInAs: string): string {
  const t = textsFor(viewer);
  const instance = viewer.instanceName;
  const person = asDisplayText(signedInAs, PERSON_LABEL_MAX);
  const now = person ? richText(t, "deviceViewerChanged.signedInNow", { who: person, instance }) : escapeHtml(t("deviceViewerChanged.signedOutNow", { instance }));
  const again = userCode ? `${DEVICE_PATH}?${new URLSearchParams({ user_code: userCode })}` : DEVICE_PATH;
  return page(
    viewer,
    t("deviceViewerChanged.title"),
    `<h1>${escapeHtml(t("deviceViewerChanged.heading"))}</h1><p role="alert">${now}</p><p>${escapeHtml(t("deviceViewerChanged.body"))}</p><a class="button" href="${escapeHtml(again)}">${escapeHtml(t("deviceViewerChanged.again"))}</a>`,
  );
}

/**
 * Where a page's answer posts, and whose it is: the person the page was shown to (their user id, in the form as
 * `shown_to`). An answer posted after someone else signed in in another tab is no answer (lib/sign-in/app-sign-in.ts).
 */
export type AnswerTo = { action: string; shownTo: string };

function answerForm(answer: AnswerTo, buttons: string): string {
  return `<form method="post" action="${escapeHtml(answer.action)}">
      <input type="hidden" name="shown_to" value="${escapeHtml(answer.shownTo)}">
      ${buttons}
    </form>`;
}

/** "You're signed in to {instance} as {who}." (nothing for a person gone meanwhile). */
function signedInLine(viewer: Viewer, t: ReturnType<typeof textsFor>, signedInAs: string): string {
  const person = asDisplayText(signedInAs, PERSON_LABEL_MAX);
  return person ? `<p>${richText(t, "refused.signedInAs", { who: person, instance: viewer.instanceName })}</p>` : "";
}

/** What an app would get, one line per scope in the person's words (the consent question's list, and /device's). */
function scopeList(viewer: Viewer, t: ReturnType<typeof textsFor>, scopes: readonly string[]): string {
  const instance = viewer.instanceName;
  const items = scopes
    .map((s) => {
      const key = knownScope(s);
      return `<li>${escapeHtml(key ? t(`consent.scopes.${key}`, { instance }) : s)}</li>`;
    })
    .join("");
  return `<ul>${items}</ul>`;
}

/** The consent question: which app, what it would see, and who is answering. */
export function consentPage(viewer: Viewer, answer: AnswerTo, name: string, scopes: string[], signedInAs: string): string {
  const t = textsFor(viewer);
  const app = appLabel(name);
  const instance = viewer.instanceName;
  return page(
    viewer,
    t("consent.title", { app }),
    `<h1>${escapeHtml(t("consent.heading", { app }))}</h1><p>${richText(t, "consent.body", { app, instance })}</p>
    ${scopeList(viewer, t, scopes)}${signedInLine(viewer, t, signedInAs)}
    ${answerForm(
      answer,
      `<button type="submit" name="choice" value="allow" autofocus>${escapeHtml(t("consent.allow"))}</button>
      <button type="submit" name="choice" value="deny" class="secondary">${escapeHtml(t("consent.deny"))}</button>`,
    )}`,
  );
}

/**
 * The app asks the person to choose the account (prompt=select_account): who is signed in, "Continue as …" (the
 * answer "continue") and "Use another account" ("switch": signed out, then the sign-in page). Both post to action.
 */
export function chooseAccountPage(viewer: Viewer, answer: AnswerTo, name: string, signedInAs: string): string {
  const t = textsFor(viewer);
  const app = appLabel(name);
  return page(
    viewer,
    t("chooseAccount.title", { app }),
    `<h1>${escapeHtml(t("chooseAccount.heading", { app }))}</h1>${signedInLine(viewer, t, signedInAs)}
    ${answerForm(
      answer,
      `<button type="submit" name="choice" value="continue" autofocus>${escapeHtml(t("chooseAccount.continue"))}</button>
      <button type="submit" name="choice" value="switch" class="secondary">${escapeHtml(t("refused.switch"))}</button>`,
    )}`,
  );
}

/**
 * The person may not sign in to this app (not in its allowed groups, or the app admits nobody now: `closed`): why,
 * in Latchkey's words, who is signed in, "Back to the app" (a device app: "Cancel the device's sign-in", as there is
 * no app page to go back to), which sends the app access_denied, and "Use another account" (signed in with the wrong
 * one on a shared computer). Both post to the answer's action.
 */
export function refusedPage(
  viewer: Viewer,
  answer: AnswerTo,
  name: string,
  { closed, device, signedInAs }: { closed: boolean; device: boolean; signedInAs: string },
): string {
  const t = textsFor(viewer);
  const app = appLabel(name);
  return page(
    viewer,
    t("refused.title", { app }),
    `<h1>${escapeHtml(t("refused.heading", { app }))}</h1><p>${richText(t, closed ? "refused.bodyClosed" : "refused.body", { app, instance: viewer.instanceName })}</p>${signedInLine(viewer, t, signedInAs)}
    ${answerForm(
      answer,
      `<button type="submit" name="choice" value="deny">${escapeHtml(device ? t("refused.backDevice") : t("refused.back", { app }))}</button>
      <button type="submit" name="choice" value="switch" class="secondary">${escapeHtml(t("refused.switch"))}</button>`,
    )}`,
  );
}
