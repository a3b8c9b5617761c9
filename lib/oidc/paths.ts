/**
 * The paths the OpenID provider answers (served by scripts/server.mjs through
 * lib/sign-in/app-sign-in-http.ts). Kept apart from ./provider.ts so that the
 * server can tell a provider request from any other without loading
 * oidc-provider: lib/startup.ts loads it on the first such request.
 */
export const OIDC_PREFIX = "/oidc";
export const DISCOVERY_PATH = "/.well-known/openid-configuration";
export const DEVICE_PATH = "/device";

export function ownsPath(pathname: string): boolean {
  return pathname === DISCOVERY_PATH || pathname.startsWith(`${OIDC_PREFIX}/`) || pathname === DEVICE_PATH || pathname.startsWith(`${DEVICE_PATH}/`);
}
