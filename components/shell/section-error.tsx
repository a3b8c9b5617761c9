"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { SectionMessage, type Section } from "./section-states";

/**
 * A section's error boundary: says it failed (never the error's text), offers a retry and the way back. The commonest
 * cause is the database out for a moment (a click inside a loaded dashboard: the page's part failed, the page around
 * it stayed), so it says the service may be briefly unavailable, and "Try again" loads the address afresh: the page
 * once the database is back, or meanwhile the 503 page in the person's language (lib/ops/unavailable-answer.ts).
 * Next.js's `reset` only drew the same failed part again. The way back to the list is a fresh load too: a client
 * navigation during the outage would only show this box again.
 */
export function SectionError({ section, error }: { section: Section; error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("sections");
  return (
    <SectionMessage section={section} title={t("errorTitle")} fullLoadBack action={<Button onClick={() => window.location.reload()}>{t("tryAgain")}</Button>}>
      {t("errorBody")}
      {error.digest && <p className="mt-2 font-mono text-xs">{t("reference", { digest: error.digest })}</p>}
    </SectionMessage>
  );
}
