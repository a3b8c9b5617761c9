/**
 * The words of every mail Latchkey sends, each as plain text and HTML: the
 * instance's name (its public address), no remote images, no tracking. HTML
 * is built from escaped text only; links are the public address's.
 */
export type ComposedMail = { subject: string; text: string; html: string };

const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** "Latchkey (team.example.com)": how a mail names the instance it comes from. */
export function instanceName(publicUrl: string | null): string {
  if (!publicUrl) return "Latchkey";
  try {
    return `Latchkey (${new URL(publicUrl).host})`;
  } catch {
    return "Latchkey";
  }
}

type Block = { text: string } | { link: string; label: string };

function compose(publicUrl: string | null, subject: string, greeting: string, blocks: Block[]): ComposedMail {
  const name = instanceName(publicUrl);
  const footer = `This message was sent by ${name}. If you did not expect it, you can ignore it or tell your administrator.`;
  const text = [greeting, "", ...blocks.flatMap((b) => ("text" in b ? [b.text, ""] : [`${b.label}: ${b.link}`, ""])), "--", footer].join("\n");
  const body = blocks
    .map((b) =>
      "text" in b
        ? `<p style="margin:0 0 16px">${escape(b.text)}</p>`
        : `<p style="margin:0 0 16px"><a href="${escape(b.link)}" style="display:inline-block;padding:10px 16px;background:#1e293b;color:#ffffff;text-decoration:none;border-radius:6px">${escape(b.label)}</a></p><p style="margin:0 0 16px;font-size:12px;color:#475569">Or open this address: ${escape(b.link)}</p>`,
    )
    .join("");
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escape(subject)}</title></head><body style="font-family:system-ui,sans-serif;color:#0f172a;line-height:1.5;max-width:560px;margin:24px auto;padding:0 16px"><p style="margin:0 0 16px;font-weight:600">${escape(name)}</p><p style="margin:0 0 16px">${escape(greeting)}</p>${body}<hr style="border:none;border-top:1px solid #e2e8f0;margin:24px 0"><p style="font-size:12px;color:#64748b">${escape(footer)}</p></body></html>`;
  return { subject: `${subject} · ${name}`, text, html };
}

const hello = (name: string | null) => (name ? `Hello ${name},` : "Hello,");

export function inviteMail(o: { publicUrl: string; name: string | null; inviter: string; link: string; expiresAt: Date }): ComposedMail {
  return compose(o.publicUrl, "You are invited", hello(o.name), [
    { text: `${o.inviter} invited you to join the team on ${instanceName(o.publicUrl)}. Choose a password to accept.` },
    { link: o.link, label: "Accept the invite" },
    { text: `The link works once and until ${o.expiresAt.toUTCString()}.` },
  ]);
}

export function passwordResetMail(o: { publicUrl: string; name: string | null; link: string; minutes: number }): ComposedMail {
  return compose(o.publicUrl, "Set a new password", hello(o.name), [
    { text: "Someone asked to set a new password for your account. If it was you, open the link below." },
    { link: o.link, label: "Set a new password" },
    { text: `The link works once, for ${o.minutes} minutes. If you did not ask, ignore this message: your password stays as it is.` },
  ]);
}

/** For a person who signs in elsewhere (an identity provider or LDAP): where to change the password instead. */
export function passwordElsewhereMail(o: { publicUrl: string; name: string | null; where: string }): ComposedMail {
  return compose(o.publicUrl, "About your password", hello(o.name), [
    { text: `Someone asked to set a new password for your account. You sign in through ${o.where}, so your password is changed there, not here.` },
    { text: "If you did not ask, ignore this message." },
  ]);
}

export function emailChangeConfirmMail(o: { publicUrl: string; name: string | null; link: string; minutes: number }): ComposedMail {
  return compose(o.publicUrl, "Confirm your new email address", hello(o.name), [
    { text: "Confirm that this is your new email address for signing in and for messages from us." },
    { link: o.link, label: "Confirm this address" },
    { text: `The link works once, for ${o.minutes} minutes. Until then your old address stays in use.` },
  ]);
}

export function emailChangeNoticeMail(o: { publicUrl: string; name: string | null }): ComposedMail {
  return compose(o.publicUrl, "Your email address is being changed", hello(o.name), [
    { text: "Someone asked to change the email address of your account to a new one. It changes once the new address is confirmed." },
    { text: "If this wasn't you, sign in and change your password, or tell your administrator." },
  ]);
}

const NOTICES = {
  passwordChanged: ["Your password was changed", "The password of your account was changed."],
  twoFactorChanged: ["Your two-factor authentication changed", "The two-factor authentication of your account was changed."],
  accessTokenCreated: ["A new access token was created", "A new access token was created for your account."],
  newBrowser: ["Sign-in from a new browser", "Your account was signed in to from a browser it had not used before."],
} as const;

export function securityNoticeMail(o: { publicUrl: string; name: string | null; kind: keyof typeof NOTICES; detail?: string }): ComposedMail {
  const [subject, line] = NOTICES[o.kind];
  return compose(o.publicUrl, subject, hello(o.name), [
    { text: o.detail ? `${line} ${o.detail}` : line },
    { text: "If this was you, there is nothing to do. If not, sign in and change your password, or tell your administrator." },
  ]);
}

export function testMail(o: { publicUrl: string | null }): ComposedMail {
  return compose(o.publicUrl, "Test message", "Hello,", [{ text: "Mail from this instance reaches you. Nothing else to do." }]);
}
