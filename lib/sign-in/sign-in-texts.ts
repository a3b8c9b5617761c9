/** The sign-in form's own refusal texts, shared with the message catalog (lib/forms/message-keys.ts; no server code here). */
export const IDENTIFIER_REQUIRED = "Enter your email or username";
/** Also a proof step's text: one catalog entry ("enterYourPassword") says both. */
export const PASSWORD_REQUIRED = "Enter your password";
