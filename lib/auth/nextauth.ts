/**
 * Auth.js (next-auth) wiring. Auth.js handles the sign-in flow and the
 * encrypted, signed session cookie; the cookie carries only our session id,
 * and lib/auth/session-actor.ts checks that id against the database on every
 * request. The config is built lazily so nothing reads secrets at build time.
 */
import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { config } from "@/lib/config";
import { sessionSecret } from "@/lib/crypto/keys";
import { requestMeta } from "@/lib/http/request-meta";
import { signInWithPassword, SignInFailed, SignInThrottled } from "./password-sign-in";

declare module "next-auth" {
  interface User {
    sessionId?: string;
  }
  interface Session {
    sessionId?: string;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    sid?: string;
  }
}

class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}

/** Too many failures from this address for this email: the sign-in form says how long to wait. */
export class SignInMustWait extends CredentialsSignin {
  code = "rate_limited";
  constructor(readonly retryAfterSeconds: number) {
    super();
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: sessionSecret(),
  // Self-hosted: the app is reached under whatever host the operator gives it.
  trustHost: true,
  session: { strategy: "jwt", maxAge: config().sessionMaxAgeSeconds },
  pages: { signIn: "/login", error: "/login" },
  logger: {
    // A wrong password is an expected outcome (recorded in the activity log), not a server error.
    error(error) {
      if (error instanceof CredentialsSignin) return;
      console.error(error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        const email = typeof credentials.email === "string" ? credentials.email.slice(0, 254) : "";
        const password = typeof credentials.password === "string" ? credentials.password.slice(0, 1024) : "";
        try {
          const signedIn = await signInWithPassword(email, password, requestMeta(request.headers));
          return { id: signedIn.userId, sessionId: signedIn.sessionId };
        } catch (err) {
          if (err instanceof SignInFailed) throw new InvalidCredentials();
          if (err instanceof SignInThrottled) throw new SignInMustWait(err.retryAfterSeconds);
          throw err;
        }
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      // Only the session id goes into the cookie: no name, email or role.
      if (user?.sessionId) return { sid: user.sessionId, sub: user.id };
      return token;
    },
    session({ session, token }) {
      return { ...session, sessionId: token.sid };
    },
  },
}));
