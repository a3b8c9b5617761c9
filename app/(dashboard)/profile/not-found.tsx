import { SECTIONS, SectionNotFound } from "@/components/shell/section-states";

export default function NotFound() {
  return <SectionNotFound section={SECTIONS.profile} what="page" />;
}
