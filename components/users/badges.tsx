import { useTranslations } from "next-intl";
import { ProviderIcon } from "@/components/idp/provider-icon";
import type { IdentitySource } from "@/lib/idp/sources";
import type { UserStatus } from "@/lib/users/status";

const statusStyles: Record<UserStatus, string> = {
  active: "bg-green-50 text-green-700 ring-green-200",
  invited: "bg-amber-50 text-amber-700 ring-amber-200",
  blocked: "bg-red-50 text-red-700 ring-red-200",
  pending_approval: "bg-sky-50 text-sky-800 ring-sky-200",
  locked: "bg-orange-50 text-orange-800 ring-orange-200",
};

export function StatusBadge({ status }: { status: UserStatus }) {
  const t = useTranslations("status");
  return <StatusPill status={status} label={t(status)} />;
}

/** The badge given its words: a table translates once for all its rows rather than per badge. */
export function StatusPill({ status, label }: { status: UserStatus; label: string }) {
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${statusStyles[status]}`}>{label}</span>;
}

/** Where the user signs in: "Local" (password here) or their identity provider, with its mark. */
export function IdentityProviderBadge({ source }: { source: IdentitySource }) {
  return <SourcePill source={source} t={useTranslations("identitySources")} />;
}

/** A source's name in the page's language: the built-in sources' names are words; a provider's is what the owner typed. */
export function sourceName(source: IdentitySource, t: (key: "local" | "header" | "removed") => string): string {
  return source.kind === "local" ? t("local") : source.kind === "header" ? t("header") : source.kind === "unknown" ? t("removed") : source.name;
}

/** The badge given the "identitySources" translator: a table makes it once for all its rows. */
export function SourcePill({ source, t }: { source: IdentitySource; t: (key: "local" | "header" | "removed") => string }) {
  const name = sourceName(source, t);
  return (
    <span className="inline-flex items-center gap-1 rounded bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">
      <ProviderIcon kind={source.kind} className="h-3 w-3" />
      {name}
    </span>
  );
}
