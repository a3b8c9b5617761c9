/** The redirect (callback) URL to register at a provider: where Auth.js receives its answer for that provider. */
export function redirectUrl(origin: string, providerId: string): string {
  return `${origin}/api/auth/callback/${providerId}`;
}
