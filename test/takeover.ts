/**
 * Unit tests' account-takeover attempt: what an attacker who reads an address does with it. Ask "Forgot
 * password?" for it, follow the link in the mail (sent to a throwaway SMTP server, test/smtp-server.ts),
 * choose a password, sign in.
 */
import { outboxIdle } from "@/lib/data/outbox";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { passwordResetRequestsIdle, requestPasswordReset, resetPasswordWithToken } from "@/lib/users/password-reset";
import { META } from "./factories";
import { sentTo } from "./mail";
import type { TestSmtp } from "./smtp-server";

/** The reset token in a "Forgot password?" mail's text, if there is one. */
export const resetTokenIn = (text: string | undefined) => /\/reset-password\?token=(lkr_[0-9A-Za-z]+)/.exec(text ?? "")?.[1];

/** Whether the reset link mailed to `inbox` lets whoever reads it sign in as `victimId` with a password of their choosing. */
export async function takesOverThrough(smtp: TestSmtp, inbox: string, victimId: string, chosenPassword: string): Promise<boolean> {
  try {
    await requestPasswordReset(inbox, META);
    await passwordResetRequestsIdle();
    await outboxIdle();
    const token = resetTokenIn((await smtp.waitFor(sentTo(inbox))).text)!;
    await resetPasswordWithToken({ token, password: chosenPassword }, META);
    return (await signInWithPassword(inbox, chosenPassword, META)).userId === victimId;
  } catch {
    return false;
  }
}
