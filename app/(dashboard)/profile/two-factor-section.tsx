import { getTranslations } from "next-intl/server";
import { TwoFactorPanel } from "@/components/mfa/two-factor-panel";
import type { SessionActor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/policy";
import { ownMfaSummary } from "@/lib/mfa/factors";
import { ownPasskeys } from "@/lib/mfa/passkeys";
import { ownFactorRequired } from "@/lib/mfa/policy";
import { proofKindOf } from "@/lib/mfa/proof";
import { RECOVERY_CODES_LOW } from "@/lib/mfa/recovery-codes";
import { hasFactor } from "@/lib/mfa/records";
import { Card, CardHeading } from "@/components/ui/card";

/** Profile → Two-factor authentication: the person's own second factors (issue 14). */
export async function TwoFactorSection({ actor, hasLocalPassword }: { actor: SessionActor; hasLocalPassword: boolean }) {
  const [summary, own, proof, required] = await Promise.all([ownMfaSummary(actor), ownPasskeys(actor), proofKindOf(actor.userId, hasLocalPassword), ownFactorRequired(actor)]);
  const t = await getTranslations("profilePage.twoFactor");
  // Only someone who may set the public address (Settings → Email) is told about PUBLIC_URL; a member is told who can.
  const needPublicUrl = (await getTranslations("publicPages.passkey"))(can(actor, "settings:email") ? "needPublicUrl" : "needPublicUrlAsk");
  const passkeys = own.passkeys.map((p) => ({ id: p.id, name: p.name, createdAt: p.createdAt.toISOString(), lastUsedAt: p.lastUsedAt?.toISOString() ?? null }));
  return (
    <Card labelledBy="two-factor-heading">
      <CardHeading id="two-factor-heading">
        {t("heading")}
      </CardHeading>
      <p className="mt-1 max-w-2xl text-sm text-slate-600">{t("description")}</p>
      <TwoFactorPanel
        totp={summary.totp}
        totpLastUsedAt={summary.totpLastUsedAt?.toISOString() ?? null}
        recoveryCodesLeft={summary.recoveryCodesLeft}
        lowOnCodes={hasFactor(summary) && summary.recoveryCodesLeft < RECOVERY_CODES_LOW}
        proof={proof}
        passkeys={passkeys}
        passkeysAvailable={own.available}
        passkeysUnavailableMessage={needPublicUrl}
        required={required}
      />
    </Card>
  );
}
