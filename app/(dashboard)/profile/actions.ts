"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { requireSessionActor } from "@/lib/auth/session-actor";
import { formStateFromError, formValues } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { endOtherSessions, endSession } from "@/lib/sessions/revoke";
import { ownNameSchema, updateOwnName } from "@/lib/users/profile";

const meta = async () => requestMeta(await headers());

export async function updateOwnNameAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["name"]);
  try {
    const actor = await requireSessionActor();
    await updateOwnName(actor, parseOrThrow(ownNameSchema, values), await meta());
    revalidatePath("/", "layout"); // the avatar menu shows the name too
    return { status: "success", message: "Name saved" };
  } catch (err) {
    return formStateFromError(err, values);
  }
}

export async function endOwnSessionAction(publicId: string, _prev: FormState): Promise<FormState> {
  try {
    const actor = await requireSessionActor();
    await endSession(actor, actor.userId, publicId, await meta());
    revalidatePath("/profile");
    return { status: "success", message: "Signed out that session" };
  } catch (err) {
    return formStateFromError(err);
  }
}

export async function endOtherSessionsAction(_prev: FormState): Promise<FormState> {
  try {
    const actor = await requireSessionActor();
    const ended = await endOtherSessions(actor, await meta());
    revalidatePath("/profile");
    return { status: "success", message: ended === 1 ? "Signed out 1 other session" : `Signed out ${ended} other sessions` };
  } catch (err) {
    return formStateFromError(err);
  }
}
