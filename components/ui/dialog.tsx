"use client";

import { createContext, useCallback, useContext, useEffect, useId, useMemo, useState, type RefObject } from "react";
import { keepTabInside } from "./focus";
import { useModalDialog } from "./use-modal-dialog";

/** What a part inside a Dialog registers to keep it open (the button that closes it on purpose), and whether one does. */
type HoldOpen = { hold: (done: RefObject<HTMLElement | null>) => () => void; held: boolean };
const DialogHold = createContext<HoldOpen | null>(null);

/**
 * A secret shown once (a new token, a client secret, a generated password, an invite link): while the calling part
 * is shown, its Dialog doesn't close on Escape (or the browser's other close requests, such as Android's Back); the
 * key moves the focus to `done`, the part's own "Copy and close" / "Close", so the person sees how to leave and
 * can't lose the secret by reflex. As GitHub, AWS and Stripe keep a new key on screen until it is dismissed on
 * purpose. Outside a Dialog it does nothing.
 */
export function useKeepDialogOpen(done: RefObject<HTMLElement | null>): void {
  const hold = useContext(DialogHold)?.hold;
  useEffect(() => hold?.(done), [hold, done]);
}

/** Whether a part of the enclosing Dialog holds it open: its other ways away (a tab that would replace the part) hide. */
export function useDialogHeld(): boolean {
  return useContext(DialogHold)?.held ?? false;
}

/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest of
 * the page inert and Escape closes it, except while a part inside holds it open
 * (useKeepDialogOpen). Tab and Shift+Tab go round inside it (keepTabInside): the
 * native dialog alone lets them leave for the browser's toolbar.
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
  const [holds, setHolds] = useState<RefObject<HTMLElement | null>[]>([]);
  const hold = useCallback((done: RefObject<HTMLElement | null>) => {
    setHolds((now) => [...now, done]);
    return () => setHolds((now) => now.filter((d) => d !== done));
  }, []);
  const context = useMemo(() => ({ hold, held: holds.length > 0 }), [hold, holds.length]);
  /** Escape (or another close request) while held: not closed; the focus goes to the way out. */
  const refuseToClose = (event: React.SyntheticEvent) => {
    const done = holds.at(-1);
    if (!done) return;
    event.preventDefault();
    done.current?.focus();
  };

  // text-left: the dialog sits in the DOM where it is opened, so one opened from a table's actions cell (right-aligned)
  // would inherit that cell's alignment.
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      // The key's own default is the close request: prevented here, Chromium's second Escape (which its cancel
      // event may no longer stop) doesn't close either.
      onKeyDown={(e) => {
        if (e.key === "Escape") refuseToClose(e);
        keepTabInside(e);
      }}
      onCancel={refuseToClose}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-lg bg-white p-0 text-left text-slate-900 shadow-xl backdrop:bg-black/50"
    >
      {open && (
        <DialogHold value={context}>
          <div className="p-6">
            <h2 id={titleId} className="text-lg font-semibold text-slate-900">
              {title}
            </h2>
            <div className="mt-4">{children}</div>
          </div>
        </DialogHold>
      )}
    </dialog>
  );
}
