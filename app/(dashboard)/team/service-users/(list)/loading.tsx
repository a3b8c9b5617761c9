import { SECTIONS, SectionLoading } from "@/components/shell/section-states";

// Beside the list page only (a route group): above the [id] page it would stream a 200 before notFound() could answer 404.
export default function Loading() {
  return <SectionLoading section={SECTIONS.serviceUsers} />;
}
