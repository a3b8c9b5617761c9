"use client";

import { useEffect, useRef } from "react";

/**
 * Keeps a native <dialog> in step with `open`: showModal() when it turns true
 * (the rest of the page goes inert, Escape closes), close() when it turns false.
 * Returns the ref to put on the <dialog>.
 */
export function useModalDialog(open: boolean) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return ref;
}
