/**
 * Which fields of a form the person changed. The browser compares what the
 * form held when it was last loaded from the server with what it submits and
 * names the changed fields in CHANGED_FIELD; the server action then applies
 * only those, so a form left open can't undo a change made elsewhere since.
 * Shared by the client hook and the server actions (no server-only imports).
 */
import { SetEdit, type SetValue } from "@/lib/data/patch";

export const CHANGED_FIELD = "__changed";
/** Present when the browser tracked changes; without it (no JavaScript) every field counts as changed. */
export const TRACKED_FIELD = "__tracked";
/** Prefix of the entries that carry a changed field's values as loaded (for a set's added and removed entries). */
export const LOADED_PREFIX = "__loaded.";

export type FormSnapshot = Map<string, string[]>;

function isMarker(name: string): boolean {
  return name.startsWith("$ACTION") || name === CHANGED_FIELD || name === TRACKED_FIELD || name.startsWith(LOADED_PREFIX);
}

export function snapshotOf(data: FormData): FormSnapshot {
  const snapshot: FormSnapshot = new Map();
  for (const [key, value] of data.entries()) {
    if (isMarker(key)) continue;
    const list = snapshot.get(key) ?? [];
    list.push(typeof value === "string" ? value : value.name);
    snapshot.set(key, list);
  }
  return snapshot;
}

/**
 * What the form held when it was rendered: each control's default (its value
 * attribute, `selected`, `checked`), not what it holds now. A person can pick
 * a role or type before the page's script has loaded; a snapshot of the live
 * values would then count that change as the loaded state and drop it from
 * the save. Mirrors FormData: named, enabled controls; unticked boxes absent.
 */
export function loadedSnapshotOf(form: HTMLFormElement): FormSnapshot {
  const snapshot: FormSnapshot = new Map();
  const add = (name: string, value: string) => snapshot.set(name, [...(snapshot.get(name) ?? []), value]);
  for (const element of Array.from(form.elements)) {
    if (!(element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement)) continue;
    const name = element.name;
    if (!name || element.disabled || element.matches(":disabled") || isMarker(name)) continue;
    if (element instanceof HTMLSelectElement) {
      const chosen = Array.from(element.options).filter((option) => option.defaultSelected && !option.disabled);
      // A select rendered without a chosen option shows its first one; client-rendered controlled selects carry no default either.
      if (chosen.length === 0) for (const option of Array.from(element.selectedOptions)) add(name, option.value);
      else for (const option of element.multiple ? chosen : chosen.slice(-1)) add(name, option.value);
    } else if (element instanceof HTMLTextAreaElement) {
      add(name, element.defaultValue);
    } else if (element.type === "checkbox" || element.type === "radio") {
      if (element.defaultChecked) add(name, element.value);
    } else if (element.type === "file") {
      add(name, "");
    } else if (!["submit", "button", "reset", "image"].includes(element.type)) {
      add(name, element.defaultValue);
    }
  }
  return snapshot;
}

/** Names whose submitted values differ from the snapshot (an unticked checkbox is absent, so it differs too). */
export function changedNames(before: FormSnapshot, after: FormSnapshot): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  const same = (a: string[] = [], b: string[] = []) => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
  return [...names].filter((n) => !same(before.get(n), after.get(n)));
}

/** Adds the change markers to a submission: the changed fields' names, and what each held when loaded. */
export function markChanges(data: FormData, before: FormSnapshot): void {
  const after = snapshotOf(data);
  data.set(TRACKED_FIELD, "1");
  for (const name of changedNames(before, after)) {
    data.append(CHANGED_FIELD, name);
    for (const value of before.get(name) ?? []) data.append(LOADED_PREFIX + name, value);
  }
}

/** On the server: did the person change this field? True for every field of an untracked submission. */
export function changedIn(data: FormData): (name: string) => boolean {
  if (data.get(TRACKED_FIELD) !== "1") return () => true;
  const changed = new Set(data.getAll(CHANGED_FIELD).map(String));
  return (name) => changed.has(name);
}

/**
 * The entries of a form's input whose fields the person changed (every entry
 * of an untracked submission), for a service that applies a patch over what
 * it stores (lib/data/patch). `fields` names the form fields behind an input
 * key where they differ from the key (a list edited as several controls).
 */
export function changedEntries<T extends Record<string, unknown>>(data: FormData, input: T, fields: { [K in keyof T]?: readonly string[] } = {}): Partial<T> {
  const changed = changedIn(data);
  const entries = Object.entries(input).filter(([key, value]) => value !== undefined && (fields[key as keyof T] ?? [key]).some(changed));
  return Object.fromEntries(entries) as Partial<T>;
}

/**
 * A set of ticked boxes (all named `name`) as a service applies it: what the
 * person added and took out since the form loaded, so a change made elsewhere
 * to the same list since is kept; the whole list when the browser didn't
 * track changes (no JavaScript).
 */
export function setIn(data: FormData, name: string): SetValue {
  const submitted = data.getAll(name).map(String);
  if (data.get(TRACKED_FIELD) !== "1") return submitted;
  const loaded = data.getAll(LOADED_PREFIX + name).map(String);
  return new SetEdit(
    submitted.filter((value) => !loaded.includes(value)),
    loaded.filter((value) => !submitted.includes(value)),
  );
}
