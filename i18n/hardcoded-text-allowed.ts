/**
 * Files that still hold hard-coded UI text (see hardcoded-text.test.ts).
 * Delete a line when its file's text has moved into messages/*.json; never add one.
 */
export const HARDCODED_TEXT_ALLOWED: string[] = [
  "app/(dashboard)/profile/apps-section.tsx",
  "app/(dashboard)/profile/email-section.tsx",
  "app/(dashboard)/profile/name-form.tsx",
  "app/(dashboard)/profile/name-section.tsx",
  "app/(dashboard)/profile/page.tsx",
  "app/(dashboard)/profile/sessions-section.tsx",
  "app/(dashboard)/profile/two-factor-section.tsx",
  "app/(dashboard)/profile/username-section.tsx",
  "app/(public)/change-password/page.tsx",
  "app/(public)/confirm-email/page.tsx",
  "app/(public)/invite/page.tsx",
  "app/(public)/login/two-factor/page.tsx",
  "app/(public)/recover/page.tsx",
  "app/(public)/reset-password/page.tsx",
  "components/auth/confirm-email-form.tsx",
  "components/auth/recover-owner-form.tsx",
  "components/auth/reset-password-form.tsx",
  "components/invites/accept-invite-form.tsx",
  "components/mfa/passkeys-panel.tsx",
  "components/mfa/recovery-codes-list.tsx",
  "components/mfa/second-step-forms.tsx",
  "components/mfa/two-factor-panel.tsx",
  "components/mfa/user-factors.tsx",
  "components/users/change-email-form.tsx",
  "components/users/own-username-form.tsx",
];
