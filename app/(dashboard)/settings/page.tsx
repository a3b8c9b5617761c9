import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/shell/page-header";

export const metadata: Metadata = { title: "Settings · Latchkey" };

export default function Page() {
  return (
    <>
      <PageHeader title="Settings" />
      <EmptyState title="Settings">Identity providers and instance settings will appear here.</EmptyState>
    </>
  );
}
