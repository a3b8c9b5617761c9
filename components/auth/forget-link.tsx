"use client";

import { useEffect } from "react";
import type { LinkKind } from "@/lib/http/link-cookie";

/** Has the browser forget the kind's one-time link (its cookie: app/(public)/link-cookie/route.ts), without rendering the page again. */
export function forgetLink(kind: LinkKind): void {
  void fetch(`/link-cookie?kind=${kind}`, { method: "DELETE", keepalive: true }).catch(() => undefined);
}

/** Rendered by a link page that found its link spent, expired or invalid: the link's cookie goes. */
export function ForgetLink({ kind }: { kind: LinkKind }) {
  useEffect(() => forgetLink(kind), [kind]);
  return null;
}
