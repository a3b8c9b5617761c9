import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/shell/page-header";

export const metadata: Metadata = { title: "Service Users · Latchkey" };

export default function Page() {
  return (
    <>
      <PageHeader title="Service Users" />
      <EmptyState title="No service users yet">Service users let automation reach the API with access tokens that don't belong to a person.</EmptyState>
    </>
  );
}
