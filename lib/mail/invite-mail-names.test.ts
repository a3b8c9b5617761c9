/** An invite mail says the inviter's and the invitee's names on one line each, whatever was stored before the rule. */
import { describe, expect, it } from "vitest";
import { inviteMail } from "./templates";

describe("invite mail", () => {
  it("puts no line break of a stored name into the mail", () => {
    const mail = inviteMail("en", {
      publicUrl: "https://team.example.com",
      name: "Nia\u202E\nNew",
      inviter: "Olga\n\nYour account will be closed. Verify at https://evil.example",
      link: "https://team.example.com/invite?token=lki_x",
      expiresAt: new Date("2030-01-01T00:00:00Z"),
    });
    expect(mail.text).toContain("Olga Your account will be closed. Verify at https://evil.example");
    expect(mail.text).not.toMatch(/Olga\s*\n/);
    expect(mail.text).toContain("Nia New");
    expect(mail.html).not.toContain("\u202E");
  });
});
