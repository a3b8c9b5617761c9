import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Alert } from "@/components/ui/alert";
import { ShownOnce } from "@/components/mfa/shown-once";
import type { SessionActor } from "@/lib/auth/actor";
import { ownMfaSummary } from "@/lib/mfa/factors";
import { RECOVERY_CODES_LOW } from "@/lib/mfa/recovery-codes";
import { recoveryCodeNoticeDue } from "@/lib/sign-in/recovery-code-notice";

/**
 * After a sign-in with a recovery code, on the page the person lands on: how many codes are left (what the server
 * holds now) and, when few or none (Profile's rule, RECOVERY_CODES_LOW), the way to make new ones. Once
 * (lib/sign-in/recovery-code-notice.ts): shown, it clears its marker, and stays behind when the person moves on. Only
 * to the session that used the code: another person signing in on the same browser is never told.
 */
export async function RecoveryCodeNotice({ actor }: { actor: SessionActor }) {
  if (!(await recoveryCodeNoticeDue(actor.sessionId))) return null;
  const left = (await ownMfaSummary(actor)).recoveryCodesLeft;
  const t = await getTranslations("mfa");
  return (
    <ShownOnce seenPath="/recovery-code-notice/seen">
      <div className="mb-6">
        <Alert tone="info">
          {left === 0 ? t("signedInWithLastRecoveryCode") : t("signedInWithRecoveryCode", { count: left })}
          {left < RECOVERY_CODES_LOW && (
            <>
              {" "}
              <Link href="/profile#two-factor-heading" className="font-semibold text-indigo-700 underline">
                {t("makeNewCodes")}
              </Link>
            </>
          )}
        </Alert>
      </div>
    </ShownOnce>
  );
}
