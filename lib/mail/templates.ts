/**
 * The words of every mail Latchkey sends, each as plain text and HTML: the
 * instance's name (Settings → Appearance, else its public address), no remote
 * images but the instance's own logo from its public address, no tracking. HTML
 * is built from escaped text only; links are the public address's. Each mail
 * is written in the locale it is given (lib/mail/language.ts picks it), its
 * words from the "mail" namespace of messages/*.json.
 */
import type { Locale } from "@/i18n/locales";
import type { MailBrand } from "@/lib/instance/branding";
import { mailDateTime, mailTranslator, type MailTranslator } from "./language";
import { asDisplayText } from "@/lib/format/display-text";

export type ComposedMail = { subject: string; text: string; html: string };

const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");


/**
 * How a mail names the instance it comes from: the owner's name for it, else
 * "Latchkey (team.example.com)".
 */
export function instanceName(publicUrl: string | null, brand?: MailBrand): string {
  if (brand?.custom) return brand.name;
  if (!publicUrl) return "Latchkey";
  try {
    return `Latchkey (${new URL(publicUrl).host})`;
  } catch {
    return "Latchkey";
  }
}

type Block = { text: string } | { link: string; label: string };

function compose(t: MailTranslator, locale: Locale, o: { publicUrl: string | null; brand?: MailBrand }, subject: string, greeting: string, blocks: Block[]): ComposedMail {
  const name = instanceName(o.publicUrl, o.brand);
  // The logo only as a link to our own public address (PUBLIC_URL): a mail client fetches it from there, or not at all.
  const logo = o.brand?.logoUrl ? `<p style="margin:0 0 8px"><img src="${escape(o.brand.logoUrl)}" alt="" style="display:block;max-height:48px;max-width:200px;border:0"></p>` : "";
  const footer = t("footer", { instance: name });
  const text = [greeting, "", ...blocks.flatMap((b) => ("text" in b ? [b.text, ""] : [`${b.label}: ${b.link}`, ""])), "--", footer].join("\n");
  const body = blocks
    .map((b) =>
      "text" in b
        ? `<p style="margin:0 0 16px">${escape(b.text)}</p>`
        : `<p style="margin:0 0 16px"><a href="${escape(b.link)}" style="display:inline-block;padding:10px 16px;background:#1e293b;color:#ffffff;text-decoration:none;border-radius:6px">${escape(b.label)}</a></p><p style="margin:0 0 16px;font-size:12px;color:#475569">${escape(t("orOpen", { link: b.link }))}</p>`,
    )
    .join("");
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escape(subject)}</title></head><body style="font-family:system-ui,sans-serif;color:#0f172a;line-height:1.5;max-width:560px;margin:24px auto;padding:0 16px">${logo}<p style="margin:0 0 16px;font-weight:600">${escape(name)}</p><p style="margin:0 0 16px">${escape(greeting)}</p>${body}<hr style="border:none;border-top:1px solid #e2e8f0;margin:24px 0"><p style="font-size:12px;color:#64748b">${escape(footer)}</p></body></html>`;
  return { subject: `${subject} · ${name}`, text, html };
}

const hello = (t: MailTranslator, name: string | null) => (name ? t("hello", { name }) : t("helloUnnamed"));

/**
 * The names in an invite are one line each (lib/format/display-text.ts): a name stored before typed names
 * were refused line breaks can't put a paragraph of its own into the mail.
 */
/** inviter null: an operator's command made the invite (lib/invites/records.ts madeByOperator), no person of the team. */
export function inviteMail(locale: Locale, o: { publicUrl: string; brand?: MailBrand; name: string | null; inviter: string | null; link: string; expiresAt: Date }): ComposedMail {
  const t = mailTranslator(locale);
  const instance = instanceName(o.publicUrl, o.brand);
  return compose(t, locale, o, t("invite.subject"), hello(t, asDisplayText(o.name, 100) || null), [
    { text: o.inviter === null ? t("invite.bodyByOperator", { instance }) : t("invite.body", { inviter: asDisplayText(o.inviter, 100), instance }) },
    { link: o.link, label: t("invite.button") },
    { text: t("invite.expires", { expires: mailDateTime(locale, o.expiresAt) }) },
  ]);
}

/** How long a link works, as a reader says it: "24 hours" rather than "1440 minutes". */
function linkLifetime(t: MailTranslator, minutes: number): string {
  return t("lifetime", { hours: minutes >= 60 && minutes % 60 === 0 ? minutes / 60 : 0, minutes });
}

export function passwordResetMail(locale: Locale, o: { publicUrl: string; brand?: MailBrand; name: string | null; link: string; minutes: number }): ComposedMail {
  const t = mailTranslator(locale);
  return compose(t, locale, o, t("reset.subject"), hello(t, o.name), [
    { text: t("reset.body") },
    { link: o.link, label: t("reset.button") },
    { text: t("reset.expires", { lifetime: linkLifetime(t, o.minutes) }) },
  ]);
}

/** For a person who signs in elsewhere (an identity provider or LDAP): where to change the password instead. */
export function passwordElsewhereMail(locale: Locale, o: { publicUrl: string; brand?: MailBrand; name: string | null; via: "header" | "provider" }): ComposedMail {
  const t = mailTranslator(locale);
  const where = o.via === "header" ? t("elsewhere.viaHeader") : t("elsewhere.viaProvider");
  return compose(t, locale, o, t("elsewhere.subject"), hello(t, o.name), [{ text: t("elsewhere.body", { where }) }, { text: t("elsewhere.ignore") }]);
}

export function emailChangeConfirmMail(locale: Locale, o: { publicUrl: string; brand?: MailBrand; name: string | null; link: string; minutes: number }): ComposedMail {
  const t = mailTranslator(locale);
  return compose(t, locale, o, t("emailConfirm.subject"), hello(t, o.name), [
    { text: t("emailConfirm.body") },
    { link: o.link, label: t("emailConfirm.button") },
    { text: t("emailConfirm.expires", { lifetime: linkLifetime(t, o.minutes) }) },
  ]);
}

/** To a person's current address, which nobody has proven yet (Profile → "Confirm this address"). */
export function emailAddressConfirmMail(locale: Locale, o: { publicUrl: string; brand?: MailBrand; name: string | null; link: string; minutes: number }): ComposedMail {
  const t = mailTranslator(locale);
  return compose(t, locale, o, t("emailVerify.subject"), hello(t, o.name), [
    { text: t("emailVerify.body") },
    { link: o.link, label: t("emailVerify.button") },
    { text: t("emailVerify.expires", { lifetime: linkLifetime(t, o.minutes) }) },
  ]);
}

export function emailChangeNoticeMail(locale: Locale, o: { publicUrl: string; brand?: MailBrand; name: string | null }): ComposedMail {
  const t = mailTranslator(locale);
  return compose(t, locale, o, t("emailNotice.subject"), hello(t, o.name), [{ text: t("emailNotice.body") }, { text: t("emailNotice.notYou") }]);
}

/** To the address an admin's edit took away (the new one is not named: the old mailbox may no longer be the person's). */
export function emailMovedNoticeMail(locale: Locale, o: { publicUrl: string; brand?: MailBrand; name: string | null }): ComposedMail {
  const t = mailTranslator(locale);
  return compose(t, locale, o, t("emailMoved.subject"), hello(t, o.name), [{ text: t("emailMoved.body") }, { text: t("emailMoved.notYou") }]);
}

/** To an address someone asked to make theirs while it already belongs to an account here (or has an invite). */
export function emailInUseMail(locale: Locale, o: { publicUrl: string; brand?: MailBrand }): ComposedMail {
  const t = mailTranslator(locale);
  return compose(t, locale, o, t("emailInUse.subject"), t("helloUnnamed"), [{ text: t("emailInUse.body") }, { text: t("emailInUse.ifYou") }]);
}

export type NoticeMailKind = "passwordChanged" | "twoFactorChanged" | "accessTokenCreated" | "newBrowser";

/** `detail`: a sentence after the notice's line, worded in the mail's language. */
export function securityNoticeMail(locale: Locale, o: { publicUrl: string; brand?: MailBrand; name: string | null; kind: NoticeMailKind; detail?: (t: MailTranslator) => string }): ComposedMail {
  const t = mailTranslator(locale);
  const line = t(`notice.${o.kind}.line`);
  return compose(t, locale, o, t(`notice.${o.kind}.subject`), hello(t, o.name), [
    { text: o.detail ? `${line} ${o.detail(t)}` : line },
    { text: t("notice.ifYou") },
  ]);
}

export function testMail(locale: Locale, o: { publicUrl: string | null; brand?: MailBrand }): ComposedMail {
  const t = mailTranslator(locale);
  return compose(t, locale, o, t("test.subject"), t("helloUnnamed"), [{ text: t("test.body") }]);
}
