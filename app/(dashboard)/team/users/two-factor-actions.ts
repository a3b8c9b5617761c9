"use server";

import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { resetTwoFactor } from "@/lib/mfa/admin";

/** An admin's "Reset two-factor" on a user's page. */
export const resetTwoFactorAction = serverAction({ needs: "users:reset_two_factor" }, async (actor, userId: string, _prev: FormState): Promise<FormState> => {
  try {
    const { sessionsEnded } = await resetTwoFactor(actor, userId, requestMeta(await headers()));
    revalidatePath("/team/users");
    revalidatePath(`/team/users/${userId}`);
    const ended = sessionsEnded === 1 ? "1 session" : `${sessionsEnded} sessions`;
    return { status: "success", message: `Two-factor sign-in reset; ${ended} signed out.` };
  } catch (err) {
    return formStateFromError(err);
  }
});
