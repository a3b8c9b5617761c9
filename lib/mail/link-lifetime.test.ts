/**
 * Review 19: the mail confirming a new email address said "The link works once, for 1440 minutes" ("1440
 * Minuten lang" in German). A whole number of hours is said in hours; shorter links keep their minutes.
 */
import { describe, expect, it } from "vitest";
import { emailAddressConfirmMail, emailChangeConfirmMail, passwordResetMail } from "./templates";

const base = { publicUrl: "https://team.example.com", name: "Mia", link: "https://team.example.com/confirm-email?token=lke_x" };

describe("how long a mailed link works", () => {
  it("a day is said as 24 hours, in English and German", () => {
    expect(emailChangeConfirmMail("en", { ...base, minutes: 1440 }).text).toContain("The link works once, for 24 hours.");
    expect(emailChangeConfirmMail("de", { ...base, minutes: 1440 }).text).toContain("Der Link funktioniert einmal, 24 Stunden lang.");
    expect(emailAddressConfirmMail("en", { ...base, minutes: 60 }).text).toContain("The link works once, for 1 hour.");
  });

  it("minutes stay minutes when they are not whole hours", () => {
    expect(passwordResetMail("en", { ...base, minutes: 30 }).text).toContain("The link works once, for 30 minutes.");
    expect(passwordResetMail("de", { ...base, minutes: 90 }).text).toContain("Der Link funktioniert einmal, 90 Minuten lang.");
    expect(passwordResetMail("en", { ...base, minutes: 1 }).text).toContain("for 1 minute.");
  });
});
