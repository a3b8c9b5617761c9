import { useTranslations } from "next-intl";

/**
 * An email as the directory holds it, with "Not confirmed" beside an address nobody proved (what apps
 * signing in through Latchkey are told as email_verified: false; lib/users/records.ts sealEmail). On a
 * person's page; Team → Users' email column renders EmailCell with texts translated once per table.
 */
export function EmailWithProof({ email, verified }: { email: string | null; verified: boolean }) {
  const t = useTranslations("usersPage.emailProof");
  return <EmailCell email={email} verified={verified} notConfirmed={t("notConfirmed")} hint={t("notConfirmedHint")} />;
}

export function EmailCell({ email, verified, notConfirmed, hint }: { email: string | null; verified: boolean; notConfirmed: string; hint: string }) {
  if (!email) return <span className="text-slate-500">—</span>;
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <span className="break-all">{email}</span>
      {!verified && (
        <span title={hint} className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200">
          {notConfirmed}
        </span>
      )}
    </span>
  );
}
