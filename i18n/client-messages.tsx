/**
 * A NextIntlClientProvider that sends the browser only its area's namespaces
 * (i18n/client-namespaces.ts); locale, time zone and formats come from the
 * request's configuration as before.
 */
import { NextIntlClientProvider } from "next-intl";
import { getMessages } from "next-intl/server";
import { clientMessages, type ClientMessagesArea } from "./client-namespaces";

export async function ClientMessages({ area, children }: { area: ClientMessagesArea; children: React.ReactNode }) {
  return <NextIntlClientProvider messages={clientMessages(await getMessages(), area)}>{children}</NextIntlClientProvider>;
}
