import Link from "next/link";
import { useTranslations } from "next-intl";
import { buttonClasses } from "@/components/ui/button";
import { describedByOf, FieldFrame } from "@/components/ui/field-frame";
import { TextField } from "@/components/ui/text-field";
import type { FieldErrors } from "@/lib/errors";
import { actionName } from "./format";
import { cardClasses } from "@/components/ui/card";

type Option = { value: string; label: string };

const SELECT_CLASS =
  "mt-1 block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-indigo-600 aria-[invalid=true]:ring-red-500";

/** The filters' order on the page: the first one refused gets the focus when the page loads. */
const FIELDS = ["search", "action", "actor", "target", "from", "to"] as const;

/**
 * The filters as a plain GET form: the URL holds them, so a view can be shared,
 * bookmarked and exported exactly as shown, with or without JavaScript. Each
 * control has its own label (FieldFrame), and a refused filter (an impossible
 * date, a "from" after "to") is said at its field, which gets the focus.
 * The fields always show the URL's filters (review 20): the page keys this form by them, so "Clear" (a
 * link within the app) doesn't keep a select's old choice, and autoComplete="off" stops the browser
 * putting the last typed values back after Back.
 */
export function ActivityFilters({ values, actions, errors = {} }: { values: Record<string, string>; actions: Option[]; errors?: FieldErrors }) {
  const t = useTranslations("activityPage");
  const te = useTranslations("events");
  const selected = values.action ?? "";
  const known = actions.some((a) => a.value === selected);
  // Named in the person's language, and in its order.
  const options = actions.map((a) => ({ value: a.value, label: actionName(te, a.value, a.label) })).sort((a, b) => a.label.localeCompare(b.label));
  const firstRefused = FIELDS.find((name) => errors[name]?.length);
  const field = (name: (typeof FIELDS)[number]) => ({ name, errors: errors[name], defaultValue: values[name] ?? "", autoFocus: name === firstRefused || undefined });
  return (
    <form role="search" method="get" action="/activity" autoComplete="off" className={cardClasses({ compact: true, className: "mb-4" })} noValidate>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <TextField className="sm:col-span-2" label={t("search")} type="search" placeholder={t("searchPlaceholder")} {...field("search")} />
        <FieldFrame id="field-action" label={t("action")} errors={errors.action}>
          <select
            id="field-action"
            name="action"
            defaultValue={selected}
            aria-invalid={errors.action?.length ? true : undefined}
            aria-describedby={describedByOf("field-action", undefined, errors.action)}
            autoFocus={firstRefused === "action" || undefined}
            className={SELECT_CLASS}
          >
            <option value="">{t("allActions")}</option>
            {!known && selected && <option value={selected}>{selected}</option>}
            {options.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </FieldFrame>
        <TextField label={t("actor")} placeholder={t("partyPlaceholder")} {...field("actor")} />
        <TextField label={t("target")} placeholder={t("partyPlaceholder")} {...field("target")} />
        <TextField label={t("from")} type="date" {...field("from")} />
        <TextField label={t("to")} type="date" {...field("to")} />
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

/** The refused filters this form shows at a field; any other (a paging cursor from a hand-made URL) is for the banner. */
export function isFilterField(name: string): boolean {
  return (FIELDS as readonly string[]).includes(name);
}
