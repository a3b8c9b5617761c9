/**
 * JSON answers for requests no route handler serves: an unknown /api path
 * (404) and a method a route doesn't offer (405 with Allow). Next would answer
 * these with an HTML page or an empty body, which API clients such as
 * NetBird's REST client can't parse.
 */
import "server-only";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];
type Handler = (request: Request) => Promise<Response>;

function jsonError(message: string, status: number, headers: Record<string, string> = {}): Response {
  return Response.json({ message, code: status }, { status, headers: { ...headers, "cache-control": "no-store" } });
}

/**
 * Handlers for every method a route does not export, answering 405 with the
 * route's methods in Allow, and OPTIONS naming the same ones (Next's own
 * OPTIONS listed every exported handler, these 405 ones included). Spread the
 * ones the route lacks, and OPTIONS, into its exports:
 * `export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");`
 */
export function otherMethods(...allowed: Method[]): Record<Method | "OPTIONS", Handler> {
  return refusing(allowed, allowed.includes("GET"));
}

/**
 * As otherMethods("GET"), and HEAD is a 405 too: for a GET whose work counts although a HEAD's answer has no body
 * (review 22). Next.js answers HEAD by running the GET handler and dropping the body, so a HEAD on the users export
 * recorded "Users exported" with nothing sent, and one on the integrity check spent a check of its budget.
 * `export const { POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = onlyGetWithoutHead();`
 */
export function onlyGetWithoutHead(): Record<Method | "HEAD" | "OPTIONS", Handler> {
  const handlers = refusing(["GET"], false);
  return { ...handlers, HEAD: handlers.POST };
}

function refusing(allowed: Method[], head: boolean): Record<Method | "OPTIONS", Handler> {
  const allow = [...allowed, ...(head ? ["HEAD"] : [])].join(", ");
  const refuse: Handler = async (request) => jsonError(`Method ${request.method} is not allowed here`, 405, { allow });
  const options: Handler = async () => new Response(null, { status: 204, headers: { allow: `${allow}, OPTIONS` } });
  return { ...(Object.fromEntries(METHODS.map((m) => [m, refuse])) as Record<Method, Handler>), OPTIONS: options };
}

/** Every method of an unknown /api path, OPTIONS included (Next's own answer offered every method): a JSON 404. */
export function unknownPath(): Record<Method | "OPTIONS", Handler> {
  const notFound: Handler = async () => jsonError("No such API endpoint", 404);
  return Object.fromEntries([...METHODS, "OPTIONS"].map((m) => [m, notFound])) as Record<Method | "OPTIONS", Handler>;
}
