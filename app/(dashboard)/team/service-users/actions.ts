"use server";

import { getTranslations } from "next-intl/server";
import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { formStateFromError, formValues } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { createUser, deleteUser, setUserBlocked } from "@/lib/users/lifecycle";
import { createUserSchema } from "@/lib/users/schemas";

const meta = async () => requestMeta(await headers());

function refreshServiceUserPages(userId?: string) {
  revalidatePath("/team/service-users");
  if (userId) revalidatePath(`/team/service-users/${userId}`);
}

/** Creates the service user and opens its page, where its tokens are made. */
export const createServiceUserAction = serverAction({ needs: "service_users:create" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["name", "role"]);
  let userId: string;
  try {
    const input = parseOrThrow(createUserSchema, { ...values, is_service_user: true, auto_groups: [] });
    const { user } = await createUser(actor, input, await meta());
    userId = user.id;
    refreshServiceUserPages();
  } catch (err) {
    return formStateFromError(err, values);
  }
  redirect(`/team/service-users/${userId}?created=1`);
});

export const setServiceUserBlockedAction = serverAction({ needs: "service_users:update" }, async (actor, userId: string, isBlocked: boolean, _prev: FormState): Promise<FormState> => {
  try {
    await setUserBlocked(actor, userId, isBlocked, await meta());
    refreshServiceUserPages(userId);
    return {
      status: "success",
      message: (await getTranslations("serviceUsersPage.toasts"))(isBlocked ? "blocked" : "unblocked"),
    };
  } catch (err) {
    return formStateFromError(err);
  }
});

export const deleteServiceUserAction = serverAction({ needs: "service_users:delete" }, async (actor, userId: string, _prev: FormState): Promise<FormState> => {
  try {
    await deleteUser(actor, userId, await meta());
  } catch (err) {
    return formStateFromError(err);
  }
  refreshServiceUserPages();
  redirect("/team/service-users?deleted=1");
});
