"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { requireSessionActor } from "@/lib/auth/session-actor";
import { formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { withdrawAppAccess } from "@/lib/oidc/grants";

/** Profile → Apps you signed in to → Revoke access: that app's grants and tokens end now. */
export async function withdrawAppAccessAction(clientId: string, _prev: FormState): Promise<FormState> {
  try {
    const actor = await requireSessionActor();
    await withdrawAppAccess(actor, String(clientId).slice(0, 100), requestMeta(await headers()));
    revalidatePath("/profile");
    return { status: "success", message: "Access revoked: the app must ask you to sign in again" };
  } catch (err) {
    return formStateFromError(err);
  }
}
