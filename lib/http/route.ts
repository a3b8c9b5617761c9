/** Wraps a route handler so every thrown error becomes the API's error response. */
import "server-only";
import { errorResponse } from "./errors";

export function apiRoute<Context>(handler: (request: Request, context: Context) => Promise<Response>) {
  return async (request: Request, context: Context): Promise<Response> => {
    try {
      return await handler(request, context);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** Reads "limit" and "offset" list parameters with sane bounds. */
export function pagination(url: URL, defaults = { limit: 100, max: 1000 }): { limit: number; offset: number } {
  const limit = Number.parseInt(url.searchParams.get("limit") ?? "", 10);
  const offset = Number.parseInt(url.searchParams.get("offset") ?? "", 10);
  return {
    limit: Number.isFinite(limit) && limit > 0 ? Math.min(limit, defaults.max) : defaults.limit,
    offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
  };
}
