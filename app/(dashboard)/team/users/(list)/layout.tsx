import { ClientMessages } from "@/i18n/client-messages";

/** Team → Users, the list: the browser gets only the message namespaces this section's client code adds to the shell's (i18n/client-namespaces.ts). */
export default function UsersListLayout({ children }: { children: React.ReactNode }) {
  return <ClientMessages area="users">{children}</ClientMessages>;
}
