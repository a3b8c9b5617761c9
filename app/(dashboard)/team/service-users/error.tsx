"use client";

import { SectionError } from "@/components/shell/section-error";
import { SECTIONS } from "@/components/shell/section-states";

export default function ErrorPage(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <SectionError section={SECTIONS.serviceUsers} {...props} />;
}
