import { useFormatter, useTranslations } from "next-intl";
import { Alert } from "@/components/ui/alert";
import type { DirectorySyncOutcome } from "@/lib/db/schema";

/** The periodic directory check on the LDAP page: how often it runs, and what its last run came to. */
export function DirectorySyncStatus({ intervalMinutes, lastAt, last }: { intervalMinutes: number | null; lastAt: Date | null; last: DirectorySyncOutcome | null }) {
  const t = useTranslations("ldapPage.sync");
  const format = useFormatter();
  const time = lastAt ? `${format.dateTime(lastAt, { dateStyle: "medium", timeStyle: "short" })} UTC` : "";
  const counts = last ? { time, checked: last.checked, missing: last.missing, suspended: last.suspended, groups: last.groups_updated } : null;
  return (
    <section aria-labelledby="directory-sync-title" className="space-y-2">
      <h2 id="directory-sync-title" className="text-sm font-semibold text-slate-800">
        {t("title")}
      </h2>
      <p className="text-sm text-slate-600">{intervalMinutes === null ? t("off") : t("every", { minutes: intervalMinutes })}</p>
      {!counts || !last ? (
        intervalMinutes !== null && <p className="text-sm text-slate-600">{t("never")}</p>
      ) : last.status === "done" ? (
        <Alert tone="success">{t("done", counts)}</Alert>
      ) : (
        // A standing status, not news: read out politely (role=status), like the other notes on the page.
        <Alert tone="info">{t(last.status, counts)}</Alert>
      )}
      {last?.status === "done" && last.owner_entry_gone && <Alert tone="info">{t("ownerEntryGone")}</Alert>}
      {last?.status === "done" && (last.not_checked ?? 0) > 0 && <p className="text-sm text-slate-600">{t("notChecked", { count: last.not_checked! })}</p>}
    </section>
  );
}
