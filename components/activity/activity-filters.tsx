import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

type Option = { value: string; label: string };

const inputClass =
  "mt-1 block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-indigo-600";

function Field({ label, name, value, type = "text", placeholder }: { label: string; name: string; value?: string; type?: string; placeholder?: string }) {
  return (
    <label className="block text-sm font-medium text-slate-700">
      {label}
      <input name={name} type={type} defaultValue={value ?? ""} placeholder={placeholder} className={inputClass} />
    </label>
  );
}

/**
 * The filters as a plain GET form: the URL holds them, so a view can be shared,
 * bookmarked and exported exactly as shown, with or without JavaScript.
 */
export function ActivityFilters({ values, actions }: { values: Record<string, string>; actions: Option[] }) {
  const selected = values.action ?? "";
  const known = actions.some((a) => a.value === selected);
  return (
    <form role="search" method="get" action="/activity" className="mb-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <div className="sm:col-span-2">
          <Field label="Search" name="search" type="search" value={values.search} placeholder="Name, email, action, reason, IP" />
        </div>
        <label className="block text-sm font-medium text-slate-700">
          Action
          <select name="action" defaultValue={selected} className={inputClass}>
            <option value="">All actions</option>
            {!known && selected && <option value={selected}>{selected}</option>}
            {actions.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <Field label="Actor" name="actor" value={values.actor} placeholder="Name, email or id" />
        <Field label="Target" name="target" value={values.target} placeholder="Name, email or id" />
        <Field label="From (UTC)" name="from" type="date" value={values.from} />
        <Field label="To (UTC)" name="to" type="date" value={values.to} />
        <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-3">
          <button type="submit" className={buttonClasses("primary")}>
            Apply filters
          </button>
          <Link href="/activity" className={buttonClasses("secondary")}>
            Clear
          </Link>
        </div>
      </div>
    </form>
  );
}
