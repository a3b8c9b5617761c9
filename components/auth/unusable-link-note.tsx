import { getTranslations } from "next-intl/server";
import { ForgetLink } from "@/components/auth/forget-link";
import { LINK_PAGES, type LinkKind } from "@/lib/http/link-cookie";

/**
 * Under a link page's "can't be used" message. A browser that holds the link (its cookie: lib/http/link-cookie.ts;
 * `held` is its fingerprint, lib/http/link-token.ts) forgets that link; one that holds none is told why a link opened earlier may be gone from it: the cookie lasts
 * minutes, not as long as the link (a form left open past that, or Back after using the link).
 */
export async function UnusableLinkNote({ kind, held }: { kind: LinkKind; held: string | null }) {
  if (held) return <ForgetLink kind={kind} link={held} />;
  const t = await getTranslations("publicPages");
  return <p className="mt-4 text-sm text-slate-600">{t("linkNotHeld", { minutes: LINK_PAGES[kind].maxAgeSeconds / 60 })}</p>;
}
