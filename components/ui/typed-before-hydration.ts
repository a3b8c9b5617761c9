"use client";
/**
 * A controlled input's text typed, or filled in by a password manager, before React hydrated the page. React
 * leaves it in the field at hydration but keeps the state's value (""), and the input's next render writes that
 * over it (react/react#26974): the person's password vanished when anything re-rendered the form, and a submit
 * then said "Current password is required". The state adopts the field's text in a layout effect, which runs
 * within hydration's commit, before any later render can reach the input. Test: e2e/forms.spec.ts ("a password
 * typed before the page hydrated"). A select's option picked before hydration is adopted the same way (its hint
 * said the default's meaning).
 */
import { useLayoutEffect, type RefObject } from "react";

export function useTypedBeforeHydration(ref: RefObject<HTMLInputElement | HTMLSelectElement | null>, adopt: (typed: string) => void): void {
  useLayoutEffect(() => {
    const typed = ref.current?.value;
    if (typed) adopt(typed);
    // Once, at mount: later changes come through onChange.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
}
