import { useTranslations } from "next-intl";
import { describeUserAgent } from "@/lib/format/user-agent";

/** A client's browser and OS in words; the raw header on hover. */
export function UserAgent({ ua, className = "" }: { ua: string | null | undefined; className?: string }) {
  const t = useTranslations("common");
  const described = describeUserAgent(ua, (browser, system) => t("browserOnSystem", { browser, system }));
  if (!described) return <span className={className}>—</span>;
  return (
    <span className={className} title={ua ?? undefined}>
      {described}
    </span>
  );
}
