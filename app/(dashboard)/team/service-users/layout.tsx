import { ClientMessages } from "@/i18n/client-messages";

/** Team → Service users: the browser gets only the message namespaces this section's client code adds to the shell's (i18n/client-namespaces.ts). */
export default function ServiceUsersLayout({ children }: { children: React.ReactNode }) {
  return <ClientMessages area="serviceUsers">{children}</ClientMessages>;
}
