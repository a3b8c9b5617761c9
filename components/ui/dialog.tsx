"use client";

import { useId } from "react";
import { useModalDialog } from "./use-modal-dialog";

/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest of
 * the page inert (focus stays inside) and Escape closes it.
 */
export function Dialog({
  open,
  onClose,
  title,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: React.ReactNode;
}) {
  const ref = useModalDialog(open);
  const titleId = useId();

  // text-left: the dialog sits in the DOM where it is opened, so one opened from a table's actions cell (right-aligned)
  // would inherit that cell's alignment.
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-lg bg-white p-0 text-left text-slate-900 shadow-xl backdrop:bg-black/50"
    >
      {open && (
        <div className="p-6">
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            {title}
          </h2>
          <div className="mt-4">{children}</div>
        </div>
      )}
    </dialog>
  );
}
