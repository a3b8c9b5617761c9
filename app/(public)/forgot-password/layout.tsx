import { ClientMessages } from "@/i18n/client-messages";

/** Asking for a reset link: the browser gets only the message namespaces this page's client code reads (i18n/client-namespaces.ts). */
export default function Layout({ children }: { children: React.ReactNode }) {
  return <ClientMessages area="forgotPassword">{children}</ClientMessages>;
}
