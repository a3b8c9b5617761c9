/**
 * The provider that sends the browser only its area's namespaces
 * (i18n/client-namespaces.ts); locale and time zone come from the request's
 * configuration as before (it sets no formats and no `now`). A section's area
 * (AREA_WITHIN) sends only what it adds to the provider around it, and the
 * browser merges the two.
 *
 * The messages cross to the client provider as one JSON string, not as an
 * object: React's server payload would otherwise walk and encode every key of
 * the catalog on each request, and the server-side render decode them again
 * through a reviver, key by key. A long string is passed through as text, and
 * the client provider parses each distinct one once (docs/benchmarks.md,
 * "Round 12: page render").
 */
import { getLocale, getMessages, getTimeZone } from "next-intl/server";
import { AREA_WITHIN, clientMessagesJson, type ClientMessagesArea } from "./client-namespaces";
import { MergedMessages, MessagesProvider } from "./merged-messages";

export async function ClientMessages({ area, children }: { area: ClientMessagesArea; children: React.ReactNode }) {
  const json = clientMessagesJson(await getMessages(), area);
  if (AREA_WITHIN[area]) return <MergedMessages json={json}>{children}</MergedMessages>;
  return (
    <MessagesProvider json={json} locale={await getLocale()} timeZone={await getTimeZone()}>
      {children}
    </MessagesProvider>
  );
}
