import Link from "next/link";
import { ActivityFilters } from "@/components/activity/activity-filters";
import { EventsTable } from "@/components/activity/events-table";
import { VerifyIntegrity } from "@/components/activity/verify-integrity";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { Alert } from "@/components/ui/alert";
import { buttonClasses } from "@/components/ui/button";
import { eventFiltersSchema, FILTER_KEYS, filtersInput } from "@/lib/audit/event-filters";
import { actionOptions, listEvents } from "@/lib/audit/events";
import { partyLinks } from "@/lib/audit/party-links";
import { can } from "@/lib/auth/policy";
import { pageActor } from "@/lib/sign-in/session-actor";
import { db } from "@/lib/db/database";
import { groupNamesById } from "@/lib/groups/membership";
import { fieldErrorsOf } from "@/lib/http/validation";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";

export const generateMetadata = titled("activity");

const PAGE_SIZE = 50;

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ActivityPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await pageActor();
  const t = await getTranslations("activity");
  if (!can(actor, "events:read")) {
    return (
      <>
        <PageHeader title={t("title")} />
        <EmptyState title={t("notAvailable")}>{t("notAvailableBody")}</EmptyState>
      </>
    );
  }

  const input = filtersInput(await searchParams);
  const parsed = eventFiltersSchema.safeParse({ ...input, limit: PAGE_SIZE, offset: undefined });
  const errors = parsed.success ? null : Object.values(fieldErrorsOf(parsed.error)).flat();
  const filters = parsed.success ? parsed.data : eventFiltersSchema.parse({ limit: PAGE_SIZE });
  const page = await listEvents(actor, filters);
  const filterValues: Record<string, string> = {};
  for (const key of FILTER_KEYS) if (input[key]) filterValues[key] = input[key];
  const filtered = Object.keys(filterValues).length > 0;

  const link = (extra: Record<string, string>) => `/activity?${new URLSearchParams({ ...filterValues, ...extra })}`;
  const exportHref = (format: string) => `/api/events/export?${new URLSearchParams({ ...filterValues, format })}`;
  const first = page.events[0];
  const last = page.events.at(-1);
  const total = page.totalExact ? page.total.toLocaleString("en") : `more than ${page.total.toLocaleString("en")}`;
  const navLink = "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-inset ring-slate-300 bg-white hover:bg-slate-50";
  const navOff = "rounded-md px-3 py-1.5 text-sm font-medium text-slate-500 ring-1 ring-inset ring-slate-200";

  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <div className="flex flex-wrap items-center gap-2">
            <a href={exportHref("csv")} className={buttonClasses("secondary")} download>
              Export CSV
            </a>
            <a href={exportHref("jsonl")} className={buttonClasses("secondary")} download>
              Export JSON Lines
            </a>
          </div>
        }
      />
      <div className="mb-4">
        <VerifyIntegrity />
      </div>
      <ActivityFilters values={filterValues} actions={await actionOptions(actor)} />
      {errors && (
        <div className="mb-4">
          <Alert tone="error">{errors.join(" ")}</Alert>
        </div>
      )}
      {/* A refused filter (an inverted date range, say) shows its error and no events, not the unfiltered log. */}
      {errors ? null : page.events.length === 0 ? (
        <EmptyState title={filtered ? t("noMatch") : t("none")}>
          {filtered ? t("noMatchBody") : null}
        </EmptyState>
      ) : (
        <EventsTable events={page.events} groupNames={await groupNamesById(db(), actor.accountId)} links={await partyLinks(actor, page.events)} />
      )}
      {!errors && (
      <nav aria-label="Pagination" className="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
        <p>
          {page.events.length > 0 ? `Showing ${page.events.length} of ${total} events` : `${total} events`}
          {filtered ? " matching the filters" : ""}
        </p>
        <div className="flex items-center gap-2">
          {page.hasNewer && first ? (
            <>
              <Link className={navLink} href={link({})}>
                Newest
              </Link>
              <Link className={navLink} href={link({ after: String(first.seq) })} rel="prev">
                Newer
              </Link>
            </>
          ) : (
            <span className={navOff} aria-disabled>
              Newer
            </span>
          )}
          {page.hasOlder && last ? (
            <Link className={navLink} href={link({ before: String(last.seq) })} rel="next">
              Older
            </Link>
          ) : (
            <span className={navOff} aria-disabled>
              Older
            </span>
          )}
        </div>
      </nav>
      )}
    </>
  );
}
