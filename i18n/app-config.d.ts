// next-intl checks every t("…") key against the English catalog at compile time.
import type messages from "../messages/en.json";
import type { LOCALES } from "./locales";

declare module "next-intl" {
  interface AppConfig {
    Locale: (typeof LOCALES)[number];
    Messages: typeof messages;
  }
}
