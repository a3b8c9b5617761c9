import type { ComponentProps } from "react";

/** A card's classes, for the few cards that are another element (a form, a box inside a page): its frame and padding. */
export function cardClasses({ compact = false, className = "" }: { compact?: boolean; className?: string } = {}): string {
  return `rounded-lg bg-white ${compact ? "p-4" : "p-6"} shadow-sm ring-1 ring-slate-200 ${className}`.trim();
}

/**
 * A card: one part of a page (a profile section, a settings group, a person's details) in its frame, named by its
 * heading (`labelledBy`, the CardHeading's id). `compact` for the smaller cards (p-4 instead of p-6); `className`
 * adds spacing or layout (space-y-4, mb-4). No "use client": server and client components both use it.
 */
export function Card({
  labelledBy,
  compact = false,
  className = "",
  children,
  ...props
}: Omit<ComponentProps<"section">, "aria-labelledby"> & { labelledBy?: string; compact?: boolean }) {
  return (
    <section aria-labelledby={labelledBy} className={cardClasses({ compact, className })} {...props}>
      {children}
    </section>
  );
}

/** A card's heading: the name its section is known by to a screen reader (Card's `labelledBy`). */
export function CardHeading({ id, className = "", children }: { id?: string; className?: string; children: React.ReactNode }) {
  return (
    <h2 id={id} className={`text-base font-semibold text-slate-900 ${className}`.trim()}>
      {children}
    </h2>
  );
}
