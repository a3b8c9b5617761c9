/**
 * Which fields of a form the person changed. The browser compares what the
 * form held when it was last loaded from the server with what it submits and
 * names the changed fields in CHANGED_FIELD; the server action then applies
 * only those, so a form left open can't undo a change made elsewhere since.
 * Shared by the client hook and the server actions (no server-only imports).
 */

export const CHANGED_FIELD = "__changed";
/** Present when the browser tracked changes; without it (no JavaScript) every field counts as changed. */
export const TRACKED_FIELD = "__tracked";

export type FormSnapshot = Map<string, string[]>;

export function snapshotOf(data: FormData): FormSnapshot {
  const snapshot: FormSnapshot = new Map();
  for (const [key, value] of data.entries()) {
    if (key.startsWith("$ACTION") || key === CHANGED_FIELD || key === TRACKED_FIELD) continue;
    const list = snapshot.get(key) ?? [];
    list.push(typeof value === "string" ? value : value.name);
    snapshot.set(key, list);
  }
  return snapshot;
}

/** Names whose submitted values differ from the snapshot (an unticked checkbox is absent, so it differs too). */
export function changedNames(before: FormSnapshot, after: FormSnapshot): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  const same = (a: string[] = [], b: string[] = []) => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
  return [...names].filter((n) => !same(before.get(n), after.get(n)));
}

/** Adds the change markers to a submission. */
export function markChanges(data: FormData, before: FormSnapshot): void {
  const after = snapshotOf(data);
  data.set(TRACKED_FIELD, "1");
  for (const name of changedNames(before, after)) data.append(CHANGED_FIELD, name);
}

/** On the server: did the person change this field? True for every field of an untracked submission. */
export function changedIn(data: FormData): (name: string) => boolean {
  if (data.get(TRACKED_FIELD) !== "1") return () => true;
  const changed = new Set(data.getAll(CHANGED_FIELD).map(String));
  return (name) => changed.has(name);
}
