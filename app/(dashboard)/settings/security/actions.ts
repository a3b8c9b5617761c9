"use server";

import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { formStateFromError, formValues } from "@/lib/forms/action-errors";
import { changedEntries, setIn } from "@/lib/forms/changed-fields";
import { keptList, type FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { updateSecurityPolicy } from "@/lib/mfa/policy";

export const saveSecurityPolicyAction = serverAction({ needs: "settings:security" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["require_for", "grace_days"]);
  try {
    const input = {
      require_for: formData.get("require_for") ?? undefined,
      group_ids: setIn(formData, "auto_groups"),
      grace_days: String(formData.get("grace_days") ?? "0") || "0",
    };
    await updateSecurityPolicy(actor, changedEntries(formData, input, { group_ids: ["auto_groups"] }), requestMeta(await headers()));
    revalidatePath("/settings/security");
    return { status: "success", message: (await getTranslations("securityPage"))("saved") };
  } catch (err) {
    return formStateFromError(err, { ...values, auto_groups: keptList(formData, "auto_groups") });
  }
});
