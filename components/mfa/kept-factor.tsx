"use client";

import { useTranslations } from "next-intl";

/**
 * The Remove button of someone's last second factor while two-factor sign-in is required for them (r52): it stays
 * in the tab order and says why it does nothing (aria-disabled with the reason as its description, and the reason
 * shown beside it), rather than refusing after a click and a typed password (lib/mfa/policy.ts
 * assertKeepsRequiredFactor refuses all the same).
 */
export function KeptFactorRemove({ label, ariaLabel, noteId }: { label: string; ariaLabel?: string; noteId: string }) {
  return (
    // Looks as a disabled secondary button does (components/ui/button.tsx), but keeps the focus: `disabled` would drop
    // it from the tab order and its reason with it.
    <button
      type="button"
      aria-disabled="true"
      aria-describedby={noteId}
      aria-label={ariaLabel}
      className="inline-flex cursor-not-allowed items-center justify-center gap-2 rounded-md bg-white px-3.5 py-2 text-sm font-semibold text-slate-400 shadow-sm ring-1 ring-inset ring-slate-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      onClick={(e) => e.preventDefault()}
    >
      {label}
    </button>
  );
}

export function KeptFactorNote({ id }: { id: string }) {
  const t = useTranslations("mfa");
  return (
    <p id={id} className="mt-2 text-sm text-slate-600">
      {t("lastFactorKept")}
    </p>
  );
}
