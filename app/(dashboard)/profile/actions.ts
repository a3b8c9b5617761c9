"use server";

import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { formStateFromError, formValues } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { endOtherSessions, endSession } from "@/lib/sessions/revoke";
import { ownNameSchema, updateOwnName } from "@/lib/users/profile";

const meta = async () => requestMeta(await headers());

export const updateOwnNameAction = serverAction({ needs: "own_account" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["name"]);
  try {
    await updateOwnName(actor, parseOrThrow(ownNameSchema, values), await meta());
    revalidatePath("/", "layout"); // the avatar menu shows the name too
    return { status: "success", message: (await getTranslations("profilePage.name"))("saved") };
  } catch (err) {
    return formStateFromError(err, values);
  }
});

export const endOwnSessionAction = serverAction({ needs: "own_account" }, async (actor, publicId: string, _prev: FormState): Promise<FormState> => {
  try {
    await endSession(actor, actor.userId, publicId, await meta());
    revalidatePath("/profile");
    return { status: "success", message: (await getTranslations("profilePage.sessions"))("signedOutOne") };
  } catch (err) {
    return formStateFromError(err);
  }
});

export const endOtherSessionsAction = serverAction({ needs: "own_account" }, async (actor, _prev: FormState): Promise<FormState> => {
  try {
    const ended = await endOtherSessions(actor, await meta());
    revalidatePath("/profile");
    return { status: "success", message: (await getTranslations("profilePage.sessions"))("signedOutOthers", { count: ended }) };
  } catch (err) {
    return formStateFromError(err);
  }
});
