/**
 * Who may sign in to an application, as a change resolves it: the one rule
 * for create and update, the API and the dashboard's form.
 *
 * An app is open to everyone, limited to the members of its allowed groups,
 * or closed ("nobody": limited with no allowed group left, usually because
 * every one was deleted). `allowed_groups: []` alone can't tell "everyone"
 * from "nobody", so a GET sent back as a PUT used to open a closed app;
 * `access` says which is meant. Pure (no database): the service checks that
 * the groups exist and writes the result.
 */
import { resolveSet, SetEdit, type SetValue } from "@/lib/data/patch";
import { Invalid } from "@/lib/errors";

export const APPLICATION_ACCESS = ["everyone", "groups", "nobody"] as const;
export type ApplicationAccess = (typeof APPLICATION_ACCESS)[number];

/** Who may sign in, as stored: the access and the allowed group ids ("groups" always with at least one). */
export type AccessState = { access: ApplicationAccess; groups: string[] };

/** The refusals, word for word as the catalogs' "serverMessages" have them (lib/forms/message-keys.ts). */
export const ACCESS_TEXTS = {
  groupsNeeded: "Tick at least one group, or choose Everyone",
  everyoneTakesNoGroups: "Everyone may sign in, so no group can be chosen: untick the groups, or choose Only members of these groups",
  nobodyTakesNoGroups: 'Nobody may sign in, so no group can be chosen: send allowed_groups empty, or access "groups"',
} as const;

/** Stored flags as a state: with no allowed group left, a limited app admits nobody. */
export function accessStateOf(restrictedToGroups: boolean, groups: readonly string[]): AccessState {
  const unique = [...new Set(groups)];
  if (unique.length > 0) return { access: "groups", groups: unique };
  return { access: restrictedToGroups ? "nobody" : "everyone", groups: [] };
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v) => b.includes(v));

function sameAccessState(a: AccessState, b: AccessState): boolean {
  return a.access === b.access && sameSet(a.groups, b.groups);
}

export type AccessChanges = { access?: { from: ApplicationAccess; to: ApplicationAccess }; allowed_groups?: { from: string[]; to: string[] } };

/** What moved between two states, as application.updated records it (nothing when they are the same). */
export function accessChangesOf(before: AccessState, after: AccessState): AccessChanges {
  const changes: AccessChanges = {};
  if (before.access !== after.access) changes.access = { from: before.access, to: after.access };
  if (!sameSet(before.groups, after.groups)) changes.allowed_groups = { from: [...before.groups].sort(), to: [...after.groups].sort() };
  return changes;
}

/**
 * The state a change leaves. `stored` is undefined on create. Next groups: the sent list, the sent edit
 * applied, or the stored ones. Next access: the sent one; without one, unchanged when no list was sent
 * or the same set as stored, else "groups" for groups and "everyone" for none (what `[]` has always
 * meant to API clients). Everyone and nobody take no groups (refused when some are sent, the stored ones
 * cleared); "groups" needs one, unless the change leaves everything as stored (a "nobody" app's form
 * saved with "Only members…" and no box ticked stays as it was: a save that changes nothing is no error).
 */
export function resolveAccess(stored: AccessState | undefined, sent: { access?: ApplicationAccess; groups?: SetValue }): AccessState {
  const before = stored ?? { access: "everyone", groups: [] };
  const groups = [...new Set(sent.groups === undefined ? before.groups : resolveSet(before.groups, sent.groups))];
  const listChanged = sent.groups !== undefined && !sameSet(groups, before.groups);
  const access = sent.access ?? (!listChanged ? before.access : groups.length > 0 ? "groups" : "everyone");
  if (access !== "groups") {
    // The groups the caller asked for anew: what an edit adds (the dashboard's), or a list's groups not stored
    // already (a GET sent back with only `access` changed carries the stored ones); taking groups out is fine.
    const named = sent.groups instanceof SetEdit ? sent.groups.add : (sent.groups ?? []).filter((id) => !before.groups.includes(id));
    if (named.length > 0) throw invalidGroups(access === "everyone" ? ACCESS_TEXTS.everyoneTakesNoGroups : ACCESS_TEXTS.nobodyTakesNoGroups);
    return { access, groups: [] };
  }
  const next = accessStateOf(true, groups);
  if (next.access === "nobody" && !(stored && sameAccessState(next, stored))) throw invalidGroups(ACCESS_TEXTS.groupsNeeded);
  return next;
}

function invalidGroups(text: string): Invalid {
  return new Invalid("Invalid input", { allowed_groups: [text] });
}
