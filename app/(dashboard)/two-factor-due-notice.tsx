import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { Alert } from "@/components/ui/alert";
import type { SessionActor } from "@/lib/auth/actor";
import { ownTwoFactorDue } from "@/lib/mfa/policy";

/**
 * Two-factor required of this person (Settings → Security) and not set up yet: on every dashboard page until it is,
 * by when while the grace period lasts, or that their next sign-in takes them to set-up, and the way to Profile's
 * set-up. People don't visit Profile to find out (stop 50, after reviews 20 and 21).
 */
export async function TwoFactorDueNotice({ actor }: { actor: SessionActor }) {
  const due = await ownTwoFactorDue(actor);
  if (!due) return null;
  const t = await getTranslations("mfa");
  const format = await getFormatter();
  return (
    <div className="mb-6">
      <Alert tone="info">
        {due === "now" ? t("requiredNow") : t("requiredBy", { date: `${format.dateTime(due, { dateStyle: "medium", timeStyle: "short" })} UTC` })}{" "}
        <Link href="/profile#two-factor-heading" className="font-semibold text-indigo-700 underline">
          {t("setUpOnProfile")}
        </Link>
      </Alert>
    </div>
  );
}
