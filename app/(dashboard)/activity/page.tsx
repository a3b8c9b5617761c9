import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/shell/page-header";

export const metadata: Metadata = { title: "Activity · Latchkey" };

export default function Page() {
  return (
    <>
      <PageHeader title="Activity" />
      <EmptyState title="Activity log">Every change and sign-in is being recorded; browsing the log arrives with the activity log feature.</EmptyState>
    </>
  );
}
