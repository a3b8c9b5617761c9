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
    // Focusable, so a keyboard can scroll the box when a phone's width hides columns and no cell holds a link.
    <div
      tabIndex={0}
      // Where the focus goes when a row's button removed its row (refocusWhenRemoved, ./focus.ts).
      data-focus-home=""
      className="max-h-[calc(100dvh-12rem)] overflow-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
    >
      <table aria-label={label} className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="sticky top-0 z-10 bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            {columns.map((column) => (
              <HeaderCell key={column.id} column={column} sort={sort} hrefForSort={sortHref} t={t} pin={pinnedLeft(columns, lead, column, "header")} />
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={rowKey(row)} className={rowClassName}>
              {columns.map((column) => (
                <td key={column.id} className={`${pinned(column, column.className ?? "px-4 py-3 text-slate-700", "row")} ${pinnedLeft(columns, lead, column, "row")}`}>
                  {column === columns[lead] ? <div className="max-sm:min-w-28 max-sm:max-w-[40vw]">{column.cell(row)}</div> : column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Below the sm breakpoint a row-actions column sticks to the right edge, on its row's surface, with a shadow where
 * rows pass under it. Its buttons (a cell's box of them) stand one above the other there: side by side, three of
 * them (an invite's Resend, Regenerate, Delete) took the whole width of a 390 px phone and covered the row's name.
 * At every width a button's label stays on one line: on a laptop the German "Neu erstellen" broke into two lines
 * beside a one-line "Löschen" (review 34); the table scrolls inside its own box before a label wraps.
 */
function pinned<T>(column: DataColumn<T>, className: string, surface: "row" | "header"): string {
  if (!column.rowActions) return className;
  // Whole class names, so that Tailwind finds them in this file.
  const background = surface === "row" ? "max-sm:bg-white" : "max-sm:bg-slate-50";
  return `${className} ${background} whitespace-nowrap max-sm:sticky max-sm:right-0 max-sm:shadow-[-6px_0_6px_-6px_rgb(15_23_42/0.25)] max-sm:[&>div]:flex-col max-sm:[&>div]:items-stretch`;
}

/**
 * The column that names the row (the first but a leading select-all checkbox); -1: none. A column that keeps its
 * text on one line (whitespace-nowrap: a delivery's address) isn't pinned: capped, it would run out of its cell;
 * uncapped, a long address would pin most of a phone.
 */
function leadColumn<T>(columns: Array<DataColumn<T>>): number {
  const at = columns[0]?.headerCell ? 1 : 0;
  const lead = columns[at];
  return lead && !lead.rowActions && !lead.headerCell && !lead.className?.includes("whitespace-nowrap") ? at : -1;
}

/**
 * Below the sm breakpoint the column that names the row (and a select checkbox before it) sticks to the box's left
 * edge while the other columns scroll under it, so a row is still known when its last columns are in view (review 44:
 * on a 390 px phone, scrolling Users or a person's sessions to the right left rows without a name). It is 7 rem to
 * 40 % of the screen wide: a long name without spaces wraps instead of filling the phone, and a name that may break
 * anywhere (an application's) isn't squeezed to a letter or two a line by the columns beside it.
 */
function pinnedLeft<T>(columns: Array<DataColumn<T>>, lead: number, column: DataColumn<T>, surface: "row" | "header"): string {
  const at = columns.indexOf(column);
  if (lead < 0 || at > lead) return "";
  // Whole class names, so that Tailwind finds them in this file.
  const background = surface === "row" ? "max-sm:bg-white" : "max-sm:bg-slate-50";
  if (at < lead) return `${background} max-sm:sticky max-sm:left-0 max-sm:w-12 max-sm:min-w-12`;
  const left = lead === 1 ? "max-sm:left-12" : "max-sm:left-0";
  return `${background} max-sm:sticky ${left} max-sm:shadow-[6px_0_6px_-6px_rgb(15_23_42/0.25)]`;
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
  /** The classes that pin it to the left on a phone (pinnedLeft), or "". */
  pin: string;
}) {
  if (column.headerCell) {
    return (
      <th scope="col" className={`w-10 px-4 py-3 ${pin}`}>
        <span className="sr-only">{column.header}</span>
        {column.headerCell}
      </th>
    );
  }
  if (column.hiddenHeader) {
    return (
      <th scope="col" className={pinned(column, "px-4 py-3", "header")}>
        <span className="sr-only">{column.header}</span>
      </th>
    );
  }
  const sorts = column.sortKey ? [{ key: column.sortKey, header: column.header }, ...(column.alsoSortBy ?? [])] : [];
  const activeSort = sorts.find((s) => s.key === sort?.key);
  const ariaSort = activeSort ? (sort!.order === "asc" ? "ascending" : "descending") : undefined;
  if (sorts.length === 0 || !hrefForSort || column.unsortableReason) {
    return (
      <th scope="col" className={`${pinned(column, "px-4 py-3", "header")} ${pin}`} title={column.unsortableReason}>
        {[column.header, ...(column.alsoSortBy ?? []).map((s) => s.header)].join(" · ")}
      </th>
    );
  }
  return (
    <th scope="col" className={`px-4 py-3 ${pin}`} aria-sort={ariaSort}>
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
