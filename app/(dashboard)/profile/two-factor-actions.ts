"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { requireSessionActor } from "@/lib/auth/session-actor";
import { formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { confirmTotpSetup, regenerateRecoveryCodes, removeTotp, startTotpSetup } from "@/lib/mfa/factors";

/** "Set up": a new secret, shown as a QR code and as text. */
export async function startTotpSetupAction(): Promise<FormState> {
  try {
    const setup = await startTotpSetup(await requireSessionActor());
    return { status: "success", result: { secret: setup.secret, qrCode: setup.qrCode } };
  } catch (err) {
    return formStateFromError(err);
  }
}

export async function confirmTotpSetupAction(_prev: FormState, formData: FormData): Promise<FormState> {
  try {
    const codes = await confirmTotpSetup(await requireSessionActor(), { code: String(formData.get("code") ?? "") }, requestMeta(await headers()));
    revalidatePath("/profile");
    return { status: "success", message: "Authenticator app turned on.", result: codes ? { recoveryCodes: codes.join("\n") } : undefined };
  } catch (err) {
    return formStateFromError(err);
  }
}

export async function removeTotpAction(_prev: FormState, formData: FormData): Promise<FormState> {
  try {
    const input = { password: String(formData.get("password") ?? ""), code: String(formData.get("code") ?? "") };
    await removeTotp(await requireSessionActor(), input, requestMeta(await headers()));
    revalidatePath("/profile");
    return { status: "success", message: "Authenticator app removed." };
  } catch (err) {
    return formStateFromError(err);
  }
}

export async function regenerateRecoveryCodesAction(): Promise<FormState> {
  try {
    const codes = await regenerateRecoveryCodes(await requireSessionActor(), requestMeta(await headers()));
    revalidatePath("/profile");
    return { status: "success", message: "New recovery codes made. The old ones no longer work.", result: { recoveryCodes: codes.join("\n") } };
  } catch (err) {
    return formStateFromError(err);
  }
}
