/**
 * What a dashboard section shows while it loads, when it fails, and when what
 * was asked for doesn't exist: each with a way back to the section's list.
 * Every section's loading.tsx, error.tsx and not-found.tsx render these.
 */
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export type Section = { href: string; label: string };

export const SECTIONS = {
  users: { href: "/team/users", label: "Users" },
  serviceUsers: { href: "/team/service-users", label: "Service Users" },
  groups: { href: "/team/groups", label: "Groups" },
  activity: { href: "/activity", label: "Activity" },
  settings: { href: "/settings", label: "Settings" },
  profile: { href: "/profile", label: "Profile" },
} satisfies Record<string, Section>;

export function SectionLoading({ section }: { section: Section }) {
  return (
    <div role="status" aria-live="polite" className="space-y-4">
      <p className="text-sm text-slate-600">Loading {section.label}…</p>
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
}: {
  section: Section;
  title: string;
  children: React.ReactNode;
  action?: React.ReactNode;
}) {
  return (
    <div className="mx-auto max-w-lg rounded-lg bg-white px-6 py-10 text-center shadow-sm ring-1 ring-slate-200">
      <h1 className="text-xl font-bold text-slate-900">{title}</h1>
      <div className="mt-2 text-sm text-slate-600">{children}</div>
      <div className="mt-6 flex flex-wrap justify-center gap-3">
        {action}
        <Link href={section.href} className={buttonClasses(action ? "secondary" : "primary")}>
          Back to {section.label}
        </Link>
      </div>
    </div>
  );
}

export function SectionNotFound({ section, what }: { section: Section; what: string }) {
  return (
    <SectionMessage section={section} title={`${what} not found`}>
      It may have been deleted, or the link is wrong.
    </SectionMessage>
  );
}
