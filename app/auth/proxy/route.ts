/**
 * Trusted header sign-in: the sign-in page sends a person here when their
 * request came through a trusted proxy that names them. Auth.js's
 * "trusted-header" provider checks the peer address and the header again
 * (lib/idp/trusted-header.ts), creates the session row and sets the cookie.
 * Anything else goes back to the sign-in page with the reason, never in a loop.
 */
import { AuthError, CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { signIn } from "@/lib/sign-in/nextauth";
import { localPath } from "@/lib/http/local-path";


export async function GET(request: Request): Promise<Response> {
  const callbackUrl = localPath(new URL(request.url).searchParams.get("callbackUrl"));
  try {
    await signIn("trusted-header", { redirectTo: callbackUrl });
  } catch (err) {
    if (err instanceof AuthError) {
      const code = err instanceof CredentialsSignin ? err.code : "proxy_header_missing";
      redirect(`/login?${new URLSearchParams({ error: code, callbackUrl })}`);
    }
    throw err;
  }
  redirect(callbackUrl);
}
