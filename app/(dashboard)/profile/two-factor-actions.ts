"use server";

import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { formStateFromError } from "@/lib/forms/action-errors";
import { PROOF_FIELDS, proofOf } from "@/lib/forms/proof-fields";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { confirmTotpSetup, regenerateRecoveryCodes, removeTotp, startTotpSetup } from "@/lib/mfa/factors";

/** "Set up", after the password (or code) proves it's the person: a new secret, shown as a QR code and as text. */
export const startTotpSetupAction = serverAction({ needs: "own_account" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  try {
    const setup = await startTotpSetup(actor, proofOf(formData), requestMeta(await headers()));
    return { status: "success", result: { secret: setup.secret, qrCode: setup.qrCode } };
  } catch (err) {
    return formStateFromError(err, undefined, PROOF_FIELDS);
  }
});

export const confirmTotpSetupAction = serverAction({ needs: "own_account" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  try {
    const codes = await confirmTotpSetup(actor, { code: String(formData.get("code") ?? "") }, requestMeta(await headers()));
    revalidatePath("/profile");
    return { status: "success", message: (await getTranslations("mfa.app"))("turnedOn"), result: codes ? { recoveryCodes: codes.join("\n") } : undefined };
  } catch (err) {
    return formStateFromError(err, undefined, ["code"]);
  }
});

export const removeTotpAction = serverAction({ needs: "own_account" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  try {
    await removeTotp(actor, proofOf(formData), requestMeta(await headers()));
    revalidatePath("/profile");
    return { status: "success", message: (await getTranslations("mfa.app"))("removed") };
  } catch (err) {
    return formStateFromError(err, undefined, PROOF_FIELDS);
  }
});

export const regenerateRecoveryCodesAction = serverAction({ needs: "own_account" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  try {
    const codes = await regenerateRecoveryCodes(actor, proofOf(formData), requestMeta(await headers()));
    revalidatePath("/profile");
    return { status: "success", message: (await getTranslations("mfa.recovery"))("regenerated"), result: { recoveryCodes: codes.join("\n") } };
  } catch (err) {
    return formStateFromError(err, undefined, PROOF_FIELDS);
  }
});
