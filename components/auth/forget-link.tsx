"use client";

import { useEffect } from "react";
import { LINK_PAGES, type LinkKind } from "@/lib/http/link-cookie";

/**
 * Rendered by a link page that found its link spent, expired or invalid, or by a form's success after it used the
 * link: the browser forgets that one-time link (its cookie, through DELETE <page>/forget: lib/http/link-token.ts
 * forgetLinkRoute), without rendering the page again. `link` is the link's fingerprint (linkFingerprint there): a
 * newer link of the kind, opened in another tab after this page was rendered, is not cleared by this page.
 */
export function ForgetLink({ kind, link }: { kind: LinkKind; link: string }) {
  useEffect(() => {
    const query = new URLSearchParams({ link });
    void fetch(`${LINK_PAGES[kind].path}/forget?${query}`, { method: "DELETE", keepalive: true }).catch(() => undefined);
  }, [kind, link]);
  return null;
}
