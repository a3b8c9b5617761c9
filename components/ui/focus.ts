import { useEffect, useRef, type KeyboardEvent, type RefObject } from "react";
import { tabbable } from "tabbable";

/**
 * A control disabled or replaced while an action runs (a submit button, a row's "Add") drops the focus to
 * the page: a keyboard user starts again from the top. After the answer, the focus goes back where the
 * person can carry on, when nothing else has taken it meanwhile.
 */
export function focusIfLost(target: HTMLElement | null | undefined): void {
  const active = document.activeElement;
  if (active !== null && active !== document.body) return;
  if (target?.isConnected) target.focus();
}

/** After a refusal, the focus goes to the form's first field marked wrong (aria-invalid); false when none is. */
export function focusFirstInvalid(form: HTMLFormElement | null | undefined): boolean {
  const invalid = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
  invalid?.focus();
  return invalid != null;
}

const TYPED = "input:not([type=hidden]):not([readonly]):not(:disabled), select:not(:disabled), textarea:not([readonly]):not(:disabled)";

/**
 * A form that opens in place of the button that asked for it (a proof step, a rename): the focus goes to
 * its first field to type in, since the button it was on is gone. With nothing to type (the proof is a
 * recent sign-in), to its first button that doesn't submit (Cancel), never straight onto a Remove.
 */
export function focusFirstField(form: HTMLFormElement | null): void {
  (form?.querySelector<HTMLElement>(TYPED) ?? form?.querySelector<HTMLElement>('button[type="button"]:not(:disabled)'))?.focus();
}

/**
 * A part that opens in place of its button (a proof step, a rename) and closes again (Cancel, done): the
 * focus goes back to that button, which is shown again, instead of falling to the page with the part.
 */
export function useFocusBack(open: boolean, opener: RefObject<HTMLElement | null>): void {
  const wasOpen = useRef(open);
  useEffect(() => {
    if (wasOpen.current && !open) focusIfLost(opener.current);
    wasOpen.current = open;
  }, [open, opener]);
}

/**
 * A row's button whose action removes the row (a deleted token, invite, member): the dialog closes onto a button
 * that is gone, and the focus would fall to the page. Once the button has left the page (the list re-rendered
 * after the answer), the focus goes to the list it was in (the DataTable's box, data-focus-home; Tab goes on from
 * there into the rows left), or to the page's main content when the list went too. Nothing happens when the
 * button stays (Block turning into Unblock) or something else took the focus meanwhile.
 */
export function refocusWhenRemoved(trigger: HTMLElement | null, frames = 300): void {
  if (!trigger) return;
  const home = trigger.closest<HTMLElement>("[data-focus-home]");
  const check = (left: number) => {
    if (trigger.isConnected) {
      if (left > 0) requestAnimationFrame(() => check(left - 1));
      return;
    }
    focusIfLost(home?.isConnected ? home : document.getElementById("main"));
  };
  requestAnimationFrame(() => check(frames));
}

/** Two stops Tab treats as one: the same element, or radios of one group (with none checked, each is a stop). */
function sameStop(a: Element | null, b: Element | undefined): boolean {
  if (!a || !b) return false;
  if (a === b) return true;
  return a instanceof HTMLInputElement && b instanceof HTMLInputElement && a.type === "radio" && b.type === "radio" && a.name !== "" && a.name === b.name && a.form === b.form;
}

/**
 * Tab and Shift+Tab go round inside a modal dialog: past its last stop to its first, before its first to its last.
 * A native modal <dialog> keeps the page behind it inert but lets Tab leave for the browser's own toolbar and
 * address bar (review 20), where a keyboard or screen-reader user is outside the question the dialog asks.
 * For a dialog's onKeyDown.
 */
export function keepTabInside(event: KeyboardEvent<HTMLElement>): void {
  if (event.key !== "Tab" || event.altKey || event.ctrlKey || event.metaKey) return;
  // tabbable: what Tab stops on, in Tab's order (tabindex, one radio of a group, nothing hidden, inert or disabled).
  const stops = tabbable(event.currentTarget);
  const active = document.activeElement;
  if (stops.length === 0) {
    event.preventDefault();
    return;
  }
  const first = stops[0]!;
  const last = stops.at(-1)!;
  const outside = !active || active === event.currentTarget || !event.currentTarget.contains(active);
  if (event.shiftKey && (outside || sameStop(active, first))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && sameStop(active, last)) {
    event.preventDefault();
    first.focus();
  }
}
