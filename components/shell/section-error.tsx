"use client";

import { Button } from "@/components/ui/button";
import { SectionMessage, type Section } from "./section-states";

/** A section's error boundary: says it failed (never the error's text), offers a retry and the way back. */
export function SectionError({ section, error, reset }: { section: Section; error: Error & { digest?: string }; reset: () => void }) {
  return (
    <SectionMessage section={section} title="Something went wrong" action={<Button onClick={reset}>Try again</Button>}>
      This page could not be shown. Try again, or go back.
      {error.digest && <p className="mt-2 font-mono text-xs">Reference: {error.digest}</p>}
    </SectionMessage>
  );
}
