import Link from "next/link";
import { ActivityFilters, isFilterField } from "@/components/activity/activity-filters";
import { EventsTable } from "@/components/activity/events-table";
import { VerifyIntegrity } from "@/components/activity/verify-integrity";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { Alert } from "@/components/ui/alert";
import { buttonClasses } from "@/components/ui/button";
import { eventFiltersSchema, FILTER_KEYS, filtersInput } from "@/lib/audit/event-filters";
import { actionOptions, listEvents } from "@/lib/audit/events";
import { can } from "@/lib/auth/policy";
import { pageActor } from "@/lib/sign-in/session-actor";
import { groupNamesForActivity } from "@/lib/groups/queries";
import { fieldErrorsOf } from "@/lib/http/validation";
import { titled } from "@/i18n/titles";
import { getFormatter, getTranslations } from "next-intl/server";
import { serverText } from "@/lib/forms/message-keys";
import { partyLinks } from "./party-links";

export const generateMetadata = titled("activity");

const PAGE_SIZE = 50;

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ActivityPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await pageActor();
  const t = await getTranslations("activity");
  const ta = await getTranslations("activityPage");
  const server = await getTranslations("serverMessages");
  const format = await getFormatter();
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
  // The filter's refusals in the person's language where the catalog has them (lib/forms/message-keys.ts): each
  // at its field; the banner says the rest (a paging cursor from a hand-made URL), or points at the fields.
  const refused = parsed.success ? null : Object.entries(fieldErrorsOf(parsed.error)).map(([name, texts]) => [name, texts.map((text) => serverText(server, text))] as const);
  const atFields = Object.fromEntries((refused ?? []).filter(([name]) => isFilterField(name)));
  const elsewhere = (refused ?? []).filter(([name]) => !isFilterField(name)).flatMap(([, texts]) => texts);
  const errors = refused ? (elsewhere.length > 0 ? elsewhere : [(await getTranslations("forms"))("fixFields")]) : null;
  const filters = parsed.success ? parsed.data : eventFiltersSchema.parse({ limit: PAGE_SIZE });
  const page = await listEvents(actor, filters);
  const filterValues: Record<string, string> = {};
  for (const key of FILTER_KEYS) if (input[key]) filterValues[key] = input[key];
  const filtered = Object.keys(filterValues).length > 0;

  const link = (extra: Record<string, string>) => `/activity?${new URLSearchParams({ ...filterValues, ...extra })}`;
  const exportHref = (format: string) => `/api/events/export?${new URLSearchParams({ ...filterValues, format })}`;
  const first = page.events[0];
  const last = page.events.at(-1);
  const total = page.totalExact ? format.number(page.total) : ta("moreThan", { total: format.number(page.total) });
  // `events` picks the noun ("1 event", "2 events"); `total` is the number as said, or "more than …".
  const count = { total, events: page.total, shown: format.number(page.events.length), filtered: filtered ? "yes" : "no" };
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
              {ta("exportCsv")}
            </a>
            <a href={exportHref("jsonl")} className={buttonClasses("secondary")} download>
              {ta("exportJsonl")}
            </a>
          </div>
        }
      />
      <div className="mb-4">
        <VerifyIntegrity />
      </div>
      <ActivityFilters key={JSON.stringify(filterValues)} values={filterValues} actions={await actionOptions(actor)} errors={atFields} />
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
        <EventsTable events={page.events} groupNames={await groupNamesForActivity(actor)} links={await partyLinks(actor, page.events)} />
      )}
      {!errors && (
      <nav aria-label={ta("pagination")} className="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
        <p>
          {page.events.length > 0 ? ta("showing", count) : ta("count", count)}
        </p>
        <div className="flex items-center gap-2">
          {page.hasNewer && first ? (
            <>
              <Link className={navLink} href={link({})}>
                {ta("newest")}
              </Link>
              <Link className={navLink} href={link({ after: String(first.seq) })} rel="prev">
                {ta("newer")}
              </Link>
            </>
          ) : (
            <span className={navOff} aria-disabled>
              {ta("newer")}
            </span>
          )}
          {page.hasOlder && last ? (
            <Link className={navLink} href={link({ before: String(last.seq) })} rel="next">
              {ta("older")}
            </Link>
          ) : (
            <span className={navOff} aria-disabled>
              {ta("older")}
            </span>
          )}
        </div>
      </nav>
      )}
    </>
  );
}
