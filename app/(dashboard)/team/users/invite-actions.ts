"use server";

import { getTranslations } from "next-intl/server";
import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { bulkFailures, formStateFromError, formValues } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import type { BulkOutcome } from "@/components/users/bulk-selection";
import { bulkInvitesSchema, bulkUpdateInvites } from "@/lib/invites/bulk";
import { createInvite, deleteInvite, regenerateInvite, resendInvite } from "@/lib/invites/invites";
import { createInviteSchema, INVITE_EXPIRY, regenerateInviteSchema } from "@/lib/invites/schemas";

const DAY_SECONDS = 86400;

/**
 * The form asks for days; the service (like the API) takes seconds. A form without the field takes the
 * default; the field emptied is refused at it (as the browser's own "required" did), not read as the
 * default the person cleared.
 */
function daysToSeconds(value: FormDataEntryValue | null): number | undefined {
  if (value === null) return undefined;
  if (typeof value !== "string" || value.trim() === "") return Number.NaN;
  const days = Number(value);
  return Number.isFinite(days) ? Math.round(days * DAY_SECONDS) : Number.NaN;
}

/** The forms' expiry field is in days: the service's seconds-based message is shown there, in days. */
async function inDays<S extends { fieldErrors?: FormState["fieldErrors"] }>(state: S): Promise<S> {
  if (state.fieldErrors?.expires_in) {
    state.fieldErrors.expires_in_days = [(await getTranslations("invitesPage.toasts"))("expiryRange")];
  }
  return state;
}

function issued(invite: { expiresAt: Date; name: string; email: string | null }, token: string, emailQueued = false): FormState {
  revalidatePath("/team/users");
  // Sent by email: the link is not shown (it went to the invitee).
  if (emailQueued) return { status: "success", result: { emailedTo: invite.email ?? "", expiresAt: invite.expiresAt.toISOString(), name: invite.name } };
  return { status: "success", result: { token, expiresAt: invite.expiresAt.toISOString(), name: invite.name } };
}

export const createInviteAction = serverAction({ needs: "invites:create" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["email", "username", "name", "role", "expires_in_days", "send_email"]);
  try {
    const input = parseOrThrow(createInviteSchema, {
      email: values.email,
      username: values.username,
      name: values.name,
      role: values.role,
      auto_groups: formData.getAll("auto_groups"),
      expires_in: daysToSeconds(formData.get("expires_in_days")),
      send_email: formData.get("send_email") === "on",
    });
    const { invite, token, emailQueued } = await createInvite(actor, input, requestMeta(await headers()));
    return issued(invite, token, emailQueued);
  } catch (err) {
    return inDays(formStateFromError(err, values));
  }
});

export const regenerateInviteAction = serverAction({ needs: "invites:create" }, async (actor, inviteId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["expires_in_days"]);
  try {
    const { expires_in } = parseOrThrow(regenerateInviteSchema, { expires_in: daysToSeconds(formData.get("expires_in_days")) });
    const { invite, token } = await regenerateInvite(actor, inviteId, expires_in, requestMeta(await headers()));
    return issued(invite, token);
  } catch (err) {
    return inDays(formStateFromError(err, values));
  }
});

export const deleteInviteAction = serverAction({ needs: "invites:delete" }, async (actor, inviteId: string, _prev: FormState): Promise<FormState> => {
  try {
    await deleteInvite(actor, inviteId, requestMeta(await headers()));
    revalidatePath("/team/users");
    return { status: "success", message: (await getTranslations("invitesPage.toasts"))("deleted") };
  } catch (err) {
    return formStateFromError(err);
  }
});

/** email: Resend — a fresh link to the invitee by email (the old one stops working). */
export const resendInviteAction = serverAction({ needs: "invites:create" }, async (actor, inviteId: string, _prev: FormState): Promise<FormState> => {
  try {
    const { invite } = await resendInvite(actor, inviteId, INVITE_EXPIRY.defaultSeconds, requestMeta(await headers()));
    revalidatePath("/team/users");
    return { status: "success", message: (await getTranslations("invitesPage.toasts"))("resent", { email: invite.email ?? "" }) };
  } catch (err) {
    return formStateFromError(err);
  }
});

/**
 * The invites list's bulk actions: each selected invite through the single action (lib/invites/bulk.ts); regenerate:
 * each new link, shown once, valid for the days chosen in the confirmation (`fields`, as the single Regenerate's form).
 */
export const bulkInvitesAction = serverAction({ needs: "invites:delete", byFirstArg: { regenerate: "invites:create" } }, async (actor, action: string, ids: string[], fields?: FormData): Promise<BulkOutcome> => {
  try {
    const expires = action === "regenerate" ? { expires_in: daysToSeconds(fields?.get("expires_in_days") ?? null) } : {};
    const input = parseOrThrow(bulkInvitesSchema, { action, invite_ids: ids, ...expires });
    const results = await bulkUpdateInvites(actor, input, requestMeta(await headers()));
    revalidatePath("/team/users");
    return {
      status: "success",
      done: results.filter((r) => r.ok).map((r) => r.id),
      links: results.flatMap((r) => (r.ok && r.token && r.expiresAt ? [{ id: r.id, token: r.token, expiresAt: r.expiresAt.toISOString() }] : [])),
      failures: await bulkFailures(results),
    };
  } catch (err) {
    const state = await inDays(formStateFromError(err));
    const message = state.message ?? (await getTranslations("invitesPage.bulk"))("nothingChanged");
    return state.fieldErrors?.expires_in_days ? { status: "error", message, fieldErrors: { expires_in_days: state.fieldErrors.expires_in_days } } : { status: "error", message };
  }
});
