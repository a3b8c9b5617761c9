"use server";

import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { formStateFromError, formValues } from "@/lib/forms/action-errors";
import { PROOF_FIELDS, proofOf } from "@/lib/forms/proof-fields";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { createAccessToken, deleteAccessToken } from "@/lib/tokens/personal-tokens";
import { createTokenSchema } from "@/lib/tokens/schemas";

/** Tokens are shown on the owner's profile and, for service users, on their page and in the Service users table. */
function refreshTokenPages(userId: string) {
  revalidatePath("/profile");
  revalidatePath("/team/service-users");
  revalidatePath(`/team/service-users/${userId}`);
  // A person's page lists the service-user tokens they created.
  revalidatePath("/team/users/[id]", "page");
}

/** The form's text as the API's JSON: a number of days, or nothing for the default. */
function expiresInFrom(value: string | undefined): unknown {
  if (value === undefined || value.trim() === "") return undefined;
  const days = Number(value);
  return Number.isFinite(days) ? days : value;
}

export const createTokenAction = serverAction({ needs: ["service_users:read", "tokens:create"], selfArg: 0 }, async (actor, userId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["name", "expires_in", "scope"]);
  // "some": only the ticked permissions (none ticked: a token that may only read its owner's own account).
  const permissions = values.scope === "some" ? formData.getAll("permissions").filter((v): v is string => typeof v === "string") : undefined;
  if (permissions) values.permissions = permissions.join(",");
  try {
    const input = parseOrThrow(createTokenSchema, { name: values.name, expires_in: expiresInFrom(values.expires_in), permissions });
    // Creating one's own token asks for proof it's the person (the password or a code; never kept in values).
    const { plain, token } = await createAccessToken(actor, userId, input, requestMeta(await headers()), proofOf(formData));
    refreshTokenPages(userId);
    // The plain token goes to this one response and is never kept in form values.
    return { status: "success", result: { token: plain, name: token.name, expiresAt: token.expiresAt.toISOString() } };
  } catch (err) {
    return formStateFromError(err, values, PROOF_FIELDS);
  }
});

export const deleteTokenAction = serverAction({ needs: ["service_users:read", "tokens:delete"], selfArg: 0 }, async (actor, userId: string, tokenId: string, _prev: FormState): Promise<FormState> => {
  try {
    await deleteAccessToken(actor, userId, tokenId, requestMeta(await headers()));
    refreshTokenPages(userId);
    return { status: "success", message: (await getTranslations("serverMessages"))("tokenDeleted") };
  } catch (err) {
    return formStateFromError(err);
  }
});
