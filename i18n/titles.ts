import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { instanceBranding, withInstanceName } from "@/lib/instance/branding";
import type messages from "@/messages/en.json";

type TitleKey = keyof (typeof messages)["titles"];

/**
 * A page's document title from the "titles" messages, ending in the instance's name
 * (Settings → Appearance) where the catalog says "Latchkey": `export const generateMetadata = titled("users");`
 */
export function titled(key: TitleKey): () => Promise<Metadata> {
  return async () => {
    const [t, branding] = await Promise.all([getTranslations("titles"), instanceBranding()]);
    return { title: withInstanceName(t(key), branding.name) };
  };
}

/**
 * The title of one record's page, with its name first ("Ann Lee · Users · Latchkey"): a screen reader says the title
 * when the page loads, and the tab list tells two such pages apart. For a page's generateMetadata.
 */
export async function namedTitle(
  key: "userNamed" | "serviceUserNamed" | "roleNamed" | "applicationNamed" | "identityProviderNamed" | "groupNamed",
  name: string,
): Promise<Metadata> {
  const [t, branding] = await Promise.all([getTranslations("titles"), instanceBranding()]);
  return { title: withInstanceName(t(key, { name }), branding.name) };
}
