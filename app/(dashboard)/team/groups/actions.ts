"use server";

import { getTranslations } from "next-intl/server";
import { serverAction } from "@/lib/forms/server-action";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { formStateFromError, formValues } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { pickerSearchTerm } from "@/lib/forms/search-term";
import { createGroup, deleteGroup, renameGroup } from "@/lib/groups/groups";
import { groupInputSchema } from "@/lib/groups/schemas";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { setGroupMembership } from "@/lib/users/group-members";
import { listUsers, userFiltersSchema } from "@/lib/users/queries";
import { userLabel } from "@/lib/users/records";

const GROUPS_PATH = "/team/groups";

function revalidateGroups(): void {
  // "layout" covers the list and every group's page.
  revalidatePath(GROUPS_PATH, "layout");
}

export const createGroupAction = serverAction({ needs: "groups:create" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["name"]);
  try {
    const input = parseOrThrow(groupInputSchema, values);
    const group = await createGroup(actor, input, requestMeta(await headers()));
    revalidateGroups();
    return { status: "success", message: (await getTranslations("groupsPage.toasts"))("created", { name: group.name }) };
  } catch (err) {
    return formStateFromError(err, values);
  }
});

export const renameGroupAction = serverAction({ needs: "groups:update" }, async (actor, groupId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["name"]);
  try {
    const input = parseOrThrow(groupInputSchema, values);
    const group = await renameGroup(actor, String(groupId), input, requestMeta(await headers()));
    revalidateGroups();
    return { status: "success", message: (await getTranslations("groupsPage.toasts"))("renamed", { name: group.name }) };
  } catch (err) {
    return formStateFromError(err, values);
  }
});

/** Deletes the group; from the group's own page (returnToList) it then goes back to the list. */
export const deleteGroupAction = serverAction({ needs: "groups:delete" }, async (actor, groupId: string, returnToList: boolean, _prev: FormState): Promise<FormState> => {
  try {
    await deleteGroup(actor, String(groupId), requestMeta(await headers()));
    revalidateGroups();
  } catch (err) {
    return formStateFromError(err);
  }
  // The list says so: the page the person was on is gone, and nothing else would (review 20).
  if (returnToList === true) redirect(`${GROUPS_PATH}?deleted=1`);
  return { status: "success", message: (await getTranslations("groupsPage.toasts"))("deleted") };
});

export type PersonOption = { id: string; label: string; email: string | null; member: boolean };

/** The member picker's search: the users search (name, email, role), a few at a time. */
export const findPeopleAction = serverAction({ needs: "users:read", refusal: "throw", searchArg: 1 }, async (actor, groupId: string, search: string): Promise<PersonOption[]> => {
  const term = pickerSearchTerm(search);
  if (term === null) return [];
  const { items } = await listUsers(actor, userFiltersSchema.parse({ search: term, limit: 8 }));
  return items.map((u) => ({ id: u.id, label: userLabel(u), email: u.email, member: u.autoGroups.includes(groupId) }));
});

export const setGroupMemberAction = serverAction({ needs: "users:update", or: "service_users:update" }, async (actor, groupId: string, userId: string, member: boolean, _prev?: FormState): Promise<FormState> => {
  try {
    await setGroupMembership(actor, groupId, userId, member, requestMeta(await headers()));
    revalidateGroups();
    revalidatePath(`/team/users/${userId}`);
    return { status: "success", message: (await getTranslations("groupsPage.toasts"))(member ? "added" : "removed") };
  } catch (err) {
    return formStateFromError(err);
  }
});
