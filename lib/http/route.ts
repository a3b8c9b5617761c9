/** Wraps a route handler so every thrown error becomes the API's error response. */
import "server-only";
import { NotFound } from "@/lib/errors";
import { errorResponse } from "./errors";
import { textProblem } from "./well-formed-text";

/**
 * A path id no row can have is a 404 before any query: Next decodes "/api/users/%00" to a NUL, which
 * PostgreSQL refuses in a query (a 500), as in a body or query string (./well-formed-text.ts, ./query.ts).
 */
async function assertStorableParams(context: unknown): Promise<void> {
  const params = (context as { params?: Promise<Record<string, string | string[] | undefined>> } | undefined)?.params;
  if (!params) return;
  for (const value of Object.values(await params)) {
    for (const text of [value ?? []].flat()) if (textProblem(text)) throw new NotFound();
  }
}

export function apiRoute<Context>(handler: (request: Request, context: Context) => Promise<Response>) {
  return async (request: Request, context: Context): Promise<Response> => {
    try {
      await assertStorableParams(context);
      return await handler(request, context);
    } catch (err) {
      return errorResponse(err);
    }
  };
}
