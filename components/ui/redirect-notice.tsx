"use client";

import { useEffect } from "react";
import { Alert } from "./alert";

/**
 * What a redirect's query flag says (`?created=1`, `?deleted=1`): shown once. The flag leaves the address as
 * soon as the notice is on the page (replaceState, which Next.js's router follows), so a reload, a bookmark or
 * a copied link doesn't say again that something was just created or deleted.
 */
export function RedirectNotice({ param, children }: { param: string; children: React.ReactNode }) {
  useEffect(() => {
    const url = new URL(window.location.href);
    if (!url.searchParams.has(param)) return;
    url.searchParams.delete(param);
    window.history.replaceState(window.history.state, "", `${url.pathname}${url.search}${url.hash}`);
  }, [param]);
  return <Alert tone="success">{children}</Alert>;
}
