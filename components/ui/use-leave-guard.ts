"use client";
/**
 * Asks before a person leaves a page with unsaved changes: closing or
 * reloading the tab (the browser's own prompt) and following a link inside
 * the app (the App Router has no navigation events, so link clicks are caught
 * before Next's <Link> handles them).
 */
import { useEffect } from "react";

export const LEAVE_QUESTION = "You have unsaved changes. Leave this page and lose them?";

/** Plain left clicks on same-origin links that would replace this page. */
function leavingLink(event: MouseEvent): HTMLAnchorElement | null {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const link = (event.target as Element | null)?.closest?.("a[href]");
  if (!(link instanceof HTMLAnchorElement)) return null;
  if (link.target && link.target !== "_self") return null;
  if (link.hasAttribute("download")) return null;
  const to = new URL(link.href, location.href);
  if (to.origin !== location.origin) return null;
  // A link to a place on this very page leaves nothing behind.
  if (to.pathname === location.pathname && to.search === location.search && to.hash) return null;
  return link;
}

export function useLeaveGuard(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = "";
    };
    const onClick = (event: MouseEvent) => {
      if (!leavingLink(event)) return;
      if (window.confirm(LEAVE_QUESTION)) return;
      event.preventDefault();
      event.stopPropagation();
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    // Capture phase on window: runs before React's handlers at the root, so a "stay" stops <Link> too.
    window.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      window.removeEventListener("click", onClick, true);
    };
  }, [dirty]);
}
