/**
 * Sent beside Edit user's "Email address confirmed" box (components/users/edit-user-form.tsx), which only
 * someone who may vouch for an address sees. Without JavaScript every field counts as changed
 * (lib/forms/changed-fields.ts), and an unticked box is absent: the action reads "not confirmed" from
 * an absent box only when this says the box was on the form.
 */
export const EMAIL_VERIFIED_SHOWN = "email_verified_shown";
