import { getTranslations } from "next-intl/server";
import { RelativeTime } from "@/components/ui/relative-time";
import type { MfaSummary } from "@/lib/mfa/records";
import type { ProofKind } from "@/lib/mfa/proof-texts";
import { ResetTwoFactor } from "./reset-two-factor";
import { Card, CardHeading } from "@/components/ui/card";

/**
 * A user's second factors on their page (types, counts, last use; never secrets), with the admin's reset, which asks
 * the admin's own proof (`resetProof`: what they give; absent when they may not reset).
 */
export async function UserFactors({ userId, label, mfa, resetProof }: { userId: string; label: string; mfa: MfaSummary; resetProof?: ProofKind }) {
  const t = await getTranslations("mfa.userFactors");
  const any = mfa.totp || mfa.passkeys > 0 || mfa.recoveryCodesLeft > 0;
  return (
    <Card labelledBy="mfa-heading">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <CardHeading id="mfa-heading">
          {t("heading")}
        </CardHeading>
        {resetProof && any && <ResetTwoFactor userId={userId} label={label} proof={resetProof} />}
      </div>
      <dl className="mt-4 grid grid-cols-1 gap-3 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-slate-500">{t("app")}</dt>
          <dd className="text-slate-900">
            {mfa.totp ? (
              <>
                {t("on")} <RelativeTime date={mfa.totpLastUsedAt} />
              </>
            ) : (
              t("off")
            )}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">{t("passkeys")}</dt>
          <dd className="text-slate-900">
            {mfa.passkeys}
            {mfa.passkeys > 0 && mfa.passkeysLastUsedAt && (
              <>
                {" "}
                · {t("lastUsed")} <RelativeTime date={mfa.passkeysLastUsedAt} />
              </>
            )}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">{t("recoveryLeft")}</dt>
          <dd className="text-slate-900">{mfa.recoveryCodesLeft}</dd>
        </div>
      </dl>
    </Card>
  );
}
