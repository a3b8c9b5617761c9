"use client";

import { useEffect } from "react";
import type { LinkKind } from "@/lib/http/link-cookie";

/**
 * Rendered by a link page that found its link spent, expired or invalid, or by a form's success after it used the
 * link: the browser forgets the kind's one-time link (its cookie: app/(public)/link-cookie/route.ts), without
 * rendering the page again.
 */
export function ForgetLink({ kind }: { kind: LinkKind }) {
  useEffect(() => {
    void fetch(`/link-cookie?kind=${kind}`, { method: "DELETE", keepalive: true }).catch(() => undefined);
  }, [kind]);
  return null;
}
