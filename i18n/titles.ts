import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import type messages from "@/messages/en.json";

type TitleKey = keyof (typeof messages)["titles"];

/** A page's document title from the "titles" messages: `export const generateMetadata = titled("users");` */
export function titled(key: TitleKey): () => Promise<Metadata> {
  return async () => ({ title: (await getTranslations("titles"))(key) });
}
