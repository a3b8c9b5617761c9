/**
 * The one Auth.js path lib/startup.ts's hook answers before Next.js: the sign-in
 * form's POST (lib/sign-in/credentials-http.ts). Kept apart so that the server can
 * tell it from any other request without loading Auth.js.
 */
export const CREDENTIALS_CALLBACK_PATH = "/api/auth/callback/credentials";

/** A sign-in form's POST to the credentials callback (any query; the exact path, as Next.js routes it). */
export function isCredentialsCallback(method: string | undefined, url: string | undefined): boolean {
  return method === "POST" && (url ?? "/").split("?", 1)[0] === CREDENTIALS_CALLBACK_PATH;
}
