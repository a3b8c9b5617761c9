import Link from "next/link";
import { redirect } from "next/navigation";
import { useTranslations } from "next-intl";

/**
 * "Showing 26–50 of 312" with Previous/Next links that keep the rest of the query.
 * A page past the end (an old link, a list that shrank, a hand-edited URL)
 * goes to the last page instead of showing "Showing 2451–63 of 63" over an
 * empty table. An empty list shows no pager at all.
 */
export function Pagination({
  page,
  pageSize,
  total,
  hrefForPage,
}: {
  page: number;
  pageSize: number;
  total: number;
  hrefForPage: (page: number) => string;
}) {
  const t = useTranslations("pagination");
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (page > pages) redirect(hrefForPage(pages));
  // An empty list has its own empty state; "Showing 0–0 of 0, page 1 of 1" under it says nothing more.
  if (total === 0) return null;
  const from = (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const link = "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-inset ring-slate-300 bg-white hover:bg-slate-50";
  const disabled = "rounded-md px-3 py-1.5 text-sm font-medium text-slate-500 ring-1 ring-inset ring-slate-200";
  return (
    <nav aria-label={t("label")} className="mt-4 flex items-center justify-between text-sm text-slate-600">
      <p>{t("showing", { from, to, total })}</p>
      <div className="flex items-center gap-2">
        {page > 1 ? (
          <Link className={link} href={hrefForPage(page - 1)} rel="prev">
            {t("previous")}
          </Link>
        ) : (
          <span className={disabled} aria-disabled>{t("previous")}</span>
        )}
        <span>{t("page", { page, pages })}</span>
        {page < pages ? (
          <Link className={link} href={hrefForPage(page + 1)} rel="next">
            {t("next")}
          </Link>
        ) : (
          <span className={disabled} aria-disabled>{t("next")}</span>
        )}
      </div>
    </nav>
  );
}
