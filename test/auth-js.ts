/**
 * Auth.js's own routes in a unit test: lib/sign-in/nextauth.ts's configuration run through @auth/core's
 * Auth(), which is what next-auth's route handlers call (next-auth itself can't load under vitest: it
 * imports "next/server" unresolved). A test file mocks the modules with this file's stand-ins:
 *
 *   vi.mock("next-auth", async () => (await import("@/test/auth-js")).nextAuthModule);
 *   vi.mock("next-auth/providers/credentials", async () => (await import("@/test/auth-js")).credentialsModule());
 *   vi.mock("next/headers", async () => (await import("@/test/auth-js")).nextHeadersModule);
 *
 * and sets `serverRequest.headers` to what a server component's request would carry (lib/sign-in/session-cookie.ts).
 */
import { Auth, type AuthConfig } from "@auth/core";

type Factory = (request?: Request) => Promise<AuthConfig>;
const captured: { factory: Factory | null } = { factory: null };

/** The request headers next/headers answers with. */
export const serverRequest = { headers: new Headers() };

export const nextAuthModule = {
  default: (factory: Factory) => {
    captured.factory = factory;
    return { handlers: {}, auth: null, signIn: null, signOut: null };
  },
  CredentialsSignin: class CredentialsSignin extends Error {},
  customFetch: Symbol("customFetch"),
};

export async function credentialsModule() {
  return { default: (await import("@auth/core/providers/credentials")).default };
}

export const nextHeadersModule = {
  headers: async () => serverRequest.headers,
  cookies: async () => ({ size: serverRequest.headers.get("cookie") ? 1 : 0, get: () => undefined, set: () => undefined, delete: () => undefined }),
};

/** One request to Auth.js's routes (/api/auth/…) as Latchkey configures them. */
export async function authJs(request: Request): Promise<Response> {
  await import("@/lib/sign-in/nextauth");
  const options = await captured.factory!(request);
  // next-auth's default for its route handlers.
  return Auth(request, { basePath: "/api/auth", ...options });
}

/** A response's Set-Cookie headers as "name=value" pairs. */
export const cookiePairs = (response: Response) => response.headers.getSetCookie().map((c) => c.split(";")[0]);
