import Link from "next/link";
import { useTranslations } from "next-intl";
import { buttonClasses } from "@/components/ui/button";
import { actionName } from "./format";

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
  const t = useTranslations("activityPage");
  const te = useTranslations("events");
  const selected = values.action ?? "";
  const known = actions.some((a) => a.value === selected);
  // Named in the person's language, and in its order.
  const options = actions.map((a) => ({ value: a.value, label: actionName(te, a.value, a.label) })).sort((a, b) => a.label.localeCompare(b.label));
  return (
    <form role="search" method="get" action="/activity" className="mb-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <div className="sm:col-span-2">
          <Field label={t("search")} name="search" type="search" value={values.search} placeholder={t("searchPlaceholder")} />
        </div>
        <label className="block text-sm font-medium text-slate-700">
          {t("action")}
          <select name="action" defaultValue={selected} className={inputClass}>
            <option value="">{t("allActions")}</option>
            {!known && selected && <option value={selected}>{selected}</option>}
            {options.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <Field label={t("actor")} name="actor" value={values.actor} placeholder={t("partyPlaceholder")} />
        <Field label={t("target")} name="target" value={values.target} placeholder={t("partyPlaceholder")} />
        <Field label={t("from")} name="from" type="date" value={values.from} />
        <Field label={t("to")} name="to" type="date" value={values.to} />
        <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-3">
          <button type="submit" className={buttonClasses("primary")}>
            {t("apply")}
          </button>
          <Link href="/activity" className={buttonClasses("secondary")}>
            {t("clear")}
          </Link>
        </div>
      </div>
    </form>
  );
}
