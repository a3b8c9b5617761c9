/**
 * A NextIntlClientProvider that sends the browser only its area's namespaces
 * (i18n/client-namespaces.ts); locale, time zone and formats come from the
 * request's configuration as before. A section's area (AREA_WITHIN) sends only
 * what it adds to the shell's, and the browser merges the two.
 */
import { NextIntlClientProvider } from "next-intl";
import { getMessages } from "next-intl/server";
import { AREA_WITHIN, clientMessages, type ClientMessagesArea } from "./client-namespaces";
import { MergedMessages } from "./merged-messages";

export async function ClientMessages({ area, children }: { area: ClientMessagesArea; children: React.ReactNode }) {
  const messages = clientMessages(await getMessages(), area);
  if (AREA_WITHIN[area]) return <MergedMessages messages={messages}>{children}</MergedMessages>;
  return <NextIntlClientProvider messages={messages}>{children}</NextIntlClientProvider>;
}
