/**
 * The one table every list uses: a header that stays in view while the rows
 * scroll (inside the table's own box, which also scrolls sideways on a phone
 * instead of the page), column headers that sort through links (the sort
 * lives in the URL, so a sorted view can be shared and Back undoes it), and
 * an empty state instead of an empty table. Its one hook is next-intl's
 * useTranslations, which works on the server and in client components, so it
 * renders on the server and inside client components alike. A long list is
 * cheaper as a client table given its rows as plain data (the server then
 * sends data, not every cell's elements): its sort links come as SortHrefs,
 * made on the server with sortHrefsFor, since a function can't cross over.
 */
import Link from "next/link";
import type { ReactNode } from "react";
import { useTranslations } from "next-intl";
import type { SortOrder } from "@/lib/http/list-params";
import { TableBox } from "./table-box";

export type DataColumn<T> = {
  /** Stable id of the column (React key). */
  id: string;
  header: string;
  /** Replaces the header's text (a select-all checkbox, say); the column doesn't sort then. */
  headerCell?: ReactNode;
  cell: (row: T) => ReactNode;
  /** The list's sort key for this column; absent: not sortable. */
  sortKey?: string;
  /** Why this column can't be sorted right now (shown as the header's title and to screen readers). */
  unsortableReason?: string;
  /** Other values the column shows that it also sorts by (a second link in its header: Name · Username). */
  alsoSortBy?: Array<{ key: string; header: string }>;
  /** The header is only for screen readers (a column of row actions). */
  hiddenHeader?: boolean;
  /**
   * The row's buttons (Sign out, Revoke, Delete…): on a phone, where the box scrolls sideways, this column stays
   * at the box's right edge and the other columns scroll under it, so the buttons are never cut off.
   */
  rowActions?: boolean;
  /**
   * Its values may hold a word longer than the column (an email address, a URL, a name without spaces): such a word
   * breaks at the cell's edge instead of making the column as wide as itself (r49: a 120-character address or a
   * redirect URI widened Activity's details and a group's emails past the screen). The column is at least 12 rem wide
   * (or its own min-w-*), so that normal words still fit whole.
   */
  longWords?: boolean;
  className?: string;
};

export type TableSort = { key: string; order: SortOrder } | null;

/** Each sortable key's URL in each order: what a client table gets instead of a hrefForSort function. */
export type SortHrefs = Record<string, Record<SortOrder, string>>;

/** The sort URLs of `keys` (every sortKey and alsoSortBy key of the table's columns), for a table rendered in the browser. */
export function sortHrefsFor(keys: readonly string[], hrefForSort: (key: string, order: SortOrder) => string): SortHrefs {
  return Object.fromEntries(keys.map((key) => [key, { asc: hrefForSort(key, "asc"), desc: hrefForSort(key, "desc") }]));
}

type HrefForSort = (key: string, order: SortOrder) => string;

