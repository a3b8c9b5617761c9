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
