/**
 * A change to a settings object names only what changes: the dashboard sends
 * the fields the person changed (lib/forms/changed-fields), the API's PUT the
 * fields in its body. The service applies it over what it stores, inside its
 * unit of work, and validates the whole result there: so a form left open, or
 * a script that sends one field, can't put back or reset what it didn't name.
 */

/**
 * A change to a set (ticked groups, roles, permissions): what to add and what
 * to take out, applied to what is stored when the change is written. Two
 * people ticking different boxes of one list both keep their change. Only the
 * dashboard makes these (a JSON body can't): the API sends a list, which
 * replaces the stored one.
 */
export class SetEdit {
  constructor(
    readonly add: readonly string[],
    readonly remove: readonly string[],
  ) {}

  applyTo(stored: readonly string[]): string[] {
    return [...new Set([...stored.filter((value) => !this.remove.includes(value)), ...this.add])];
  }
}

/** A set as the service gets it: the whole list, or an edit of the stored one. */
export type SetValue = string[] | SetEdit;

/** The list a set value leaves, given what is stored. */
export function resolveSet(stored: readonly string[], value: SetValue): string[] {
  return value instanceof SetEdit ? value.applyTo(stored) : value;
}

/** The fields a caller may send; unknown keys are dropped by the service's schema. */
export type Patch<T> = { [K in keyof T]?: T[K] | SetEdit | undefined };

/**
 * What is stored, with the patch's fields over it: a field sent as undefined
 * keeps the stored value, a SetEdit is applied to the stored list.
 */
export function patched<T extends Record<string, unknown>>(stored: T, patch: Patch<T> | Record<string, unknown>): T & Record<string, unknown> {
  const result: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const before = result[key];
    result[key] = value instanceof SetEdit ? value.applyTo(Array.isArray(before) ? before.map(String) : []) : value;
  }
  return result as T & Record<string, unknown>;
}
