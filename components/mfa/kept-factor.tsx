"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";

/**
 * The Remove button of someone's last second factor while two-factor sign-in is required for them (r52): it stays
 * in the tab order and says why it does nothing (aria-disabled with the reason as its description, and the reason
 * shown beside it), rather than refusing after a click and a typed password (lib/mfa/policy.ts
 * assertKeepsRequiredFactor refuses all the same).
 */
export function KeptFactorRemove({ label, ariaLabel, noteId }: { label: string; ariaLabel?: string; noteId: string }) {
  return (
    <Button variant="secondary" aria-disabled="true" aria-describedby={noteId} aria-label={ariaLabel} className="cursor-not-allowed text-slate-500 hover:bg-white" onClick={(e) => e.preventDefault()}>
      {label}
    </Button>
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
