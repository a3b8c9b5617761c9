/**
 * Human names for activity codes and sign-in failure reasons. Codes not listed
 * here (added by a newer feature) are shown as they are, never hidden.
 */
export const ACTION_LABELS: Record<string, string> = {
  "setup.completed": "Setup completed",
  "user.login": "Signed in",
  "user.login.failed": "Sign-in failed",
  "user.logout": "Signed out",
  "user.locked": "Sign-in locked",
  "user.unlocked": "Sign-in unlocked",
  "user.password.changed": "Password changed",
  "user.password.reset": "Password reset",
  "user.recovery_link.created": "Owner recovery link created",
  "user.recovered": "Owner recovered with a recovery link",
  "user.sessions.revoked": "Sessions revoked",
  "session.revoked": "Session revoked",
  "user.created": "User created",
  "user.updated": "User updated",
  "user.role.changed": "Role changed",
  "user.blocked": "User blocked",
  "user.unblocked": "User unblocked",
  "user.deleted": "User deleted",
  "user.approved": "User approved",
  "user.rejected": "User rejected",
  "account.ownership.transferred": "Ownership transferred",
  "service_user.created": "Service user created",
  "service_user.deleted": "Service user deleted",
  "token.created": "Access token created",
  "token.deleted": "Access token deleted",
  "invite.created": "Invite created",
  "invite.regenerated": "Invite regenerated",
  "invite.deleted": "Invite deleted",
  "invite.accepted": "Invite accepted",
  "group.created": "Group created",
  "group.renamed": "Group renamed",
  "group.deleted": "Group deleted",
  "identity_provider.created": "Identity provider added",
  "identity_provider.updated": "Identity provider changed",
  "identity_provider.enabled": "Identity provider enabled",
  "identity_provider.disabled": "Identity provider disabled",
  "identity_provider.deleted": "Identity provider deleted",
  "ldap.created": "LDAP directory added",
  "ldap.updated": "LDAP directory changed",
  "sign_in.local.enabled": "Password sign-in enabled",
  "sign_in.local.disabled": "Password sign-in disabled",
  "sign_in.trusted_header.updated": "Trusted header sign-in changed",
  "user.idp.linked": "Linked to identity provider",
  "activity.pruned": "Old activity pruned",
  // dashboard: the Users list downloaded as CSV (NetBird has no such activity: our own code).
  "users.exported": "Users exported",
  // usernames: the owner's Settings → Sign-in switch "People may change their own username".
  "sign_in.username_change.enabled": "Changing own username allowed",
  "sign_in.username_change.disabled": "Changing own username not allowed",
  // two-factor (issue 14)
  "mfa.factor.added": "Second factor added",
  "mfa.factor.removed": "Second factor removed",
  "mfa.factor.used": "Second factor used",
  "mfa.code.failed": "Wrong two-factor code",
  "mfa.recovery_code.used": "Recovery code used",
  "mfa.recovery_codes.regenerated": "Recovery codes regenerated",
  "mfa.reset": "Two-factor reset by an admin",
  "mfa.passkey.renamed": "Passkey renamed",
  "mfa.passkey.failed": "Passkey not accepted",
  "settings.security.updated": "Two-factor requirement changed",
  // roles
  "role.created": "Role created",
  "role.updated": "Role changed",
  "role.deleted": "Role deleted",
  "user.roles.changed": "User's roles changed",
  "group.roles.changed": "Group's roles changed",
  // email
  "email.sent": "Email sent",
  "email.failed": "Email not delivered",
  "email.retried": "Email delivery retried",
  "settings.email.updated": "Email settings changed",
  "user.password.reset_requested": "Password reset requested",
  "user.password.reset_link_sent": "Password reset link sent",
  "user.password.reset_by_link": "Password set from a reset link",
  "user.email.change_requested": "Email change requested",
  "user.email.changed": "Email changed",
  // applications (issue 15)
  "application.created": "Application registered",
  "application.updated": "Application changed",
  "application.secret_rotated": "Application secret rotated",
  "application.deleted": "Application deleted",
  "application.sign_in": "Signed in to an application",
  // OpenID provider (issue 15): people signing in to apps through Latchkey
  "app.sign_in.refused": "App sign-in refused",
  "app.consent.given": "App access allowed",
  "app.consent.denied": "App access declined",
  "app.access.withdrawn": "App access withdrawn",
  "app.tokens.revoked": "App tokens revoked",
};

export const FAILURE_REASON_LABELS: Record<string, string> = {
  wrong_password: "Wrong password",
  unknown_email: "Unknown email or username",
  blocked_user: "Blocked user",
  no_local_password: "No local password",
  rate_limited: "Rate limited (must wait)",
  locked: "Locked (too many failures)",
  local_sign_in_disabled: "Password sign-in disabled",
  unknown_user: "Unknown directory user",
  directory_unavailable: "Directory unavailable",
  privileged_account: "Owner or admin matched by email (refused)",
  wrong_code: "Wrong two-factor code",
  unknown_passkey: "Unknown passkey",
  no_challenge: "Passkey challenge missing or expired",
  external_identity: "Signs in through an identity provider or directory",
  passkey_not_verified: "Passkey's signature or challenge not accepted",
  pending_approval: "Waiting for approval",
  service_user: "Service user",
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

export function failureReasonLabel(reason: string): string {
  return FAILURE_REASON_LABELS[reason] ?? reason;
}
