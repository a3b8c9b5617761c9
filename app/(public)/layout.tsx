import { ClientMessages } from "@/i18n/client-messages";

/** The pages before and around signing in: their browser code's message namespaces only (i18n/client-namespaces.ts). */
export default function PublicLayout({ children }: { children: React.ReactNode }) {
  return <ClientMessages area="public">{children}</ClientMessages>;
}
