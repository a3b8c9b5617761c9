import { SECTIONS, SectionLoading } from "@/components/shell/section-states";

export default function Loading() {
  return <SectionLoading section={SECTIONS.settings} />;
}
