"use server";

import { getTranslations } from "next-intl/server";
import { serverAction } from "@/lib/forms/server-action";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { formStateFromError, formValues } from "@/lib/forms/action-errors";
import { changedEntries, setIn } from "@/lib/forms/changed-fields";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { setGroupRoles, setUserRoles } from "@/lib/roles/assignments";
import { createRole, deleteRole, updateRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";

const ROLES_PATH = "/settings/roles";

/** The submitted role: text fields, and the checked permissions (kept as one value so a refused form keeps them). */
function roleValues(formData: FormData) {
  const values = formValues(formData, ["name", "description"]);
  const permissions = formData.getAll("permissions").filter((v): v is string => typeof v === "string");
  return { values: { ...values, permissions: permissions.join(",") }, input: { ...values, permissions } };
}

export const createRoleAction = serverAction({ needs: "roles:create" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const { values, input } = roleValues(formData);
  let id: string;
  try {
    const role = await createRole(actor, parseOrThrow(roleInputSchema, input), requestMeta(await headers()));
    id = role.id;
    revalidatePath(ROLES_PATH, "layout");
  } catch (err) {
    return formStateFromError(err, values);
  }
  redirect(`${ROLES_PATH}/${id}?created=1`);
});

/** Saves only what the person changed: a permission ticked elsewhere since the form loaded stays. */
export const updateRoleAction = serverAction({ needs: "roles:update" }, async (actor, roleId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  const { values, input } = roleValues(formData);
  try {
    const patch = changedEntries(formData, { ...input, permissions: setIn(formData, "permissions") });
    const role = await updateRole(actor, String(roleId), patch, requestMeta(await headers()));
    revalidatePath(ROLES_PATH, "layout");
    return { status: "success", message: (await getTranslations("rolesPage.toasts"))("saved", { name: role.name }) };
  } catch (err) {
    return formStateFromError(err, values);
  }
});

export const deleteRoleAction = serverAction({ needs: "roles:delete" }, async (actor, roleId: string, _prev: FormState): Promise<FormState> => {
  try {
    await deleteRole(actor, String(roleId), requestMeta(await headers()));
    revalidatePath(ROLES_PATH, "layout");
  } catch (err) {
    return formStateFromError(err);
  }
  // The list says so: the role's page is gone, and nothing else would (review 20).
  redirect(`${ROLES_PATH}?deleted=1`);
});

function roleIds(formData: FormData) {
  return formData.getAll("role_ids").filter((v): v is string => typeof v === "string");
}

/** The roles ticked and unticked since the form loaded (lib/forms/changed-fields setIn), applied to what is stored. */
export const setUserRolesAction = serverAction({ needs: "users:update" }, async (actor, userId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  const ids = roleIds(formData);
  try {
    await setUserRoles(actor, String(userId), { role_ids: setIn(formData, "role_ids") }, requestMeta(await headers()));
    revalidatePath(`/team/users/${userId}`);
    return { status: "success", message: (await getTranslations("rolesPage.toasts"))("rolesSaved") };
  } catch (err) {
    return formStateFromError(err, { role_ids: ids.join(",") });
  }
});

export const setGroupRolesAction = serverAction({ needs: "groups:update" }, async (actor, groupId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  const ids = roleIds(formData);
  try {
    await setGroupRoles(actor, String(groupId), { role_ids: setIn(formData, "role_ids") }, requestMeta(await headers()));
    revalidatePath(`/team/groups/${groupId}`);
    return { status: "success", message: (await getTranslations("rolesPage.toasts"))("rolesSaved") };
  } catch (err) {
    return formStateFromError(err, { role_ids: ids.join(",") });
  }
});