export function DataTable<T>({
  label,
  rows,
  rowKey,
  columns,
  sort = null,
  hrefForSort,
  empty,
  rowClassName = "relative hover:bg-slate-50",
}: {
  /** The table's accessible name. */
  label: string;
  rows: T[];
  rowKey: (row: T) => string;
  columns: Array<DataColumn<T>>;
  /** The sort now shown. */
  sort?: TableSort;
  /** The URL of this view sorted by `key` in `order` (or each key's URLs: SortHrefs); absent: no header sorts. */
  hrefForSort?: HrefForSort | SortHrefs;
  /** Shown instead of the table when there are no rows. */
  empty: ReactNode;
  rowClassName?: string;
}) {
  // One translator for every sort link's label, rather than one per link.
  const t = useTranslations("table");
  if (rows.length === 0) return <>{empty}</>;
  const lead = leadColumn(columns);
  const sortHref: HrefForSort | undefined =
    typeof hrefForSort === "object" ? (key, order) => hrefForSort[key]?.[order] ?? "" : hrefForSort;
  return (
    // @container: the naming cell's width cap is a share of this box (leadBox).
    <TableBox className="@container max-h-[calc(100dvh-12rem)] overflow-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
      <table aria-label={label} className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="sticky top-0 z-10 bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            {columns.map((column) => (
              <HeaderCell key={column.id} column={column} sort={sort} hrefForSort={sortHref} t={t} pin={pinOf(columns, lead, column)} />
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            // bg-white: the row's surface, which a pinned cell takes as its own (the hover colour too).
            <tr key={rowKey(row)} className={`bg-white ${rowClassName}`}>
              {columns.map((column) => (
                <td key={column.id} className={cellClasses(column)} data-pin={pinOf(columns, lead, column)}>
                  {column === columns[lead] ? <div className={leadBox(column)}>{column.cell(row)}</div> : column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

/**
 * A row-actions column: while the table is wider than its box it sticks to the box's right edge (data-pin="end",
 * app/globals.css), so the buttons are never cut off. Below the sm breakpoint its buttons (a cell's box of them)
 * stand one above the other: side by side, three of them (an invite's Resend, Regenerate, Delete) took the whole
 * width of a 390 px phone and covered the row's name. At every width a button's label stays on one line: on a laptop
 * the German "Neu erstellen" broke into two lines beside a one-line "Löschen" (review 34); the table scrolls inside
 * its own box before a label wraps.
 */
function rowActionsClasses<T>(column: DataColumn<T>, className: string): string {
  if (!column.rowActions) return className;
  return `${className} whitespace-nowrap max-sm:[&>div]:flex-col max-sm:[&>div]:items-stretch`;
}

function cellClasses<T>(column: DataColumn<T>): string {
  const className = rowActionsClasses(column, column.className ?? "px-4 py-3 text-slate-700");
  if (!column.longWords) return className;
  // Whole class names, so that Tailwind finds them in this file.
  return `${className} [overflow-wrap:anywhere] ${className.includes("min-w-") ? "" : "min-w-48"}`;
}

/** The column that names the row (the first but a leading select-all checkbox); -1: none. */
function leadColumn<T>(columns: Array<DataColumn<T>>): number {
  const at = columns[0]?.headerCell ? 1 : 0;
  const lead = columns[at];
  return lead && !lead.rowActions && !lead.headerCell ? at : -1;
}

/**
 * Where a column's cells pin while the table is wider than its box (app/globals.css, [data-overflowing]): the
 * column that names the row to the left edge ("lead"), after a select checkbox's ("start"), and the row's buttons
 * to the right ("end"), so a row is still known when its last columns are in view (review 44: scrolling Users or a
 * person's sessions to the right left rows without a name; r49: the same at 768 px, where a fixed phone breakpoint
 * didn't pin).
 */
function pinOf<T>(columns: Array<DataColumn<T>>, lead: number, column: DataColumn<T>): "start" | "lead" | "end" | undefined {
  if (column.rowActions) return "end";
  const at = columns.indexOf(column);
  if (lead < 0 || at > lead) return undefined;
  return at < lead ? "start" : "lead";
}

/**
 * The naming cell's box: at most 40 % of the table's box wide at any width (cqw: the box is a size container), so
 * that a long name or address without spaces wraps at that edge (review 44's phone; r49: a 120-character invitee's
 * address made the column 900 px wide on a tablet), and pinned beside a row's pinned buttons it leaves the other
 * columns room to scroll through (40 % of the screen, at 768 px beside the sidebar, left none in Groups); on a phone
 * at least 7 rem, so a name that may break anywhere (an application's) isn't squeezed to a letter or two a line by the
 * columns beside it. A column that keeps its text on one line (whitespace-nowrap: a delivery's address) does so up
 * to half the box (at least 12 rem), then wraps there.
 */
function leadBox<T>(column: DataColumn<T>): string {
  // Whole class names, so that Tailwind finds them in this file.
  return column.className?.includes("whitespace-nowrap") ? "max-sm:min-w-28 max-w-[max(50cqw,12rem)] whitespace-normal" : "max-sm:min-w-28 max-w-[40cqw]";
}

type TableTranslator = ReturnType<typeof useTranslations<"table">>;

function HeaderCell<T>({
  column,
  sort,
  hrefForSort,
  t,
  pin,
}: {
  column: DataColumn<T>;
  sort: TableSort;
  hrefForSort?: (key: string, order: SortOrder) => string;
  t: TableTranslator;
  /** Where its column pins while the table is wider than its box (pinOf). */
  pin: "start" | "lead" | "end" | undefined;
}) {
  if (column.headerCell) {
    return (
      <th scope="col" className="w-10 px-4 py-3" data-pin={pin}>
        <span className="sr-only">{column.header}</span>
        {column.headerCell}
      </th>
    );
  }
  if (column.hiddenHeader) {
    return (
      <th scope="col" className={rowActionsClasses(column, "px-4 py-3")} data-pin={pin}>
        <span className="sr-only">{column.header}</span>
      </th>
    );
  }
  const sorts = column.sortKey ? [{ key: column.sortKey, header: column.header }, ...(column.alsoSortBy ?? [])] : [];
  const activeSort = sorts.find((s) => s.key === sort?.key);
  const ariaSort = activeSort ? (sort!.order === "asc" ? "ascending" : "descending") : undefined;
  if (sorts.length === 0 || !hrefForSort || column.unsortableReason) {
    return (
      <th scope="col" className={rowActionsClasses(column, "px-4 py-3")} data-pin={pin} title={column.unsortableReason}>
        {[column.header, ...(column.alsoSortBy ?? []).map((s) => s.header)].join(" · ")}
      </th>
    );
  }
  return (
    <th scope="col" className="px-4 py-3" data-pin={pin} aria-sort={ariaSort}>
      <span className="inline-flex flex-wrap items-center gap-x-2">
        {sorts.map((s, i) => (
          <span key={s.key} className="inline-flex items-center gap-2">
            {i > 0 && <span aria-hidden>·</span>}
            <SortLink sortKey={s.key} header={s.header} sort={sort} hrefForSort={hrefForSort} t={t} />
          </span>
        ))}
      </span>
    </th>
  );
}

function SortLink({
  sortKey,
  header,
  sort,
  hrefForSort,
  t,
}: {
  sortKey: string;
  header: string;
  sort: TableSort;
  hrefForSort: (key: string, order: SortOrder) => string;
  t: TableTranslator;
}) {
  const active = sort?.key === sortKey;
  // The active key flips its order; another starts ascending.
  const nextOrder: SortOrder = active && sort!.order === "asc" ? "desc" : "asc";
  return (
    <Link
      href={hrefForSort(sortKey, nextOrder)}
      // py-1: 24 px tall, a finger's smallest target (WCAG 2.5.8), not the 16 px of its text.
      className="inline-flex items-center gap-1 whitespace-nowrap py-1 uppercase hover:text-slate-900"
      scroll={false}
      aria-label={t(nextOrder === "asc" ? "sortAscending" : "sortDescending", { column: header })}
    >
      {header}
      <span aria-hidden className={active ? "text-slate-900" : "text-slate-400"}>
        {active ? (sort!.order === "asc" ? "▲" : "▼") : "↕"}
      </span>
    </Link>
  );
}
