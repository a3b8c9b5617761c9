import Link from "next/link";

export function PageHeader({ title, description, actions }: { title: string; description?: string; actions?: React.ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        <h1 className="min-w-0 break-words text-2xl font-bold text-slate-900">{title}</h1>
        {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
      </div>
      {actions}
    </div>
  );
}

/** What a section shows while it has nothing in it yet; never fake rows. */
export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      {children && <div className="mt-2 text-sm text-slate-600">{children}</div>}
    </div>
  );
}

/**
 * A detail page's top: the way back to its list, then the page's title (with a badge after it, such as
 * "You" or "Service user") and its actions on one row.
 */
export function DetailHeader({
  backHref,
  backLabel,
  title,
  badge,
  actions,
}: {
  backHref: string;
  backLabel: string;
  title: string;
  badge?: React.ReactNode;
  actions?: React.ReactNode;
}) {
  return (
    <div>
      <Link href={backHref} className="py-1.5 text-sm font-medium text-indigo-600 hover:text-indigo-500">
        {backLabel}
      </Link>
      <div className="mt-2 flex flex-wrap items-center justify-between gap-4">
        <h1 className="min-w-0 break-words text-2xl font-bold text-slate-900">
          {title}
          {badge}
        </h1>
        {actions}
      </div>
    </div>
  );
}

/**
 * A section's heading row within a page: its h2 (`id`: what the section's aria-labelledby names), a line
 * saying what it holds, and its actions at the end. `align`: "center" beside the whole block (a card),
 * "end" level with the description's line (a section over a list).
 */
export function SectionHeader({
  id,
  title,
  description,
  actions,
  align = "center",
}: {
  id: string;
  title: string;
  description: React.ReactNode;
  actions?: React.ReactNode;
  align?: "center" | "end";
}) {
  return (
    <div className={`flex flex-wrap ${align === "end" ? "items-end" : "items-center"} justify-between gap-4`}>
      <div>
        <h2 id={id} className="text-base font-semibold text-slate-900">
          {title}
        </h2>
        <p className="mt-1 text-sm text-slate-600">{description}</p>
      </div>
      {actions}
    </div>
  );
}
