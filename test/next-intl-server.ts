/**
 * next-intl's server API for unit tests that call server actions outside Next.js (where it needs the
 * request's config): English from the catalog, UTC. Use: vi.mock("next-intl/server", () => import("@/test/next-intl-server")).
 */
import { createFormatter, createTranslator } from "next-intl";
import messages from "@/messages/en.json";

export async function getLocale(): Promise<string> {
  return "en";
}

export async function getTranslations(namespace?: string) {
  return createTranslator({ locale: "en", messages, namespace: namespace as never });
}

export async function getFormatter() {
  return createFormatter({ locale: "en", timeZone: "UTC" });
}
