"use server";

import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { formStateFromError, formValues } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { updateSecurityPolicy } from "@/lib/mfa/policy";

export const saveSecurityPolicyAction = serverAction({ needs: "settings:security" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["require_for", "grace_days"]);
  try {
    await updateSecurityPolicy(
      actor,
      {
        require_for: formData.get("require_for"),
        group_ids: formData.getAll("auto_groups").map(String),
        grace_days: String(formData.get("grace_days") ?? "0") || "0",
      },
      requestMeta(await headers()),
    );
    revalidatePath("/settings/security");
    return { status: "success", message: (await getTranslations("securityPage"))("saved") };
  } catch (err) {
    return formStateFromError(err, { ...values, auto_groups: formData.getAll("auto_groups").map(String).join(",") });
  }
});
