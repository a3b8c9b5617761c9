"use client";
/**
 * The box a DataTable scrolls in, and the two things about it that need the page's script:
 * - whether the table is wider than the box, at whatever width that happens (a phone, a tablet beside the
 *   sidebar, a laptop with a long name): while it is, the box carries data-overflowing and app/globals.css pins
 *   the row's naming column (and its select checkbox) to the left edge and its buttons to the right, so a row
 *   scrolled sideways still says whose it is. A fixed breakpoint pinned on a phone only, and left a 768 px tablet's
 *   Users scrolling without names. Pinning moves no column, so it can't change what it measures.
 * - a row that opens as a whole (its name is a link marked data-row-link, stretched over the row by globals.css):
 *   a pinned (sticky) cell is the box its link's cover fills, so on a scrolled table a tap on another cell met
 *   no link. A click on a row's cell that isn't on a control of its own is given to that row's link, as a click
 *   with the same keys (Ctrl or ⌘ opens a new tab, as on the link). Nothing new takes the focus: the keyboard
 *   reaches the row through its link, as before, and there is no link inside a link.
 */
import { useLayoutEffect, useRef, type MouseEvent, type ReactNode } from "react";

/** What a click on its own: a control in a row keeps its click (a checkbox selects, a button acts). */
const OWN_CONTROLS = "a[href], button, input, select, textarea, label, summary, [role=button], [role=checkbox], [contenteditable=true]";

export function TableBox({ className, children }: { className: string; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () => {
      element.toggleAttribute("data-overflowing", element.scrollWidth > element.clientWidth + 1);
      // The naming column pins right after a select checkbox's column, however wide that is at this width.
      const start = element.querySelector<HTMLElement>("thead [data-pin=start]");
      element.style.setProperty("--pin-lead-left", `${start?.offsetWidth ?? 0}px`);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    const table = element.querySelector("table");
    if (table) observer.observe(table);
    return () => observer.disconnect();
  }, []);

  const openRow = (event: MouseEvent<HTMLDivElement>) => {
    if (event.defaultPrevented || event.button !== 0) return;
    const target = event.target as Element;
    if (target.closest(OWN_CONTROLS)) return;
    const row = target.closest("tbody tr");
    const link = row?.querySelector<HTMLAnchorElement>("a[data-row-link]");
    if (!row || !link) return;
    // Text selected in the row (a drag across a cell, to copy an address) isn't a tap on it.
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed && row.contains(selection.anchorNode)) return;
    link.dispatchEvent(
      new globalThis.MouseEvent("click", {
        bubbles: true,
        cancelable: true,
        view: window,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        shiftKey: event.shiftKey,
        altKey: event.altKey,
      }),
    );
  };

  return (
    // Focusable, so a keyboard can scroll the box when a phone's width hides columns and no cell holds a link. Its
    // click only hands a row's click to that row's link, which the keyboard reaches itself.
    <div
      ref={box}
      tabIndex={0}
      // Where the focus goes when a row's button removed its row (refocusWhenRemoved, ./focus.ts).
      data-focus-home=""
      className={className}
      onClick={openRow}
    >
      {children}
    </div>
  );
}
