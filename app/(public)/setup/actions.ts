"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { Invalid } from "@/lib/errors";
import { formStateFromError, formValues } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";

export async function createOwnerAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["email", "name"]);
  try {
    const password = formData.get("password");
    if (password !== formData.get("confirm_password")) {
      throw new Invalid("Please fix the highlighted fields", { confirm_password: ["Passwords do not match"] });
    }
    const input = parseOrThrow(setupInputSchema, { ...values, password });
    await completeSetup(input, requestMeta(await headers()));
  } catch (err) {
    return formStateFromError(err, values);
  }
  redirect(`/login?setup=done&email=${encodeURIComponent(values.email.trim())}`);
}
