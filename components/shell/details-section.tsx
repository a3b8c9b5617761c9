import { useTranslations } from "next-intl";
import { Card, CardHeading } from "@/components/ui/card";

/** The "Details" card of a person's page: a list of facts, term and value. */
export function DetailsSection({ facts }: { facts: [string, React.ReactNode][] }) {
  const t = useTranslations("team");
  return (
    <Card labelledBy="details-heading">
      <CardHeading id="details-heading">
        {t("details")}
      </CardHeading>
      <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt className="text-slate-500">{term}</dt>
            <dd className="mt-0.5 text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
