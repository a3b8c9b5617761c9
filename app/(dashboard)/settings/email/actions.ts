"use server";

import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { formStateFromError, formValues } from "@/lib/forms/action-errors";
import { changedEntries } from "@/lib/forms/changed-fields";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { retryDelivery, sendTestEmail } from "@/lib/mail/deliveries";
import { saveMailSettings } from "@/lib/mail/settings";

const TEXT = ["host", "port", "security", "username", "from_name", "from_address", "public_url"];
const NOTICES = ["notice_password_changed", "notice_two_factor_changed", "notice_access_token_created", "notice_new_browser"];
/** The SMTP password and the proof that it's the person: shown, never sent back. */
const SECRETS = ["password", "current_password", "code"];
const checked = (formData: FormData, name: string) => formData.get(name) === "on";

/**
 * Saves what the person changed (lib/forms/changed-fields): a form left open doesn't write back what
 * another tab changed since. The service lays it over what is stored and validates the whole; the
 * proof fields ("current_password", "code") go along when present.
 */
export const saveMailSettingsAction = serverAction({ needs: "settings:email" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, [...TEXT, ...NOTICES]);
  try {
    const input = {
      ...Object.fromEntries(TEXT.map((k) => [k, formData.get(k) ?? undefined])),
      password: formData.get("password") || undefined,
      clear_password: checked(formData, "clear_password"),
      ...Object.fromEntries(NOTICES.map((k) => [k, checked(formData, k)])),
    };
    const proof = { current_password: formData.get("current_password") ?? undefined, code: formData.get("code") ?? undefined };
    const saved = await saveMailSettings(actor, { ...changedEntries(formData, input), ...proof }, requestMeta(await headers()));
    revalidatePath("/settings/email");
    revalidatePath("/login");
    return { status: "success", message: (await getTranslations("emailPage"))(saved.enabled ? "savedOn" : "savedOff") };
  } catch (err) {
    return formStateFromError(err, values, SECRETS);
  }
});

export const sendTestEmailAction = serverAction({ needs: "settings:email" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["to"]);
  try {
    const { ok, response } = await sendTestEmail(actor, { to: formData.get("to") }, requestMeta(await headers()));
    // Recent deliveries lists it now.
    revalidatePath("/settings/email");
    const t = await getTranslations("emailPage");
    return ok
      ? { status: "success", message: t("testAccepted", { response }), values }
      : { status: "error", message: t("testRefused", { response }), values };
  } catch (err) {
    return formStateFromError(err, values);
  }
});

export const retryDeliveryAction = serverAction({ needs: "users:update" }, async (actor, id: string, _prev: FormState): Promise<FormState> => {
  try {
    await retryDelivery(actor, id, requestMeta(await headers()));
    revalidatePath("/settings/email");
    return { status: "success", message: (await getTranslations("emailPage"))("queuedAgain") };
  } catch (err) {
    return formStateFromError(err);
  }
});
