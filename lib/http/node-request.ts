/**
 * A Node request's headers as a web `Headers`, for the handlers the server hook answers before Next.js
 * (lib/sign-in/credentials-http.ts, lib/sign-in/app-sign-in-http.ts). Repeated headers are joined with
 * ", ", as the Fetch standard combines them.
 */
import type { IncomingMessage } from "node:http";

export function webHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(", "));
  }
  return headers;
}
