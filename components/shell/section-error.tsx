"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { SectionMessage, type Section } from "./section-states";

/** A section's error boundary: says it failed (never the error's text), offers a retry and the way back. */
export function SectionError({ section, error, reset }: { section: Section; error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("sections");
  return (
    <SectionMessage section={section} title={t("errorTitle")} action={<Button onClick={reset}>{t("tryAgain")}</Button>}>
      {t("errorBody")}
      {error.digest && <p className="mt-2 font-mono text-xs">{t("reference", { digest: error.digest })}</p>}
    </SectionMessage>
  );
}
