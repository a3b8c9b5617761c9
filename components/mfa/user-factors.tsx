import { getTranslations } from "next-intl/server";
import { resetTwoFactorAction } from "@/app/(dashboard)/team/users/two-factor-actions";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { RelativeTime } from "@/components/ui/relative-time";
import type { MfaSummary } from "@/lib/mfa/records";
import { bindAction } from "@/lib/forms/bind-action";
import { Card, CardHeading } from "@/components/ui/card";

/** A user's second factors on their page (types, counts, last use; never secrets), with the admin's reset. */
export async function UserFactors({ userId, label, mfa, canReset }: { userId: string; label: string; mfa: MfaSummary; canReset: boolean }) {
  const t = await getTranslations("mfa.userFactors");
  const any = mfa.totp || mfa.passkeys > 0 || mfa.recoveryCodesLeft > 0;
  return (
    <Card labelledBy="mfa-heading">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <CardHeading id="mfa-heading">
          {t("heading")}
        </CardHeading>
        {canReset && any && (
          <ConfirmAction
            label={t("reset")}
            title={t("resetTitle", { name: label })}
            body={t("resetBody")}
            confirmLabel={t("reset")}
            action={bindAction(resetTwoFactorAction, userId)}
          />
        )}
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
