"use server";

import { publicAction } from "@/lib/forms/server-action";
import { AuthError, CredentialsSignin } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { CODE_MISSING, signIn, SignInMustWait } from "@/lib/sign-in/nextauth";
import { getTranslations } from "next-intl/server";
import { waitMessage } from "../messages";
import { secondStepToken } from "@/lib/sign-in/second-step-cookie";
import { formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { CodeMissing, CodeThrottled, confirmEnrolment, SecondStepExpired, WrongCode } from "@/lib/mfa/second-step";
import { PasskeyNotAccepted, secondStepPasskeyOptions } from "@/lib/mfa/second-step-passkey";
import { Conflict, Invalid, PreconditionFailed } from "@/lib/errors";
import { ENROLMENT_TOOK_TOO_LONG, finishEnrolmentPasskey, startEnrolmentPasskey } from "@/lib/mfa/second-step-enrol-passkey";
import { localPath } from "@/lib/http/local-path";
import { parseOrThrow } from "@/lib/http/validation";
import { passkeyNameInputSchema } from "@/lib/mfa/passkey-records";
import { NOT_THE_PERSON } from "@/lib/sessions/only-person";

const TIMED_OUT = "/login?error=second_step_expired";

/**
 * The pending step is someone else's than the person an app asked to confirm it's them (lib/sessions/only-person.ts):
 * back to that request's "confirm it's you" page, told why.
 */
function backIfSomeoneElse(denial: string | undefined, formData: FormData): void {
  if (denial === NOT_THE_PERSON) redirect(`/login?${new URLSearchParams({ error: NOT_THE_PERSON, callbackUrl: localPath(formData.get("callbackUrl")) })}`);
}

const says = async (key: "wrongCode" | "passkeyNotAccepted") => (await getTranslations("publicPages.twoFactor"))(key);
const needPublicUrl = async () => (await getTranslations("publicPages.passkey"))("needPublicUrl");

/** A wrong code (authenticator or recovery) is said at the code field, which the form shows but never gets back. */
const wrongCode = async () => {
  const wrong = await says("wrongCode");
  return formStateFromError(new Invalid(wrong, { code: [wrong] }), undefined, ["code"]);
};

/** The code (authenticator or recovery) for the pending step; Auth.js makes the session. */
export const secondStepAction = publicAction(async (_prev: FormState, formData: FormData): Promise<FormState> => {
  const code = String(formData.get("code") ?? "");
  try {
    await signIn("second-step", { code, redirectTo: localPath(formData.get("callbackUrl")) });
  } catch (err) {
    if (err instanceof SignInMustWait) return { status: "error", message: await waitMessage(err.retryAfterSeconds) };
    if (err instanceof AuthError) {
      const denial = err instanceof CredentialsSignin ? err.code : undefined;
      if (denial === "second_step_expired") redirect(TIMED_OUT);
      backIfSomeoneElse(denial, formData);
      if (denial === CODE_MISSING) return formStateFromError(new CodeMissing(), undefined, ["code"]);
      return wrongCode();
    }
    throw err;
  }
  return { status: "success" };
});

/** "Use a passkey": a challenge bound to this browser's pending step, for the pending person's passkeys. */
export const secondStepPasskeyOptionsAction = publicAction(async (): Promise<FormState> => {
  const token = await secondStepToken();
  if (!token) redirect(TIMED_OUT);
  try {
    return { status: "success", result: { options: JSON.stringify(await secondStepPasskeyOptions(token)) } };
  } catch (err) {
    if (err instanceof SecondStepExpired) redirect(TIMED_OUT);
    if (err instanceof PasskeyNotAccepted) return { status: "error", message: await says("passkeyNotAccepted") };
    if (err instanceof PreconditionFailed) return { status: "error", message: await needPublicUrl() };
    throw err;
  }
});

/** The passkey's answer for the pending step; Auth.js makes the session. */
export const secondStepPasskeyAction = publicAction(async (_prev: FormState, formData: FormData): Promise<FormState> => {
  const passkey = formData.get("passkey");
  try {
    await signIn("second-step", { passkey: typeof passkey === "string" ? passkey : "", redirectTo: localPath(formData.get("callbackUrl")) });
  } catch (err) {
    if (err instanceof SignInMustWait) return { status: "error", message: await waitMessage(err.retryAfterSeconds) };
    if (err instanceof AuthError) {
      const denial = err instanceof CredentialsSignin ? err.code : undefined;
      if (denial === "second_step_expired") redirect(TIMED_OUT);
      backIfSomeoneElse(denial, formData);
      return { status: "error", message: await says("passkeyNotAccepted") };
    }
    throw err;
  }
  return { status: "success" };
});

/** Set-up during sign-in: the first code turns the app on and hands back the recovery codes, shown once. */
export const confirmEnrolmentAction = publicAction(async (_prev: FormState, formData: FormData): Promise<FormState> => {
  const token = await secondStepToken();
  if (!token) redirect(TIMED_OUT);
  try {
    const codes = await confirmEnrolment(token, String(formData.get("code") ?? "").slice(0, 64), requestMeta(await headers()));
    return { status: "success", result: { recoveryCodes: codes.join("\n") } };
  } catch (err) {
    if (err instanceof SecondStepExpired) redirect(TIMED_OUT);
    // In the reader's language, as the other steps say it (the error's own text is English).
    if (err instanceof CodeThrottled) return { status: "error", message: await waitMessage(err.retryAfterSeconds) };
    if (err instanceof WrongCode) return wrongCode();
    if (err instanceof CodeMissing) return formStateFromError(err, undefined, ["code"]);
    throw err;
  }
});

/** After set-up and saving the recovery codes: the session, through Auth.js. */
export const continueAfterEnrolmentAction = publicAction(async (_prev: FormState, formData: FormData): Promise<FormState> => {
  try {
    await signIn("second-step", { code: "", redirectTo: localPath(formData.get("callbackUrl")) });
  } catch (err) {
    if (err instanceof AuthError) {
      backIfSomeoneElse(err instanceof CredentialsSignin ? err.code : undefined, formData);
      redirect(TIMED_OUT);
    }
    throw err;
  }
  return { status: "success" };
});

/**
 * Set-up during sign-in with a passkey, first half: the options for the browser, for this browser's pending step
 * only. The name is checked first: a refused one is said at its field before the browser is asked.
 */
export const enrolPasskeyOptionsAction = publicAction(async (_prev: FormState, formData: FormData): Promise<FormState> => {
  const token = await secondStepToken();
  if (!token) redirect(TIMED_OUT);
  const name = String(formData.get("name") ?? "").slice(0, 256);
  try {
    parseOrThrow(passkeyNameInputSchema, { name });
    return { status: "success", result: { options: JSON.stringify(await startEnrolmentPasskey(token)) } };
  } catch (err) {
    return enrolPasskeyRefusal(err, name);
  }
});

/** Second half: the browser's answer and the name; the passkey is on and the recovery codes come back, shown once. */
export const enrolPasskeyAction = publicAction(async (_prev: FormState, formData: FormData): Promise<FormState> => {
  const token = await secondStepToken();
  if (!token) redirect(TIMED_OUT);
  const name = String(formData.get("name") ?? "").slice(0, 256);
  try {
    const codes = await finishEnrolmentPasskey(token, { name, response: jsonField(formData.get("response")) }, requestMeta(await headers()));
    return { status: "success", result: { recoveryCodes: codes.join("\n") } };
  } catch (err) {
    return enrolPasskeyRefusal(err, name);
  }
});

function jsonField(text: FormDataEntryValue | null): unknown {
  if (typeof text !== "string" || text.length > 100_000) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The set-up's refusals in the person's language; a step that is gone starts the sign-in again. */
async function enrolPasskeyRefusal(err: unknown, name?: string): Promise<FormState> {
  if (err instanceof SecondStepExpired) redirect(TIMED_OUT);
  const values = name === undefined ? undefined : { name };
  if (err instanceof CodeThrottled) return { status: "error", message: await waitMessage(err.retryAfterSeconds), values };
  const t = await getTranslations("forcedSetup");
  if (err instanceof Invalid && err.fieldErrors.name) return formStateFromError(new Invalid(t("nameInvalid"), { name: [t("nameInvalid")] }), values);
  if (err instanceof Invalid) return { status: "error", message: t("notRegistered"), values };
  if (err instanceof Conflict) return { status: "error", message: t("alreadyRegistered"), values };
  if (err instanceof PreconditionFailed) return { status: "error", message: err.message === ENROLMENT_TOOK_TOO_LONG ? t("tookTooLong") : await needPublicUrl(), values };
  throw err;
}
