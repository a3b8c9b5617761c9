"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { requireSessionActor } from "@/lib/auth/session-actor";
import { formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { resetTwoFactor } from "@/lib/mfa/admin";

/** An admin's "Reset two-factor" on a user's page. */
export async function resetTwoFactorAction(userId: string, _prev: FormState): Promise<FormState> {
  try {
    const { sessionsEnded } = await resetTwoFactor(await requireSessionActor(), userId, requestMeta(await headers()));
    revalidatePath("/team/users");
    revalidatePath(`/team/users/${userId}`);
    const ended = sessionsEnded === 1 ? "1 session" : `${sessionsEnded} sessions`;
    return { status: "success", message: `Two-factor sign-in reset; ${ended} signed out.` };
  } catch (err) {
    return formStateFromError(err);
  }
}
