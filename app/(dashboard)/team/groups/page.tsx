import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/shell/page-header";

export const metadata: Metadata = { title: "Groups · Latchkey" };

export default function Page() {
  return (
    <>
      <PageHeader title="Groups" />
      <EmptyState title="No groups yet">Groups collect users so they can be assigned together.</EmptyState>
    </>
  );
}
