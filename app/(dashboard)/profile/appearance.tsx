import { cookies } from "next/headers";
import { THEME_COOKIE, parseTheme } from "@/lib/appearance/theme";
import { LOCALE_COOKIE, parseLocale } from "@/i18n/locales";
import { AppearanceSection } from "./appearance-section";

/** Profile → Appearance, rendered with the choices this browser's cookies hold. */
export async function Appearance() {
  const jar = await cookies();
  return <AppearanceSection theme={parseTheme(jar.get(THEME_COOKIE)?.value)} languageChosen={parseLocale(jar.get(LOCALE_COOKIE)?.value) !== undefined} />;
}
