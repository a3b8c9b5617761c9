"use client";
/**
 * Toasts: the one place an action's outcome is announced, outside the dialog
 * or form that asked for it. Two live regions exist from the first render (a
 * region added together with its text is often not read out): outcomes are
 * polite (role=status), failures interrupt (role=alert). Successes leave by
 * themselves after a while (not while Dismiss is pointed at or focused); failures and
 * warnings (saved, but something to act on) stay until dismissed, so nobody has to read
 * against a clock.
 *
 * On a laptop they sit bottom left (over the sidebar's empty end). On a phone
 * the bottom of the screen is where the person is working (the Save button
 * they just pressed, the paging links), so there they sit at the top, under
 * the header with the menu and avatar buttons (its height, h-16), over the
 * page's title. Only their Dismiss button takes the pointer: a click on a
 * toast's text reaches whatever is beneath it.
 *
 * The provider sits in the root layout, so a toast outlives the component
 * that raised it (a table row whose token was just deleted, say).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { useTranslations } from "next-intl";

export type ToastTone = "success" | "error" | "warning" | "info";
type Toast = { id: number; tone: ToastTone; message: string };
type Notify = (tone: ToastTone, message: string) => void;

const ToastContext = createContext<Notify | null>(null);

const SUCCESS_MS = 8000;

/** Raises a toast; outside a provider (a component rendered alone) it does nothing. */
export function useToast(): Notify {
  return useContext(ToastContext) ?? noop;
}

function noop() {}

export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const notify = useCallback<Notify>((tone, message) => {
    const id = next.current++;
    // The same outcome twice in a row replaces the older one rather than stacking.
    setToasts((list) => [...list.filter((t) => !(t.tone === tone && t.message === message)), { id, tone, message }].slice(-4));
  }, []);
  const value = useMemo(() => notify, [notify]);
  const t = useTranslations("toast");
  const polite = toasts.filter((t) => t.tone !== "error");
  const urgent = toasts.filter((t) => t.tone === "error");
  return (
    <ToastContext.Provider value={value}>
      {children}
      <section
        aria-label={t("label")}
        className="pointer-events-none fixed inset-x-0 top-16 z-50 flex flex-col items-center gap-2 px-4 py-2 sm:top-auto sm:bottom-0 sm:items-start sm:p-4"
      >
        <div role="alert" className="flex w-full flex-col items-center gap-2 sm:items-start">
          {urgent.map((t) => (
            <ToastItem key={t.id} toast={t} onDismiss={dismiss} />
          ))}
        </div>
        <div role="status" className="flex w-full flex-col items-center gap-2 sm:items-start">
          {polite.map((t) => (
            <ToastItem key={t.id} toast={t} onDismiss={dismiss} />
          ))}
        </div>
      </section>
    </ToastContext.Provider>
  );
}

const TONES: Record<ToastTone, string> = {
  success: "bg-white text-slate-900 ring-green-200",
  info: "bg-white text-slate-900 ring-slate-300",
  error: "bg-red-50 text-red-800 ring-red-200",
  warning: "bg-amber-50 text-amber-800 ring-amber-200",
};

const MARKS: Record<ToastTone, string> = { success: "bg-green-600", info: "bg-indigo-600", error: "bg-red-600", warning: "bg-amber-500" };
/** Tones that wait for the person's Dismiss. */
const STAYS: ReadonlySet<ToastTone> = new Set(["error", "warning"]);

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  const [held, setHeld] = useState(false);
  const t = useTranslations("toast");
  useEffect(() => {
    if (STAYS.has(toast.tone) || held) return;
    const timer = setTimeout(() => onDismiss(toast.id), SUCCESS_MS);
    return () => clearTimeout(timer);
  }, [toast, held, onDismiss]);
  return (
    <div
      className={`flex w-full max-w-sm items-start gap-3 rounded-lg px-4 py-3 text-sm shadow-lg ring-1 ${TONES[toast.tone]}`}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      <span aria-hidden className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${MARKS[toast.tone]}`} />
      <p className="min-w-0 flex-1 break-words">{toast.message}</p>
      <button
        type="button"
        onClick={() => onDismiss(toast.id)}
        onMouseEnter={() => setHeld(true)}
        onMouseLeave={() => setHeld(false)}
        className="pointer-events-auto -my-1 rounded px-1.5 py-1 text-xs font-medium underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        {t("dismiss")}
      </button>
    </div>
  );
}
