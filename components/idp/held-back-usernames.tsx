import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { releaseRetiredUsernameAction } from "@/app/(dashboard)/settings/actions";
import { pageNumber } from "@/app/page-params";
import { buttonClasses } from "@/components/ui/button";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { Pagination } from "@/components/ui/pagination";
import { RelativeTime } from "@/components/ui/relative-time";
import { TextField } from "@/components/ui/text-field";
import type { Actor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/policy";
import { bindAction } from "@/lib/forms/bind-action";
import { listParamsSchema } from "@/lib/http/list-params";
import { listRetiredUsernames, USERNAME_HOLD_DAYS, type RetiredUsername } from "@/lib/users/retired-usernames";

const PAGE_SIZE = 25;
const PAGE_PATH = "/settings/identity-providers";
/** Where a search or another page of the list lands: at the list, not the top of the settings page. */
const AT_LIST = "#held-heading";

/**
 * Settings → Identity providers → Usernames: the names held back after a deletion or a rename, with the owner's
 * "Release" (lib/users/retired-usernames.ts). `held` (a whole username) and `held_page` live in the page's URL.
 */
export async function HeldBackUsernames({ actor, query }: { actor: Actor; query: Record<string, string> }) {
  const t = await getTranslations("providersPage");
  const tc = await getTranslations("columns");
  const format = await getFormatter();
  const page = pageNumber(query.held_page);
  // A hand-edited search longer than a username could be finds nothing rather than an error page.
  const parsed = listParamsSchema.safeParse({ search: query.held, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const params = parsed.success ? parsed.data : { search: undefined, limit: PAGE_SIZE, offset: 0 };
  const { items, total } = await listRetiredUsernames(actor, params);
  const searching = Boolean(params.search);
  const canRelease = can(actor, "settings:sign_in");
  const hrefForPage = (p: number) => {
    const next = new URLSearchParams(query);
    next.delete("deleted");
    if (p > 1) next.set("held_page", String(p));
    else next.delete("held_page");
    const qs = next.toString();
    return `${PAGE_PATH}${qs ? `?${qs}` : ""}${AT_LIST}`;
  };
  const columns: Array<DataColumn<RetiredUsername>> = [
    { id: "username", header: tc("username"), className: "px-4 py-3 align-top font-medium text-slate-900 break-all", cell: (r) => r.username },
    {
      id: "former",
      header: t("heldFormer"),
      className: "px-4 py-3 align-top text-slate-700",
      cell: (r) =>
        r.formerHolder ? (
          <Link className="text-indigo-700 underline-offset-2 hover:underline" href={`/team/users/${r.formerHolder.id}`}>
            {r.formerHolder.name || r.formerHolder.username}
          </Link>
        ) : (
          <span className="text-slate-500">{t("heldFormerGone")}</span>
        ),
    },
    { id: "retired_at", header: t("heldSince"), className: "px-4 py-3 align-top whitespace-nowrap text-slate-700", cell: (r) => <RelativeTime date={r.retiredAt} /> },
    {
      id: "held_until",
      header: t("heldUntil"),
      className: "px-4 py-3 align-top whitespace-nowrap text-slate-700",
      cell: (r) => format.dateTime(r.heldUntil, { dateStyle: "medium", timeZone: "UTC" }),
    },
    {
      id: "actions",
      rowActions: true,
      header: tc("actions"),
      hiddenHeader: true,
      className: "px-4 py-3 align-top",
      cell: (r) =>
        canRelease && (
          <ConfirmAction
            label={t("heldRelease")}
            subject={r.username}
            title={t("heldReleaseTitle", { username: r.username })}
            body={t("heldReleaseBody", { username: r.username })}
            confirmLabel={t("heldRelease")}
            action={bindAction(releaseRetiredUsernameAction, r.id)}
          />
        ),
    },
  ];
  return (
    <section aria-labelledby="held-heading" className="mt-6 border-t border-slate-200 pt-4">
      <h3 id="held-heading" className="text-sm font-semibold text-slate-900">
        {t("heldHeading")}
      </h3>
      <p className="mt-1 text-sm text-slate-600">{t("heldBody", { days: USERNAME_HOLD_DAYS })}</p>
      {(total > PAGE_SIZE || searching) && (
        <form method="get" action={`${PAGE_PATH}${AT_LIST}`} role="search" className="mt-3 flex flex-wrap items-end gap-2">
          <TextField label={t("heldSearch")} name="held" defaultValue={params.search ?? ""} className="w-64" autoComplete="off" />
          <button type="submit" className={buttonClasses("secondary")}>
            {t("heldFind")}
          </button>
          {searching && (
            <Link href={`${PAGE_PATH}${AT_LIST}`} className={buttonClasses("secondary")}>
              {t("heldShowAll")}
            </Link>
          )}
        </form>
      )}
      <div className="mt-3">
        <DataTable
          label={t("heldHeading")}
          rows={items}
          rowKey={(r) => r.id}
          columns={columns}
          empty={<p className="text-sm text-slate-600">{searching ? t("heldNoMatch", { username: params.search ?? "" }) : t("heldNone")}</p>}
        />
      </div>
      {/* One page needs no pager here (a section of a settings card); a URL past the end still goes to the last page. */}
      {(total > PAGE_SIZE || page > 1) && <Pagination page={page} pageSize={PAGE_SIZE} total={total} hrefForPage={hrefForPage} />}
    </section>
  );
}
