"use server";

import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { formStateFromError } from "@/lib/forms/action-errors";
import { PROOF_FIELDS, proofOf } from "@/lib/forms/proof-fields";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { passkeyNameInputSchema } from "@/lib/mfa/passkey-records";
import { finishPasskeyRegistration, removePasskey, renamePasskey, startPasskeyRegistration } from "@/lib/mfa/passkeys";

function json(formData: FormData, name: string): unknown {
  const text = formData.get(name);
  if (typeof text !== "string" || text.length > 100_000) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * "Add a passkey", first half: the name is checked, the password (or code) proves it's the person; then the
 * options for the browser. A refused name is said before any proof is looked at or the browser asked.
 */
export const startPasskeyRegistrationAction = serverAction({ needs: "own_account" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const name = String(formData.get("name") ?? "");
  try {
    parseOrThrow(passkeyNameInputSchema, { name });
    const options = await startPasskeyRegistration(actor, proofOf(formData), requestMeta(await headers()));
    return { status: "success", result: { options: JSON.stringify(options) } };
  } catch (err) {
    return formStateFromError(err, { name }, PROOF_FIELDS);
  }
});

/** Second half: the browser's answer and the name; the first factor comes with recovery codes. */
export const finishPasskeyRegistrationAction = serverAction({ needs: "own_account" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const name = String(formData.get("name") ?? "");
  try {
    const done = await finishPasskeyRegistration(actor, { name, response: json(formData, "response") }, requestMeta(await headers()));
    revalidatePath("/profile");
    return { status: "success", message: (await getTranslations("mfa.passkeys"))("addedDone"), result: done.recoveryCodes ? { recoveryCodes: done.recoveryCodes.join("\n") } : undefined };
  } catch (err) {
    return formStateFromError(err, { name });
  }
});

export const renamePasskeyAction = serverAction({ needs: "own_account" }, async (actor, passkeyId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  const name = String(formData.get("name") ?? "");
  try {
    await renamePasskey(actor, String(passkeyId), { name }, requestMeta(await headers()));
    revalidatePath("/profile");
    return { status: "success", message: (await getTranslations("mfa.passkeys"))("renamed") };
  } catch (err) {
    return formStateFromError(err, { name });
  }
});

export const removePasskeyAction = serverAction({ needs: "own_account" }, async (actor, passkeyId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  try {
    await removePasskey(actor, String(passkeyId), proofOf(formData), requestMeta(await headers()));
    revalidatePath("/profile");
    return { status: "success", message: (await getTranslations("mfa.passkeys"))("removedDone") };
  } catch (err) {
    return formStateFromError(err, undefined, PROOF_FIELDS);
  }
});
