/**
 * What a dashboard section shows while it loads, when it fails, and when what
 * was asked for doesn't exist: each with a way back to the section's list.
 * Every section's loading.tsx, error.tsx and not-found.tsx render these.
 */
import Link from "next/link";
import { useTranslations } from "next-intl";
import { buttonClasses } from "@/components/ui/button";

/** `label`: the section's name in the "nav" messages. */
export type Section = { href: string; label: "users" | "serviceUsers" | "groups" | "activity" | "settings" | "profile" };

export const SECTIONS = {
  users: { href: "/team/users", label: "users" },
  serviceUsers: { href: "/team/service-users", label: "serviceUsers" },
  groups: { href: "/team/groups", label: "groups" },
  activity: { href: "/activity", label: "activity" },
  settings: { href: "/settings", label: "settings" },
  profile: { href: "/profile", label: "profile" },
} satisfies Record<string, Section>;

export function SectionLoading({ section }: { section: Section }) {
  const t = useTranslations("sections");
  const nav = useTranslations("nav");
  return (
    <div role="status" aria-live="polite" className="space-y-4">
      <p className="text-sm text-slate-600">{t("loading", { section: nav(section.label) })}</p>
      <div aria-hidden className="animate-pulse space-y-3">
        <div className="h-8 w-48 rounded bg-slate-200" />
        <div className="h-40 rounded-lg bg-white ring-1 ring-slate-200" />
      </div>
    </div>
  );
}

export function SectionMessage({
  section,
  title,
  children,
  action,
  fullLoadBack = false,
}: {
  section: Section;
  title: string;
  children: React.ReactNode;
  action?: React.ReactNode;
  /** The way back as a fresh load of the list, not a client navigation (an error box: see SectionError). */
  fullLoadBack?: boolean;
}) {
  const t = useTranslations("sections");
  const nav = useTranslations("nav");
  const backClasses = buttonClasses(action ? "secondary" : "primary");
  const back = t("backTo", { section: nav(section.label) });
  return (
    <div className="mx-auto max-w-lg rounded-lg bg-white px-6 py-10 text-center shadow-sm ring-1 ring-slate-200">
      <h1 className="text-xl font-bold text-slate-900">{title}</h1>
      <div className="mt-2 text-sm text-slate-600">{children}</div>
      <div className="mt-6 flex flex-wrap justify-center gap-3">
        {action}
        {fullLoadBack ? (
          // A plain link on purpose: a fresh load of the list.
          <a href={section.href} className={backClasses}>
            {back}
          </a>
        ) : (
          <Link href={section.href} className={backClasses}>
            {back}
          </Link>
        )}
      </div>
    </div>
  );
}

/** `what` names the missing thing: a key of "sections.things" in the messages. */
export function SectionNotFound({ section, what }: { section: Section; what: "page" | "user" | "serviceUser" | "group" }) {
  const t = useTranslations("sections");
  return (
    <SectionMessage section={section} title={t(`notFound.${what}`)}>
      {t("notFoundBody")}
    </SectionMessage>
  );
}
