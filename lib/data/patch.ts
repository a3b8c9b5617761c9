/**
 * A change to a settings object names only what changes: the dashboard sends
 * the fields the person changed (lib/forms/changed-fields), the API's PUT the
 * fields in its body. The service applies it over what it stores, inside its
 * unit of work, and validates the whole result there: so a form left open, or
 * a script that sends one field, can't put back or reset what it didn't name.
 */

/** The fields a caller may send; unknown keys are dropped by the service's schema. */
export type Patch<T> = { [K in keyof T]?: T[K] | undefined };

/** What is stored, with the patch's fields over it (a field sent as undefined keeps the stored value). */
export function patched<T extends Record<string, unknown>>(stored: T, patch: Patch<T> | Record<string, unknown>): T & Record<string, unknown> {
  const sent = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  return { ...stored, ...sent };
}
