import { ClientMessages } from "@/i18n/client-messages";

/** Team → Groups: the browser gets only the message namespaces this section's client code adds to the shell's (i18n/client-namespaces.ts). */
export default function GroupsLayout({ children }: { children: React.ReactNode }) {
  return <ClientMessages area="groups">{children}</ClientMessages>;
}
