import { SECTIONS, SectionNotFound } from "@/components/shell/section-states";

export default function NotFound() {
  return <SectionNotFound section={SECTIONS.groups} what="group" />;
}
