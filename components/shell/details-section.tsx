import { useTranslations } from "next-intl";

/** The "Details" card of a person's page: a list of facts, term and value. */
export function DetailsSection({ facts }: { facts: [string, React.ReactNode][] }) {
  const t = useTranslations("team");
  return (
    <section aria-labelledby="details-heading" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="details-heading" className="text-base font-semibold text-slate-900">
        {t("details")}
      </h2>
      <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt className="text-slate-500">{term}</dt>
            <dd className="mt-0.5 break-words text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
