import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { outboxIdle } from "@/lib/data/outbox";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { users } from "@/lib/db/schema";
import { createSession } from "@/lib/sessions/sessions";
import { requestPasswordReset } from "@/lib/users/password-reset";
import { setOwnLocale } from "@/lib/users/profile";
import { createUser, META, startSession, updateUserRow, type TestUser } from "@/test/factories";
import { sentTo, startMailInstance } from "@/test/mail";
import type { TestSmtp } from "@/test/smtp-server";

let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;
const localeOf = async (userId: string) => (await db().select({ locale: users.locale }).from(users).where(and(eq(users.accountId, accountId), eq(users.id, userId))))[0]?.locale;

beforeAll(async () => ({ smtp, accountId, owner } = await startMailInstance()), 60_000);
afterAll(() => smtp.stop());

// A real SMTP server and password hashing: slow on a loaded machine.
describe("mail in the recipient's language", { timeout: 60_000 }, () => {
  it("a German person's reset mail is German, an English person's English", async () => {
    const german = await createUser(accountId, { name: "Greta" });
    const english = await createUser(accountId, { name: "Emma" });
    await updateUserRow(german.id, { locale: "de" });
    await updateUserRow(english.id, { locale: "en" });
    await requestPasswordReset(german.email, META);
    await requestPasswordReset(english.email, META);
    await outboxIdle();
    const de = await smtp.waitFor(sentTo(german.email));
    expect(de.subject).toBe("Neues Passwort festlegen · Latchkey (team.example.com)");
    expect(de.text).toContain("Hallo Greta,");
    expect(de.text).toContain("Der Link funktioniert einmal, 30 Minuten lang.");
    expect(de.html).toContain('<html lang="de">');
    const en = await smtp.waitFor(sentTo(english.email));
    expect(en.subject).toBe("Set a new password · Latchkey (team.example.com)");
    expect(en.text).toContain("Hello Emma,");
    expect(en.text).toContain("The link works once, for 30 minutes.");
  });

  it("someone who never chose gets the instance's language (the owner's), and a choice or a sign-in with the cookie is remembered", async () => {
    const undecided = await createUser(accountId);
    await updateUserRow(owner.id, { locale: "de" });
    await requestPasswordReset(undecided.email, META);
    await outboxIdle();
    expect((await smtp.waitFor(sentTo(undecided.email))).subject).toMatch(/^Neues Passwort festlegen/);
    await updateUserRow(owner.id, { locale: null });

    await writeSystem((tx) => createSession(tx, undecided, "password", { ...META, locale: "de" }));
    expect(await localeOf(undecided.id)).toBe("de");
    await writeSystem((tx) => createSession(tx, undecided, "password", META)); // no cookie: the choice stays
    expect(await localeOf(undecided.id)).toBe("de");
    await setOwnLocale(await startSession(undecided), "en");
    expect(await localeOf(undecided.id)).toBe("en");
    await setOwnLocale(await startSession(undecided), null);
    expect(await localeOf(undecided.id)).toBeNull();
  });
});
