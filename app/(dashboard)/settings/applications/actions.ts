"use server";

import { serverAction } from "@/lib/forms/server-action";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { createApplication, deleteApplication, rotateApplicationSecret, updateApplication } from "@/lib/applications/applications";
import { applicationInputOf, formFieldErrors, readApplicationForm } from "@/lib/applications/form-input";
import { createApplicationSchema } from "@/lib/applications/schemas";
import { Invalid } from "@/lib/errors";
import { formStateFromError } from "@/lib/forms/action-errors";
import { changedIn } from "@/lib/forms/changed-fields";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";

const APPLICATIONS_PATH = "/settings/applications";

function errorState(err: unknown, values: Record<string, string>): FormState {
  const state = formStateFromError(err, values);
  return { ...state, fieldErrors: formFieldErrors(state.fieldErrors) };
}

export const createApplicationAction = serverAction({ needs: "applications:create" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const { values, problems } = readApplicationForm(formData);
  try {
    if (Object.keys(problems).length > 0) throw new Invalid("Please fix the highlighted fields", problems);
    const input = parseOrThrow(createApplicationSchema, applicationInputOf(formData, values, () => true));
    const { application, clientSecret } = await createApplication(actor, input, requestMeta(await headers()));
    revalidatePath(APPLICATIONS_PATH, "layout");
    // The secret goes to this one response and is never kept in form values.
    return {
      status: "success",
      message: (await getTranslations("applicationsPage"))("registered", { name: application.name }),
      result: { id: application.id, name: application.name, clientId: application.clientId, type: application.type, ...(clientSecret ? { clientSecret } : {}) },
    };
  } catch (err) {
    return errorState(err, values);
  }
});

/** Saves only the fields the person changed (a form left open can't undo a change made since). */
export const updateApplicationAction = serverAction({ needs: "applications:update" }, async (actor, id: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  const { values, problems } = readApplicationForm(formData);
  const changed = changedIn(formData);
  try {
    const relevant = Object.fromEntries(Object.entries(problems).filter(([field]) => changed(field)));
    if (Object.keys(relevant).length > 0) throw new Invalid("Please fix the highlighted fields", relevant);
    const input = applicationInputOf(formData, values, (field) => field !== "type" && changed(field), true);
    const application = await updateApplication(actor, String(id), input, requestMeta(await headers()));
    revalidatePath(APPLICATIONS_PATH, "layout");
    return { status: "success", message: (await getTranslations("applicationsPage"))("saved", { name: application.name }) };
  } catch (err) {
    return errorState(err, values);
  }
});

/**
 * Replaces the secret the page showed (`replaces`: its client_secret_id): one rotated meanwhile (a second
 * tab, another admin) is refused with a message rather than shown a secret that the other rotation ends.
 * The page is rendered again either way, so a refused form's next press replaces the secret now stored.
 */
export const rotateApplicationSecretAction = serverAction({ needs: "applications:update" }, async (actor, id: string, replaces: string, _prev: FormState): Promise<FormState> => {
  try {
    const { application, clientSecret } = await rotateApplicationSecret(actor, String(id), requestMeta(await headers()), { replaces: String(replaces) });
    return { status: "success", message: (await getTranslations("applicationsPage"))("newSecret", { name: application.name }), result: { clientSecret: clientSecret ?? "" } };
  } catch (err) {
    return formStateFromError(err);
  } finally {
    revalidatePath(APPLICATIONS_PATH, "layout");
  }
});

export const deleteApplicationAction = serverAction({ needs: "applications:delete" }, async (actor, id: string, _prev: FormState): Promise<FormState> => {
  try {
    await deleteApplication(actor, String(id), requestMeta(await headers()));
    revalidatePath(APPLICATIONS_PATH, "layout");
  } catch (err) {
    return formStateFromError(err);
  }
  redirect(`${APPLICATIONS_PATH}?deleted=1`);
});
