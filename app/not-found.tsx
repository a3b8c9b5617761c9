import Link from "next/link";
import { useTranslations } from "next-intl";
import { buttonClasses } from "@/components/ui/button";
import { titled } from "@/i18n/titles";

/** Its own tab title: a screen reader says the title first, and "Latchkey" alone didn't say the page isn't there. */
export const generateMetadata = titled("notFound");

/** Any address that matches no page: says so, with a way back in. */
export default function NotFound() {
  const t = useTranslations("notFound");
  return (
    <main id="main" className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md rounded-lg bg-white px-6 py-10 text-center shadow-sm ring-1 ring-slate-200">
        <h1 className="text-xl font-bold text-slate-900">{t("title")}</h1>
        <p className="mt-2 text-sm text-slate-600">{t("body")}</p>
        <Link href="/" className={`${buttonClasses("primary")} mt-6`}>
          {t("home")}
        </Link>
      </div>
    </main>
  );
}
